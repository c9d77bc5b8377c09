package analysis

import (
	"cmp"
	"slices"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// Analyze builds the dependency graph of in.Issues and applies every rule at
// in.Now. Issues get the team of the first configured team that claims them
// and that team's rules; unclaimed issues get in.Rules. It does no I/O.
// Thresholds are taken as given: in.Teams and in.Rules must be the effective
// rules config.Load produces, defaults filled in.
//
// Issues already in key order with no key twice (as the store loads them)
// become the report's Issues as they are, their Team set, rather than a
// copy: at 200,000 issues a copy would double the analysis' largest
// allocation. The caller hands them over. Others are copied in key order.
//
// Mirrored twins are one node for dependencies: the synced twin, else the
// Jira one, else the smallest key stands for the pair, and its status and
// team decide whether an edge is open or cross-team. Findings name real keys.
//
// Findings on an issue with one of its team's exempt labels are dropped
// (after the rules ran, so the issue still counts as stalled for those
// waiting on it); those an active ack in in.Acks applies to go to
// Report.Acknowledged.
//
// Severities: critical for a cycle, a dead dependency, a priority inversion
// that keeps a P1 waiting and work overdue by more than a week; info for
// unowned work; warning for everything else.
func Analyze(in Input) *Report {
	teams := make([]model.Team, len(in.Teams))
	a := &analysis{now: in.Now, loc: cmp.Or(in.Location, time.UTC), rules: make(map[string]*config.Rules, len(in.Teams)), global: &in.Rules}
	r := &Report{Now: in.Now, Teams: make([]string, len(in.Teams))}
	for i := range in.Teams {
		teams[i] = in.Teams[i].Team
		r.Teams[i] = in.Teams[i].Name
		if _, dup := a.rules[in.Teams[i].Name]; !dup {
			a.rules[in.Teams[i].Name] = &in.Teams[i].Rules
		}
	}
	a.findings = newFindingList(r.Teams)
	a.g = buildGraph(in.Issues, teams, a.loc)
	a.stalledBy = make([]int32, a.g.nodes())
	for v := range a.stalledBy {
		a.stalledBy[v] = -1
	}
	a.applyRules()
	r.Issues, r.Edges = a.g.issues, a.g.edges
	r.Exempt = a.exemptKeys()
	found := a.findings.sorted()
	if len(r.Exempt) > 0 { // else spare every finding the look-up
		found = slices.DeleteFunc(found, func(f Finding) bool {
			_, exempt := slices.BinarySearch(r.Exempt, f.Issue)
			return exempt
		})
	}
	r.Findings, r.Acknowledged = acknowledge(found, in.Acks, in.Now)
	r.NextChange = a.next
	for i := range in.Acks { // an expiring ack brings its findings back
		r.NextChange = earliestAfter(in.Now, r.NextChange, in.Acks[i].Until)
	}
	return r
}

// analysis is the state of one Analyze call.
type analysis struct {
	now      time.Time
	loc      *time.Location // where a due day ends
	g        *graph
	rules    map[string]*config.Rules // by team
	global   *config.Rules
	findings findingList
	text     text // the sentence being written
	// stalledBy is, for every canonical node, the index in findings of the
	// first stalled finding on it or one of its twins, or -1.
	stalledBy []int32
	// next is the earliest instant after now at which a finding changes
	// with time alone, or zero.
	next time.Time
	// lastTeam's rules are lastRules: issues in key order come team by
	// team, which spares most look-ups in rules.
	lastTeam  string
	lastRules *config.Rules
}

// rulesOf returns the rules that apply to issues of team.
func (a *analysis) rulesOf(team string) *config.Rules {
	if a.lastRules != nil && team == a.lastTeam {
		return a.lastRules
	}
	r, ok := a.rules[team]
	if !ok {
		r = a.global
	}
	a.lastTeam, a.lastRules = team, r
	return r
}

// add appends a finding of rule r, row row of Rules, with empty rather than
// nil lists so JSON shows [], and the rule's severity unless f has one.
// likely is the node f is probably on, which spares a look-up of its key
// when it is.
func (a *analysis) add(f Finding, r *Rule, row int, likely int32) int32 {
	if f.Related == nil {
		f.Related = []string{}
	}
	if f.RelatedTeams == nil {
		f.RelatedTeams = []string{}
	}
	node := likely
	if a.g.key(likely) != f.Issue { // the node's key: the rules have just read it
		node, _ = a.g.find(f.Issue)
	}
	return a.findings.add(found{issue: f.Issue, team: f.Team, related: f.Related, relatedTeams: f.RelatedTeams,
		since: f.Since, summary: f.Summary, nextStep: f.NextStep, rule: r, node: node, row: uint8(row),
		severity: uint8(severityOrder[cmp.Or(f.Severity, r.Severity)])})
}

func statusText(s model.Status) string {
	switch s {
	case model.StatusInProgress:
		return "in progress"
	case model.StatusTodo:
		return "not started"
	}
	return string(s)
}

// earliestAfter returns the earliest of ts after now, zero when none is.
func earliestAfter(now time.Time, ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(now) && (m.IsZero() || t.Before(m)) {
			m = t
		}
	}
	return m
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
