package apisim

import (
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim/githubsim"
)

func plantIdle(p *planter) {
	_, k := p.jr(tPay, p.progress(tPay, "Reconcile ledger drift", 12, 10))
	p.hit(analysis.RuleIdle, k, "in progress, last updated 10 days ago")
	_, k = p.gh(tCore, p.progress(tCore, "Split the session cache", 12, 9))
	p.hit(analysis.RuleIdle, k, "labelled in progress, last updated 9 days ago")
	_, k = p.jr(tPay, p.progress(tPay, "Retry card captures", 8, 5))
	p.miss(analysis.RuleIdle, k, "in progress, updated 5 days ago")
	_, k = p.gh(tCore, p.progress(tCore, "Trim the audit log", 8, 5))
	p.miss(analysis.RuleIdle, k, "labelled in progress, updated 5 days ago")
	d := p.todo(tPay, "Archive old statements")
	d.updated = p.ago(60)
	_, k = p.jr(tPay, d)
	p.miss(analysis.RuleIdle, k, "not started, untouched for 60 days")
	_, k = p.gh(tCore, p.closed(tCore, "Drop the v1 login endpoint", stDone, 30))
	p.miss(analysis.RuleIdle, k, "closed 30 days ago")
}

// plantChurning plants Jira cases (field edits and comments in the
// changelog) and GitHub ones (comments after the in-progress label).
func plantChurning(p *planter) {
	d := p.progress(tCore, "Stabilise the rate limiter", 20, 0)
	d.created = p.ago(40)
	for i := range 44 {
		d.edits = append(d.edits, p.ago(13-float64(i)*0.29))
	}
	d.comments = []time.Time{p.ago(12), p.ago(8), p.ago(3)}
	d.updated = d.edits[len(d.edits)-1]
	_, k := p.jr(tCore, d)
	p.hit(analysis.RuleChurning, k, "in progress for 20 days with 44 edits and 3 comments in the last 14; 45 histories, so the embedded changelog (newest 40) hides the status change")

	d = p.progress(tCore, "Tune search ranking", 20, 3)
	d.created = p.ago(40)
	for _, a := range []float64{28, 27, 26, 25, 23, 21, 12, 9, 6, 3} {
		d.edits = append(d.edits, p.ago(a))
	}
	_, k = p.jr(tCore, d)
	p.miss(analysis.RuleChurning, k, "in progress for 20 days but only 4 edits in the last 14")

	d = p.progress(tCore, "Rework webhook retries", 10, 1)
	for i := range 8 {
		d.edits = append(d.edits, p.ago(9-float64(i)))
	}
	_, k = p.jr(tCore, d)
	p.miss(analysis.RuleChurning, k, "8 edits, but moved to in progress 10 days ago")

	d = p.progress(tMob, "Flaky login on older phones", 20, 1)
	d.comments = []time.Time{p.ago(12), p.ago(10), p.ago(7), p.ago(5), p.ago(3), p.ago(1)}
	_, k = p.gh(tMob, d)
	p.hit(analysis.RuleChurning, k, "labelled in progress 20 days ago, 6 comments in the last 14")
	d = p.progress(tMob, "Slow cold start", 20, 1)
	d.comments = []time.Time{p.ago(19), p.ago(17), p.ago(15), p.ago(9), p.ago(5), p.ago(2), p.ago(1)}
	_, k = p.gh(tMob, d)
	p.miss(analysis.RuleChurning, k, "labelled in progress 20 days ago, 7 comments but only 4 in the last 14")
}

func plantUnowned(p *planter) {
	d := p.progress(tPlat, "Rotate the CI signing key", 3, 1)
	d.assignee = ""
	_, k := p.gh(tPlat, d)
	p.hit(analysis.RuleUnowned, k, "labelled in progress, no assignee")
	d = p.progress(tMob, "Offline mode for the wallet", 4, 1)
	d.assignee = ""
	_, k = p.jr(tMob, d)
	p.hit(analysis.RuleUnowned, k, "In Progress, unassigned")
	d = p.todo(tMob, "Dark mode icons")
	d.assignee = ""
	_, k = p.jr(tMob, d)
	p.miss(analysis.RuleUnowned, k, "unassigned but not started")
	d = p.closed(tPlat, "Remove the old runners", stDone, 3)
	d.assignee = ""
	_, k = p.gh(tPlat, d)
	p.miss(analysis.RuleUnowned, k, "unassigned but closed")
}

