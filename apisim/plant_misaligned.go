package apisim

import (
	"fmt"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim/githubsim"
)

// Misalignment needs an edge between two teams; each near miss changes one
// thing about a positive case.

func plantPriorityInversion(p *planter) {
	pair := func(dPri, bPri, dTeam int, title string) (string, string, string, string) {
		b := p.todo(tCore, "Blocker of: "+title)
		b.pri = bPri
		bj, bk := p.jr(tCore, b)
		d := p.todo(dTeam, title)
		d.pri = dPri
		dj, dk := p.jr(dTeam, d)
		p.block(bj, dj)
		return dj, dk, bj, bk
	}
	_, dk, _, bk := pair(1, 3, tPay, "Chargeback deadline handling")
	p.hit(analysis.RulePriorityInversion, dk, "Highest waits on a Medium core issue (Jira link)", bk)
	_, dk, _, bk = pair(2, 3, tPay, "Partial refunds")
	p.miss(analysis.RulePriorityInversion, dk, "High waits on Medium: a gap of one level", bk)
	_, dk, _, bk = pair(3, 1, tPay, "Refund email copy")
	p.miss(analysis.RulePriorityInversion, dk, "Medium waits on Highest: no inversion", bk)

	b := p.todo(tPlat, "Bump the base image")
	b.pri = 4
	gb, gbk := p.gh(tPlat, b)
	d := p.todo(tMob, "Crash on launch for Android 15")
	d.pri = 1
	d.body = fmt.Sprintf("Crashes in the native layer.\n\nThis depends on %s.", gb)
	_, dk = p.gh(tMob, d)
	p.hit(analysis.RulePriorityInversion, dk, "P1 depends on (text reference) a P4 platform issue", gbk)

	b = p.todo(tMob, "Refresh the onboarding art")
	b.pri = 4
	gb, gbk = p.gh(tMob, b)
	d = p.todo(tMob, "App store rejection fix")
	d.pri = 1
	d.blocked = []githubsim.IssueRef{gb}
	_, dk = p.gh(tMob, d)
	p.miss(analysis.RulePriorityInversion, dk, "P1 waits on P4 of the same team", gbk)
}

func plantScheduleConflict(p *planter) {
	pair := func(dTeam, dDue, bDue int, title string) (string, string) {
		b := p.todo(tPlat, "Blocker of: "+title)
		b.due = p.date(bDue)
		bj, bk := p.jr(tPlat, b)
		d := p.todo(dTeam, title)
		d.due = p.date(dDue)
		dj, dk := p.jr(dTeam, d)
		p.block(bj, dj)
		return dk, bk
	}
	dk, bk := pair(tCore, 10, 20, "Multi-region failover")
	p.hit(analysis.RuleScheduleConflict, dk, "due in 10 days, its platform blocker in 20", bk)
	dk, bk = pair(tCore, 15, 5, "Failover runbook")
	p.miss(analysis.RuleScheduleConflict, dk, "due in 15 days, its blocker in 5", bk)
	dk, bk = pair(tPlat, 10, 20, "Runner autoscaling")
	p.miss(analysis.RuleScheduleConflict, dk, "blocker due after it, but on the same team", bk)

	b := p.todo(tCore, "Core 3.0 API freeze")
	b.iter = p.milestone(tCore, "Core 3.0", 28)
	gb, gbk := p.gh(tCore, b)
	d := p.todo(tPay, "Adopt the core 3.0 client")
	d.iter = p.milestone(tPay, "Payments Q1 launch", 14)
	d.blocked = []githubsim.IssueRef{gb}
	_, dk = p.gh(tPay, d)
	p.hit(analysis.RuleScheduleConflict, dk, "milestone due in 14 days; its core blocker's milestone in 28", gbk)
}

