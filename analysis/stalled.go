package analysis

import (
	"slices"
	"time"

	"github.com/batonhq/baton/model"
)

// overdueCritical is how late work must be before overdue is critical.
const overdueCritical = 7 * 24 * time.Hour

// The checks of the stalled rules: each open analysed issue by the first
// five, then each open cross-team edge by blocked_by_stalled. Since, per rule:
//   - idle: the last update plus idle_after, when it became idle;
//   - churning: when both held, the status unchanged for churn_window and
//     the churn_events-th event of the window;
//   - unowned: the last status change (when it went in progress), else the
//     last update;
//   - overdue: the end of the due day (the midnight after it in the
//     configured zone), else the iteration's end;
//   - blocker_resolved: when the last blocker was closed;
//   - blocked_by_stalled: when the blocker's own stalled finding began.

func (a *analysis) idle(v int) (Finding, bool) {
	is := &a.g.issues[v]
	after := a.rulesOf(is.Team).IdleAfter.D()
	if is.Status != model.StatusInProgress && is.Status != model.StatusBlocked || is.Updated.IsZero() {
		return Finding{}, false
	}
	quiet := a.now.Sub(is.Updated)
	if quiet < after {
		return Finding{}, false
	}
	return Finding{
		Issue: is.Key, Team: is.Team, Since: is.Updated.Add(after),
		Summary:  a.text.add(is.Key, " is ", statusText(is.Status), " and has not been updated for ").days(quiet).add(".").String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], is.Team).add(" to update ", is.Key, " or hand it over.").String(),
	}, true
}

// idleChanges is when an issue in progress or blocked becomes idle.
func (a *analysis) idleChanges(v int) time.Time {
	is := &a.g.issues[v]
	if is.Status != model.StatusInProgress && is.Status != model.StatusBlocked || is.Updated.IsZero() {
		return time.Time{}
	}
	return is.Updated.Add(a.rulesOf(is.Team).IdleAfter.D())
}

func (a *analysis) churning(v int) (Finding, bool) {
	is := &a.g.issues[v]
	r := a.rulesOf(is.Team)
	window, need := r.ChurnWindow.D(), r.ChurnEvents
	if !churnsAt(is, window, need, a.now) {
		return Finding{}, false
	}
	changed := inStatusSince(is)
	recent := slices.DeleteFunc(slices.Clone(is.ActivityEvents), func(t time.Time) bool { return !inWindow(t, a.now, window) })
	slices.SortFunc(recent, time.Time.Compare)
	return Finding{
		Issue: is.Key, Team: is.Team, Since: latest(changed.Add(window), recent[need-1]),
		Summary: a.text.add(is.Key, " had ").number(len(recent)).add(" comments or edits in the last ").days(window).
			add(" but has been in progress since ").day(changed).add(".").String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], is.Team).add(" what keeps ", is.Key, " from moving: it changes but does not progress.").String(),
	}, true
}

// churnsAt reports whether is churns at t: in progress for at least window
// with need or more events in the window that ends at t.
func churnsAt(is *model.Issue, window time.Duration, need int, t time.Time) bool {
	if is.Status != model.StatusInProgress || need <= 0 || t.Sub(inStatusSince(is)) < window {
		return false
	}
	n := 0
	for _, e := range is.ActivityEvents {
		if inWindow(e, t, window) {
			n++
		}
	}
	return n >= need
}

// inWindow reports whether event e lies in the window that ends at t.
func inWindow(e, t time.Time, window time.Duration) bool {
	return e.After(t.Add(-window)) && !e.After(t)
}

// inStatusSince is when the issue entered its status, as well as is known.
func inStatusSince(is *model.Issue) time.Time {
	if is.StatusChanged.IsZero() {
		return is.Created
	}
	return is.StatusChanged
}

// churningChanges: whether an issue churns changes only when its time in
// progress reaches the window, an event enters the window or one leaves it;
// the first of those instants at which the answer differs from now's, when
// it is earlier than a.next; else a.next.
func (a *analysis) churningChanges(v int) time.Time {
	is := &a.g.issues[v]
	r := a.rulesOf(is.Team)
	window, need := r.ChurnWindow.D(), r.ChurnEvents
	if is.Status != model.StatusInProgress || need <= 0 {
		return time.Time{}
	}
	churns := churnsAt(is, window, need, a.now)
	// An instant not before a.next, the earliest change found so far, would
	// not be the earliest: only earlier ones are worth counting events at.
	next := a.next
	try := func(t time.Time) {
		if t.After(a.now) && (next.IsZero() || t.Before(next)) && churnsAt(is, window, need, t) != churns {
			next = t
		}
	}
	try(inStatusSince(is).Add(window))
	for _, e := range is.ActivityEvents {
		try(e)
		try(e.Add(window))
	}
	return next
}