func plantOverdue(p *planter) {
	d := p.todo(tPay, "File the PCI attestation")
	d.due = p.date(-3)
	_, k := p.jr(tPay, d)
	p.hit(analysis.RuleOverdue, k, "due 3 days ago, to do")
	d = p.todo(tMob, "Ship the 2.3.1 crash fix")
	d.iter = p.milestone(tMob, "2.3.1 hotfix", -2)
	_, k = p.gh(tMob, d)
	p.hit(analysis.RuleOverdue, k, "its open milestone was due 2 days ago")
	d = p.closed(tPay, "Close the Q3 books", stDone, 5)
	d.due = p.date(-10)
	_, k = p.jr(tPay, d)
	p.miss(analysis.RuleOverdue, k, "due 10 days ago but done")
	d = p.todo(tPay, "Renew the acquirer certificate")
	d.due = p.date(3)
	_, k = p.jr(tPay, d)
	p.miss(analysis.RuleOverdue, k, "due in 3 days")
}

func plantBlockerResolved(p *planter) {
	blocked := func(t int, title string) draft {
		d := p.todo(t, title)
		d.state, d.changed = stBlocked, p.ago(6)
		return d
	}
	b, bk := p.jr(tCore, p.closed(tCore, "Upgrade the TLS library", stDone, 2))
	d, dk := p.jr(tCore, blocked(tCore, "Enable TLS 1.3 everywhere"))
	p.block(b, d)
	p.hit(analysis.RuleBlockerResolved, dk, "Blocked; its only blocker was done 2 days ago", bk)

	gb, gbk := p.gh(tPay, p.closed(tPay, "Expose refund reasons in the API", stDone, 2))
	gd := blocked(tPay, "Show refund reasons in the dashboard")
	gd.blocked = []githubsim.IssueRef{gb}
	_, gdk := p.gh(tPay, gd)
	p.hit(analysis.RuleBlockerResolved, gdk, "labelled blocked; its native blocker was closed 2 days ago", gbk)

	b1, b1k := p.jr(tCore, p.closed(tCore, "Pick a metrics backend", stDone, 3))
	b2, b2k := p.jr(tCore, p.todo(tCore, "Budget for the metrics backend"))
	d, dk = p.jr(tCore, blocked(tCore, "Migrate metrics"))
	p.block(b1, d)
	p.block(b2, d)
	p.miss(analysis.RuleBlockerResolved, dk, "Blocked; one blocker done, one still open", b1k, b2k)

	gb, gbk = p.gh(tPay, p.todo(tPay, "Agree the payout schema"))
	gd = blocked(tPay, "Build the payout exporter")
	gd.blocked = []githubsim.IssueRef{gb}
	_, gdk = p.gh(tPay, gd)
	p.miss(analysis.RuleBlockerResolved, gdk, "labelled blocked; its blocker is open", gbk)
}

func plantBlockedByStalled(p *planter) {
	s, sk := p.jr(tCore, p.progress(tCore, "Publish the core events schema", 12, 10))
	p.hit(analysis.RuleIdle, sk, "in progress, last updated 10 days ago; blocks a payments issue")
	d := p.todo(tPay, "Consume core events for settlements")
	d.body = "We need the schema first.\n\nBlocked by " + s
	_, dk := p.gh(tPay, d)
	p.hit(analysis.RuleBlockedByStalled, dk, "waits (text reference) on an idle core issue", sk)

	d = p.progress(tPlat, "Provision the mobile build farm", 4, 1)
	d.assignee = ""
	s, sk = p.jr(tPlat, d)
	p.hit(analysis.RuleUnowned, sk, "In Progress, unassigned; blocks a mobile issue")
	dj, dk := p.jr(tMob, p.todo(tMob, "Nightly builds for the iOS app"))
	p.block(s, dj)
	p.hit(analysis.RuleBlockedByStalled, dk, "waits (Jira link) on an unowned platform issue", sk)

	s, sk = p.jr(tPlat, p.progress(tPlat, "Provision GPU runners", 4, 1))
	dj, dk = p.jr(tMob, p.todo(tMob, "On-device model tests"))
	p.block(s, dj)
	p.miss(analysis.RuleBlockedByStalled, dk, "its platform blocker is in progress and healthy", sk)

	gs, gsk := p.gh(tPay, p.progress(tPay, "Refactor the fee calculator", 12, 10))
	p.hit(analysis.RuleIdle, gsk, "labelled in progress, last updated 10 days ago")
	gd := p.todo(tPay, "Regional fee overrides")
	gd.blocked = []githubsim.IssueRef{gs}
	_, gdk := p.gh(tPay, gd)
	p.miss(analysis.RuleBlockedByStalled, gdk, "its stalled blocker is on the same team", gsk)
}
