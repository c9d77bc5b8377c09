package analysis

import (
	"time"

	"github.com/batonhq/baton/model"
)

// The checks of the misaligned rules: each edge by the first three and
// dead_dependency, the mirror groups by status_drift (cycle.go has cycle).
// Since, per rule, as well as it can be known:
//   - priority_inversion, schedule_conflict: when the later of the two issues
//     was created (neither system dates a link or a priority change);
//   - unscheduled_blocker: when the dependent's target day (its first moment
//     in the configured zone) came within schedule_horizon, not before both
//     issues existed;
//   - dead_dependency: when the blocker was closed;
//   - status_drift: when the done twin was closed.

// waiting returns edge e and what the graph read of its dependent and its
// blocker; ok when the edge rules look at it: it is cross-team, both ends
// are synced and the dependent is open. They apply the rules of the
// dependent's (waiting) team, and read the ends' records (records) only for
// what they write into a finding.
func (a *analysis) waiting(e int) (ed *Edge, dep, blk *nodeInfo, ok bool) {
	ed = &a.g.edges[e]
	dep, blk = a.g.analysed(a.g.to[e]), a.g.analysed(a.g.from[e])
	return ed, dep, blk, ed.CrossTeam() && dep != nil && blk != nil && dep.open
}

// records returns the issues of edge e's dependent and blocker, both synced.
func (a *analysis) records(e int) (dep, blk *model.Issue) {
	return &a.g.issues[a.g.to[e]], &a.g.issues[a.g.from[e]]
}

// edgeFinding is a misalignment on the dependent of ed, waiting on its blocker.
func edgeFinding(ed *Edge) Finding {
	f := Finding{Issue: ed.To, Team: ed.ToTeam}
	f.Related, f.RelatedTeams = blockerOf(ed)
	return f
}

// blockerOf returns the Related and RelatedTeams of a finding on the
// dependent of ed: its blocker and the blocker's team, in one allocation.
func blockerOf(ed *Edge) (related, teams []string) {
	both := []string{ed.From, ed.FromTeam}
	return both[:1:1], both[1:]
}

func (a *analysis) inversion(e int) (Finding, bool) {
	ed, dep, blk, ok := a.waiting(e)
	if !ok || !blk.open {
		return Finding{}, false
	}
	gap := a.rulesOf(ed.ToTeam).PriorityGap
	if dep.priority == 0 || blk.priority == 0 || gap <= 0 || blk.priority-dep.priority < gap {
		return Finding{}, false
	}
	f := edgeFinding(ed)
	if dep.priority == 1 {
		f.Severity = SeverityCritical
	}
	depIs, blkIs := a.records(e)
	f.Since = latest(depIs.Created, blkIs.Created)
	f.Summary = a.text.add(dep.key, " (", ed.ToTeam, ", ").prio(dep.priority).add(") waits on ", blk.key, " (", ed.FromTeam, ", ").
		prio(blk.priority).add(").").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to raise ", blk.key, " to ").prio(dep.priority).
		add(", or agree with ", ed.ToTeam, " that ", dep.key, " can wait.").String()
	return f, true
}

func (a *analysis) scheduleConflict(e int) (Finding, bool) {
	ed, dep, blk, ok := a.waiting(e)
	if !ok || !blk.open || !dep.planned || !blk.planned { // then one has no deadline
		return Finding{}, false
	}
	dd, dok := a.passes(a.g.to[e])
	bd, bok := a.passes(a.g.from[e])
	if !dok || !bok || !bd.After(dd) {
		return Finding{}, false
	}
	depIs, blkIs := a.records(e)
	f := edgeFinding(ed)
	f.Since = latest(depIs.Created, blkIs.Created)
	f.Summary = a.text.ofTeam(blk.key, ed.FromTeam).add(" is ").target(blkIs).add(", after ").ofTeam(dep.key, ed.ToTeam).
		add(", which waits on it and is ").target(depIs).add(".").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to deliver ", blk.key, " by ").day(depIs.Target()).add(", or ").
		teamOrOwners(ed.ToTeam, dep.key).add(" to move the date of ", dep.key, ".").String()
	return f, true
}

// unscheduled returns, for an edge whose blocker is open, not started and
// has no date and no iteration, the dependent's deadline and the instant it
// comes within the waiting team's schedule_horizon; ok is false for other
// edges and for dependents without a date.
func (a *analysis) unscheduled(e int) (ed *Edge, dep, blk *nodeInfo, within time.Time, ok bool) {
	ed, dep, blk, ok = a.waiting(e)
	if !ok || !blk.open || blk.planned || !blk.todo || !dep.planned { // the last: the dependent has no deadline
		return nil, nil, nil, time.Time{}, false
	}
	depIs, _ := a.records(e)
	dl, ok := depIs.Deadline(a.loc)
	return ed, dep, blk, dl.Start.Add(-a.rulesOf(ed.ToTeam).ScheduleHorizon.D()), ok
}