func (a *analysis) unowned(v int) (Finding, bool) {
	is := &a.g.issues[v]
	if is.Status != model.StatusInProgress || len(is.Assignees) > 0 {
		return Finding{}, false
	}
	since := is.StatusChanged
	if since.IsZero() {
		since = is.Updated
	}
	return Finding{
		Issue: is.Key, Team: is.Team, Since: since,
		Summary:  a.text.add(is.Key, " is in progress with no assignee.").String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], is.Team).add(" to assign ", is.Key, " or move it back to the backlog.").String(),
	}, true
}

func (a *analysis) overdue(v int) (Finding, bool) {
	if end, ok := a.passes(int32(v)); !ok || a.now.Before(end) {
		return Finding{}, false
	}
	is := &a.g.issues[v]
	dl, _ := is.Deadline(a.loc)
	end := dl.End
	late := a.now.Sub(end)
	var sev string // the rule's
	if late > overdueCritical {
		sev = SeverityCritical
	}
	a.text.add(is.Key, " was ")
	if is.Due.IsZero() {
		a.text.add("planned for ", is.Iteration.Name, ", which ended ").day(end)
	} else {
		a.text.add("due ").day(is.Due)
	}
	return Finding{
		Issue: is.Key, Team: is.Team, Severity: sev, Since: end,
		Summary:  a.text.add(" and is still ", statusText(is.Status), ", ").days(late).add(" late.").String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], is.Team).add(" to finish ", is.Key, " or agree a new date with those waiting on it.").String(),
	}, true
}

// overdueChanges is when an issue's deadline passes, or else when it is
// late by more than overdueCritical.
func (a *analysis) overdueChanges(v int) time.Time {
	end, ok := a.passes(int32(v))
	if !ok {
		return time.Time{}
	}
	// Only an instant before a.next, the earliest so far, is worth the
	// record, whose zone the instant carries.
	if t := earliestAfter(a.now, end, end.Add(overdueCritical+time.Nanosecond)); t.IsZero() || !a.next.IsZero() && !t.Before(a.next) {
		return a.next
	}
	dl, _ := a.g.issues[v].Deadline(a.loc)
	return earliestAfter(a.now, dl.End, dl.End.Add(overdueCritical+time.Nanosecond))
}

// blockerResolved fires on an issue marked blocked whose twin group has
// blockers, every one of them done.
func (a *analysis) blockerResolved(v int) (Finding, bool) {
	is := &a.g.issues[v]
	c := a.g.canon[v]
	in := a.g.inEdge[a.g.inAt[c]:a.g.inAt[c+1]]
	if is.Status != model.StatusBlocked || len(in) == 0 {
		return Finding{}, false
	}
	for _, e := range in { // the node array first: the blockers' records lie in no order
		if b := a.g.analysed(a.g.from[e]); b == nil || b.open {
			return Finding{}, false
		}
	}
	var since time.Time
	related := make([]string, 0, len(in))
	for _, e := range in {
		b := a.g.issue(a.g.from[e])
		since = latest(since, b.Closed, b.StatusChanged)
		related = append(related, b.Key)
	}
	a.text.add(is.Key, " is marked blocked but ")
	if len(related) > 1 {
		a.text.add("all ").number(len(related)).add(" of its blockers are done.")
	} else {
		a.text.add("its blocker ", related[0], " is done.")
	}
	return Finding{
		Issue: is.Key, Team: is.Team, Related: related, RelatedTeams: a.teamsOf(a.g.from, in), Since: since,
		Summary:  a.text.String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], is.Team).add(" to unblock ", is.Key, " and pick it up: nothing it waits on is open.").String(),
	}, true
}

// blockedByStalled fires on the dependent of an open cross-team edge whose
// blocker (or the blocker's twin) is stalled.
func (a *analysis) blockedByStalled(e int) (Finding, bool) {
	ed := &a.g.edges[e]
	k := a.stalledBy[a.g.from[e]]
	dep := a.g.analysed(a.g.to[e])
	if !ed.Open || !ed.CrossTeam() || k < 0 || dep == nil {
		return Finding{}, false
	}
	s := a.findings.at(k)
	related, teams := blockerOf(ed)
	return Finding{
		Issue: dep.key, Team: ed.ToTeam, Related: related, RelatedTeams: teams, Since: s.since,
		Summary: a.text.add(dep.key, " waits on ").ofTeam(ed.From, ed.FromTeam).
			add(", which is stalled (", s.rule.Name, ": ", s.issue, ").").String(),
		NextStep: a.text.add("Ask ").who(a.g.analysed(a.g.from[e]), ed.FromTeam).add(" to restart or hand over ", ed.From, ": ").
			ofTeam(dep.key, ed.ToTeam).add(" waits on it.").String(),
	}, true
}

// teamsOf returns the distinct known teams of the given ends of edges, sorted.
func (a *analysis) teamsOf(end []int32, edges []int32) []string {
	var ts []string
	for _, e := range edges {
		if t := a.g.team(end[e]); t != "" {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}