func plantUnscheduledBlocker(p *planter) {
	gb, gbk := p.gh(tCore, p.todo(tCore, "Expose device tokens in the core API"))
	d := p.todo(tMob, "Push notification opt-in")
	d.due = p.date(12)
	d.body = fmt.Sprintf("Needs core support.\n\nBlocked by %s", gb)
	_, dk := p.jr(tMob, d)
	p.hit(analysis.RuleUnscheduledBlocker, dk, "due in 12 days; its core blocker has no date and is not started", gbk)

	jb, jbk := p.jr(tPay, p.todo(tPay, "Billing webhooks for platform events"))
	ga := p.milestone(tPlat, "Platform GA", 20)
	gd := p.todo(tPlat, "Usage metering")
	gd.iter = ga
	gd.body = "Blocked by " + jb
	_, dk = p.gh(tPlat, gd)
	p.hit(analysis.RuleUnscheduledBlocker, dk, "milestone due in 20 days; its payments blocker has no date and is not started", jbk)

	jb, jbk = p.jr(tCore, p.todo(tCore, "Deprecate the v1 device API"))
	d = p.todo(tMob, "Remove v1 device calls")
	d.due = p.date(45)
	dj, dk := p.jr(tMob, d)
	p.block(jb, dj)
	p.miss(analysis.RuleUnscheduledBlocker, dk, "due in 45 days: beyond the 30-day horizon", jbk)

	gb, gbk = p.gh(tCore, p.progress(tCore, "Quota API", 3, 1))
	gd = p.todo(tPlat, "Quota dashboard")
	gd.iter = ga
	gd.blocked = []githubsim.IssueRef{gb}
	_, dk = p.gh(tPlat, gd)
	p.miss(analysis.RuleUnscheduledBlocker, dk, "its undated blocker is already in progress", gbk)
}

func plantStatusDrift(p *planter) {
	// twins writes a Jira issue and its GitHub mirror on team t.
	twins := func(t int, title string, jd, gd draft) (string, string) {
		gref := p.nextGH(t)
		jd.title, jd.body = title, "GitHub issue: https://github.com/"+gref.Repo+fmt.Sprintf("/issues/%d", gref.Number)
		jkey, jk := p.jr(t, jd)
		gd.title = "[" + jkey + "] " + title
		_, gk := p.gh(t, gd)
		p.g.stats.Mirrors++
		return jk, gk
	}
	jk, gk := twins(tPay, "3-D Secure fallback", p.todo(tPay, ""), p.closed(tPay, "", stDone, 5))
	p.hit(analysis.RuleStatusDrift, jk, "GitHub twin closed 5 days ago, Jira still To Do (reported here on the open twin; either twin is acceptable)", gk)
	jk, gk = twins(tCore, "Idempotency keys", p.closed(tCore, "", stDone, 4), p.todo(tCore, ""))
	p.hit(analysis.RuleStatusDrift, gk, "Jira twin done 4 days ago, GitHub still open (reported here on the open twin; either twin is acceptable)", jk)
	jk, gk = twins(tPay, "Apple Pay on web", p.todo(tPay, ""), p.closed(tPay, "", stDone, 1))
	p.miss(analysis.RuleStatusDrift, jk, "GitHub twin closed only 1 day ago", gk)
	jk, gk = twins(tPay, "Receipt emails", p.closed(tPay, "", stDone, 9), p.closed(tPay, "", stDone, 10))
	p.miss(analysis.RuleStatusDrift, jk, "both twins done", gk)
}