func (a *analysis) unscheduledBlocker(e int) (Finding, bool) {
	ed, dep, blk, within, ok := a.unscheduled(e)
	if !ok || a.now.Before(within) {
		return Finding{}, false
	}
	depIs, blkIs := a.records(e)
	plan := "sprint"
	if blkIs.System == model.GitHub {
		plan = "milestone"
	}
	f := edgeFinding(ed)
	f.Since = latest(within, depIs.Created, blkIs.Created)
	f.Summary = a.text.ofTeam(dep.key, ed.ToTeam).add(" is ").target(depIs).add(" and waits on ").ofTeam(blk.key, ed.FromTeam).
		add(", which has no date, no ", plan, " and is not started.").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to schedule ", blk.key, ": it blocks ", dep.key, ", due ").
		day(depIs.Target()).add(", and has no ", plan, ".").String()
	return f, true
}

// unscheduledBlockerChanges is when the dependent's target day comes
// within the schedule horizon.
func (a *analysis) unscheduledBlockerChanges(e int) time.Time {
	_, _, _, within, ok := a.unscheduled(e)
	if !ok {
		return time.Time{}
	}
	return within
}

func (a *analysis) deadDependency(e int) (Finding, bool) {
	ed, dep, blk, ok := a.waiting(e)
	if !ok || blk.open || !blk.dropped {
		return Finding{}, false
	}
	_, blkIs := a.records(e)
	f := edgeFinding(ed)
	f.Since = blkIs.DoneAt()
	a.text.ofTeam(dep.key, ed.ToTeam).add(" still waits on ").ofTeam(blk.key, ed.FromTeam).add(", which was dropped")
	if blkIs.RawResolution != "" {
		a.text.add(" (", blkIs.RawResolution, ")")
	}
	f.Summary = a.text.add(" on ").day(f.Since).add(".").String()
	f.NextStep = a.text.add("Ask ").who(dep, ed.ToTeam).add(" to remove the dependency of ", dep.key, " on ", blk.key,
		" and plan that work another way.").String()
	return f, true
}

// drift reports, for every done twin closed at least drift_after ago, each of
// its twins still open; the finding is on the open twin, which needs the update.
func (a *analysis) drift(_ int, emit func(Finding)) {
	a.driftPairs(func(done *model.Issue, open int32) {
		if f, ok := a.driftPair(done, open); ok {
			emit(f)
		}
	})
}

// driftChanges is when the first done twin still open elsewhere has been
// done for drift_after.
func (a *analysis) driftChanges(int) time.Time {
	var next time.Time
	a.driftPairs(func(done *model.Issue, open int32) {
		next = earliestAfter(a.now, next, a.driftFrom(done, &a.g.issues[open]))
	})
	return next
}

// driftPairs calls f with every done twin and the node of each synced
// open twin of its group.
func (a *analysis) driftPairs(f func(done *model.Issue, open int32)) {
	for _, group := range a.g.twins {
		for _, x := range group {
			done := a.g.issue(x)
			if done == nil || done.Open() {
				continue
			}
			for _, y := range group {
				if open := a.g.issue(y); open != nil && open.Open() {
					f(done, y)
				}
			}
		}
	}
}

// driftFrom is when open drifts from its done twin: drift_after (of open's
// team) after done was finished.
func (a *analysis) driftFrom(done, open *model.Issue) time.Time {
	return done.DoneAt().Add(a.rulesOf(open.Team).DriftAfter.D())
}

// driftPair is the finding on node v, open, drifting from its done twin.
func (a *analysis) driftPair(done *model.Issue, v int32) (Finding, bool) {
	open := &a.g.issues[v]
	closed := done.DoneAt()
	if a.now.Before(a.driftFrom(done, open)) {
		return Finding{}, false
	}
	f := Finding{
		Issue: open.Key, Team: open.Team, Related: []string{done.Key}, Since: closed,
		Summary: a.text.add(done.Key, " was done on ").day(closed).
			add(" but its twin ", open.Key, " is still ", statusText(open.Status), ".").String(),
		NextStep: a.text.add("Ask ").who(&a.g.info[v], open.Team).
			add(" to close ", open.Key, " too, or reopen ", done.Key, " if the work is not finished.").String(),
	}
	if done.Team != "" {
		f.RelatedTeams = []string{done.Team}
	}
	return f, true
}
