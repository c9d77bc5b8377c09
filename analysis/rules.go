package analysis

import (
	"fmt"
	"strings"
	"time"
)

// Rules, by kind.
const (
	RuleIdle             = "idle"
	RuleChurning         = "churning"
	RuleUnowned          = "unowned"
	RuleOverdue          = "overdue"
	RuleBlockerResolved  = "blocker_resolved"
	RuleBlockedByStalled = "blocked_by_stalled"

	RulePriorityInversion  = "priority_inversion"
	RuleScheduleConflict   = "schedule_conflict"
	RuleUnscheduledBlocker = "unscheduled_blocker"
	RuleStatusDrift        = "status_drift"
	RuleDeadDependency     = "dead_dependency"
	RuleCycle              = "cycle"
)

// Scope is what a rule looks at, one at a time.
type Scope int

// The scopes, in the order Analyze applies them: blocked_by_stalled, on
// edges, reads what the rules on issues found stalled.
const (
	// ScopeIssue rules look at each open analysed issue; their findings
	// are on that issue and mark it (and its twins) stalled.
	ScopeIssue Scope = iota
	// ScopeEdge rules look at each blocking edge; their findings are on the
	// dependent and name the blocker first in Related.
	ScopeEdge
	// ScopeGraph rules look at the whole graph: mirror groups, cycles.
	ScopeGraph
)

// Rule is one row of the rules table.
type Rule struct {
	Name     string
	Kind     string
	Severity string // of its findings, unless its check raises it
	Scope    Scope
	check    check
	changes  changes // nil for a rule that time alone never changes
}

// check applies a rule at one place of its scope (an issue's node or an
// edge; nothing for ScopeGraph) and emits what it finds. Rule, Kind and,
// when left empty, Severity are filled in from the rule's row.
type check func(a *analysis, at int, emit func(Finding))

// changes returns the earliest instant after now at which, time passing and
// nothing else changing, a time-based rule's finding at one place of its
// scope would appear, vanish or change severity; the zero time, or one not
// after now, when it never would. Only the earliest over all places counts,
// so it may return a.next (the earliest so far) instead of a later instant.
type changes func(a *analysis, at int) time.Time

// Rules is the table of every rule, in the order reports, the docs, the
// findings schema and the metrics list them: the stalled rules, then the
// misaligned ones. The checks live in stalled.go, misaligned.go and cycle.go.
var Rules = []Rule{
	{RuleIdle, KindStalled, SeverityWarning, ScopeIssue, one((*analysis).idle), (*analysis).idleChanges},
	{RuleChurning, KindStalled, SeverityWarning, ScopeIssue, one((*analysis).churning), (*analysis).churningChanges},
	{RuleUnowned, KindStalled, SeverityInfo, ScopeIssue, one((*analysis).unowned), nil},
	{RuleOverdue, KindStalled, SeverityWarning, ScopeIssue, one((*analysis).overdue), (*analysis).overdueChanges},
	{RuleBlockerResolved, KindStalled, SeverityWarning, ScopeIssue, one((*analysis).blockerResolved), nil},
	{RuleBlockedByStalled, KindStalled, SeverityWarning, ScopeEdge, one((*analysis).blockedByStalled), nil}, // changes with the blocker's own

	{RulePriorityInversion, KindMisaligned, SeverityWarning, ScopeEdge, one((*analysis).inversion), nil},
	{RuleScheduleConflict, KindMisaligned, SeverityWarning, ScopeEdge, one((*analysis).scheduleConflict), nil},
	{RuleUnscheduledBlocker, KindMisaligned, SeverityWarning, ScopeEdge, one((*analysis).unscheduledBlocker), (*analysis).unscheduledBlockerChanges},
	{RuleStatusDrift, KindMisaligned, SeverityWarning, ScopeGraph, (*analysis).drift, (*analysis).driftChanges},
	{RuleDeadDependency, KindMisaligned, SeverityCritical, ScopeEdge, one((*analysis).deadDependency), nil},
	{RuleCycle, KindMisaligned, SeverityCritical, ScopeGraph, (*analysis).cycles, nil},
}

// StalledRules and MisalignedRules list the rules of each kind, in table
// order.
var (
	StalledRules    = ruleNames(KindStalled)
	MisalignedRules = ruleNames(KindMisaligned)
)

// ruleOrder is every rule's row in the table.
var ruleOrder = func() map[string]int {
	m := make(map[string]int, len(Rules))
	for i, r := range Rules {
		m[r.Name] = i
	}
	return m
}()

func ruleNames(kind string) []string {
	var names []string
	for _, r := range Rules {
		if r.Kind == kind {
			names = append(names, r.Name)
		}
	}
	return names
}

// RuleIndex returns the row of the named rule in Rules, -1 for none.
func RuleIndex(name string) int {
	if i, ok := ruleOrder[name]; ok {
		return i
	}
	return -1
}

// one adapts a check that finds at most one finding at a place.
func one(c func(a *analysis, at int) (Finding, bool)) check {
	return func(a *analysis, at int, emit func(Finding)) {
		if f, ok := c(a, at); ok {
			emit(f)
		}
	}
}

// applyRules applies every rule of the table: those on issues to each open
// analysed issue in key order, then those on edges to each edge, then those
// on the graph; within a scope, in table order.
func (a *analysis) applyRules() {
	var at int
	emits := make([]func(Finding), len(Rules))
	for i := range Rules {
		r := &Rules[i]
		emits[i] = func(f Finding) {
			// The node the finding is likely on: the issue checked, the
			// dependent of the edge checked.
			var likely int32
			switch r.Scope {
			case ScopeIssue:
				likely = int32(at)
			case ScopeEdge:
				likely = a.g.to[at]
			}
			k := a.add(f, r, i, likely)
			if r.Scope != ScopeIssue {
				return
			}
			if c := a.g.canon[at]; a.stalledBy[c] < 0 {
				a.stalledBy[c] = k
			}
		}
	}
	var rows [ScopeGraph + 1][]int // of the rules of each scope
	for i := range Rules {
		rows[Rules[i].Scope] = append(rows[Rules[i].Scope], i)
	}
	apply := func(s Scope) {
		for _, i := range rows[s] {
			r := &Rules[i]
			r.check(a, at, emits[i])
			if r.changes != nil {
				a.next = earliestAfter(a.now, a.next, r.changes(a, at))
			}
		}
	}
	for at = range a.g.issues {
		if a.g.open(int32(at)) {
			apply(ScopeIssue)
		}
	}
	for at = range a.g.edges {
		apply(ScopeEdge)
	}
	at = 0
	apply(ScopeGraph)
}

// Filter keeps the findings of team (all teams when empty) and rule (all
// rules when empty). An unknown rule name is an error listing the valid ones.
func Filter(fs []Finding, team, rule string) ([]Finding, error) {
	if rule != "" && RuleIndex(rule) < 0 {
		names := make([]string, len(Rules))
		for i, r := range Rules {
			names[i] = r.Name
		}
		return nil, fmt.Errorf("unknown rule %q: valid rules are %s", rule, strings.Join(names, ", "))
	}
	out := []Finding{}
	for _, f := range fs {
		if (team == "" || f.Team == team) && (rule == "" || f.Rule == rule) {
			out = append(out, f)
		}
	}
	return out, nil
}