func plantDeadDependency(p *planter) {
	dropped := func(t int, title, status, reso string) draft {
		d := p.closed(t, title, stDropped, 6)
		d.raw, d.reso = status, reso
		return d
	}
	jb, jbk := p.jr(tPay, dropped(tPay, "Crypto payouts", "Won't Do", "Won't Do"))
	dj, dk := p.jr(tPlat, p.todo(tPlat, "Payout ledger service"))
	p.block(jb, dj)
	p.hit(analysis.RuleDeadDependency, dk, "blocked by a payments issue resolved Won't Do", jbk)

	jb, jbk = p.jr(tCore, dropped(tCore, "Session store rewrite", "Closed", "Duplicate"))
	dj, dk = p.jr(tMob, p.todo(tMob, "Stay signed in"))
	p.block(jb, dj)
	p.hit(analysis.RuleDeadDependency, dk, "blocked by a core issue resolved Duplicate", jbk)

	gb, gbk := p.gh(tCore, p.closed(tCore, "GraphQL gateway", stDropped, 5))
	d := p.todo(tMob, "Batch profile queries")
	d.body = "blocked by https://github.com/" + gb.Repo + fmt.Sprintf("/issues/%d", gb.Number)
	_, dk = p.gh(tMob, d)
	p.hit(analysis.RuleDeadDependency, dk, "blocked (issue URL) by a core issue closed as not planned", gbk)

	jb, jbk = p.jr(tPay, p.closed(tPay, "Payout batching", stDone, 6))
	dj, dk = p.jr(tPlat, p.todo(tPlat, "Payout scheduler"))
	p.block(jb, dj)
	p.miss(analysis.RuleDeadDependency, dk, "its blocker was completed, not dropped", jbk)

	gb, gbk = p.gh(tMob, p.closed(tMob, "Tablet layout", stDropped, 5))
	d = p.todo(tMob, "Landscape mode")
	d.blocked = []githubsim.IssueRef{gb}
	_, dk = p.gh(tMob, d)
	p.miss(analysis.RuleDeadDependency, dk, "its dropped blocker is on the same team", gbk)

	gb, gbk = p.gh(tCore, p.closed(tCore, "Legacy XML API", stDropped, 5))
	d = p.closed(tMob, "XML export", stDone, 2)
	d.blocked = []githubsim.IssueRef{gb}
	_, dk = p.gh(tMob, d)
	p.miss(analysis.RuleDeadDependency, dk, "blocked by a dropped issue but itself closed", gbk)
}

func plantCycle(p *planter) {
	// payments waits on core (Jira link), core on platform (text), platform on
	// payments (text).
	plat := p.nextGH(tPlat)
	pay, payK := p.jr(tPay, p.todo(tPay, "Settlement file v2"))
	d := p.todo(tCore, "Settlement events")
	d.body = fmt.Sprintf("Blocked by %s", plat)
	core, coreK := p.jr(tCore, d)
	d = p.todo(tPlat, "Settlement storage")
	d.body = "Blocked by " + pay
	_, platK := p.gh(tPlat, d)
	p.block(core, pay)
	k, rel := smallest(payK, coreK, platK)
	p.hit(analysis.RuleCycle, k, "payments → core → platform → payments, across Jira links and text references", rel...)

	core2 := p.nextGH(tCore)
	d = p.todo(tMob, "Token refresh in the app")
	d.blocked = []githubsim.IssueRef{core2}
	mob, mobK := p.gh(tMob, d)
	d = p.todo(tCore, "Token refresh endpoint")
	d.blocked = []githubsim.IssueRef{mob}
	_, coreK2 := p.gh(tCore, d)
	k, rel = smallest(mobK, coreK2)
	p.hit(analysis.RuleCycle, k, "two GitHub issues of core and mobile block each other (native dependencies)", rel...)

	a, aK := p.jr(tPay, p.todo(tPay, "Ledger lock order"))
	b, bK := p.jr(tPay, p.todo(tPay, "Ledger lock timeout"))
	p.block(a, b)
	p.block(b, a)
	k, rel = smallest(aK, bK)
	p.miss(analysis.RuleCycle, k, "a cycle within one team", rel...)

	plat2 := p.nextGH(tPlat)
	d = p.todo(tCore, "Cache warm-up")
	d.blocked = []githubsim.IssueRef{plat2}
	cref, cK := p.gh(tCore, d)
	d = p.closed(tPlat, "Cache nodes", stDone, 3)
	d.blocked = []githubsim.IssueRef{cref}
	_, pK := p.gh(tPlat, d)
	k, rel = smallest(cK, pK)
	p.miss(analysis.RuleCycle, k, "a cross-team cycle through a closed issue", rel...)
}
