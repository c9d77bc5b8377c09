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

// waiting returns edge e, its dependent and its blocker; ok when the edge
// rules look at it: it is cross-team, both ends are synced and the
// dependent is open. They apply the rules of the dependent's (waiting) team.
func (a *analysis) waiting(e int) (ed *Edge, dep, blk *model.Issue, ok bool) {
	ed = &a.g.edges[e]
	dep, blk = a.g.issue(a.g.to[e]), a.g.issue(a.g.from[e])
	return ed, dep, blk, ed.CrossTeam() && dep != nil && blk != nil && a.g.open(a.g.to[e])
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
	if !ok || !a.g.open(a.g.from[e]) {
		return Finding{}, false
	}
	gap := a.rulesOf(ed.ToTeam).PriorityGap
	if dep.Priority == 0 || blk.Priority == 0 || gap <= 0 || blk.Priority-dep.Priority < gap {
		return Finding{}, false
	}
	f := edgeFinding(ed)
	if dep.Priority == 1 {
		f.Severity = SeverityCritical
	}
	f.Since = latest(dep.Created, blk.Created)
	f.Summary = a.text.add(dep.Key, " (", ed.ToTeam, ", ").prio(dep).add(") waits on ", blk.Key, " (", ed.FromTeam, ", ").prio(blk).add(").").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to raise ", blk.Key, " to ").prio(dep).
		add(", or agree with ", ed.ToTeam, " that ", dep.Key, " can wait.").String()
	return f, true
}

func (a *analysis) scheduleConflict(e int) (Finding, bool) {
	ed, dep, blk, ok := a.waiting(e)
	if !ok || !a.g.open(a.g.from[e]) {
		return Finding{}, false
	}
	dd, dok := dep.Deadline(a.loc)
	bd, bok := blk.Deadline(a.loc)
	if !dok || !bok || !bd.End.After(dd.End) {
		return Finding{}, false
	}
	f := edgeFinding(ed)
	f.Since = latest(dep.Created, blk.Created)
	f.Summary = a.text.ofTeam(blk.Key, ed.FromTeam).add(" is ").target(blk).add(", after ").ofTeam(dep.Key, ed.ToTeam).
		add(", which waits on it and is ").target(dep).add(".").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to deliver ", blk.Key, " by ").day(dep.Target()).add(", or ").
		teamOrOwners(ed.ToTeam, dep).add(" to move the date of ", dep.Key, ".").String()
	return f, true
}

// unscheduled returns, for an edge whose blocker is open, not started and
// has no date and no iteration, the dependent's deadline and the instant it
// comes within the waiting team's schedule_horizon; ok is false for other
// edges and for dependents without a date.
func (a *analysis) unscheduled(e int) (ed *Edge, dep, blk *model.Issue, within time.Time, ok bool) {
	ed, dep, blk, ok = a.waiting(e)
	if !ok || !a.g.open(a.g.from[e]) || !blk.Due.IsZero() || blk.Iteration != nil || blk.Status != model.StatusTodo {
		return nil, nil, nil, time.Time{}, false
	}
	dl, ok := dep.Deadline(a.loc)
	return ed, dep, blk, dl.Start.Add(-a.rulesOf(ed.ToTeam).ScheduleHorizon.D()), ok
}

func (a *analysis) unscheduledBlocker(e int) (Finding, bool) {
	ed, dep, blk, within, ok := a.unscheduled(e)
	if !ok || a.now.Before(within) {
		return Finding{}, false
	}
	plan := "sprint"
	if blk.System == model.GitHub {
		plan = "milestone"
	}
	f := edgeFinding(ed)
	f.Since = latest(within, dep.Created, blk.Created)
	f.Summary = a.text.ofTeam(dep.Key, ed.ToTeam).add(" is ").target(dep).add(" and waits on ").ofTeam(blk.Key, ed.FromTeam).
		add(", which has no date, no ", plan, " and is not started.").String()
	f.NextStep = a.text.add("Ask ").who(blk, ed.FromTeam).add(" to schedule ", blk.Key, ": it blocks ", dep.Key, ", due ").
		day(dep.Target()).add(", and has no ", plan, ".").String()
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
	if !ok || a.g.open(a.g.from[e]) || blk.Resolution != model.ResolutionDropped {
		return Finding{}, false
	}
	f := edgeFinding(ed)
	f.Since = blk.DoneAt()
	a.text.ofTeam(dep.Key, ed.ToTeam).add(" still waits on ").ofTeam(blk.Key, ed.FromTeam).add(", which was dropped")
	if blk.RawResolution != "" {
		a.text.add(" (", blk.RawResolution, ")")
	}
	f.Summary = a.text.add(" on ").day(f.Since).add(".").String()
	f.NextStep = a.text.add("Ask ").who(dep, ed.ToTeam).add(" to remove the dependency of ", dep.Key, " on ", blk.Key,
		" and plan that work another way.").String()
	return f, true
}

// drift reports, for every done twin closed at least drift_after ago, each of
// its twins still open; the finding is on the open twin, which needs the update.
func (a *analysis) drift(_ int, emit func(Finding)) {
	a.driftPairs(func(done, open *model.Issue) {
		if f, ok := a.driftPair(done, open); ok {
			emit(f)
		}
	})
}

// driftChanges is when the first done twin still open elsewhere has been
// done for drift_after.
func (a *analysis) driftChanges(int) time.Time {
	var next time.Time
	a.driftPairs(func(done, open *model.Issue) {
		next = earliestAfter(a.now, next, a.driftFrom(done, open))
	})
	return next
}

// driftPairs calls f with every done twin and each open twin of its group.
func (a *analysis) driftPairs(f func(done, open *model.Issue)) {
	for _, group := range a.g.twins {
		for _, x := range group {
			done := a.g.issue(x)
			if done == nil || done.Open() {
				continue
			}
			for _, y := range group {
				if open := a.g.issue(y); open != nil && open.Open() {
					f(done, open)
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

func (a *analysis) driftPair(done, open *model.Issue) (Finding, bool) {
	closed := done.DoneAt()
	if a.now.Before(a.driftFrom(done, open)) {
		return Finding{}, false
	}
	f := Finding{
		Issue: open.Key, Team: open.Team, Related: []string{done.Key}, Since: closed,
		Summary: a.text.add(done.Key, " was done on ").day(closed).
			add(" but its twin ", open.Key, " is still ", statusText(open.Status), ".").String(),
		NextStep: a.text.add("Ask ").who(open, open.Team).
			add(" to close ", open.Key, " too, or reopen ", done.Key, " if the work is not finished.").String(),
	}
	if done.Team != "" {
		f.RelatedTeams = []string{done.Team}
	}
	return f, true
}
