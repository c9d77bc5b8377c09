package metrics

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// recentlyDone is how long a done issue keeps counting in baton_issues.
const recentlyDone = 7 * 24 * time.Hour

// statuses are the values of baton_issues' status label.
var statuses = []model.Status{model.StatusTodo, model.StatusInProgress, model.StatusBlocked, model.StatusDone}

// Label sets of the findings families.
type (
	issueLabels struct{ team, source, status string }
	teamRule    struct{ team, rule string }
	teamPair    struct{ team, counterpart string }
	pairRule    struct {
		teamPair
		rule string
	}
)

// aggregates are the values of one report's findings families, by label set.
type aggregates struct {
	issues       map[issueLabels]float64
	stalled      map[teamRule]float64
	misaligned   map[pairRule]float64
	dependencies map[teamPair]float64
	oldest       map[string]float64 // seconds, by team
	acked        map[teamRule]float64
}

// aggregate counts r into label sets. Only team, source, status and rule names
// become labels: never an issue key, title or person.
func aggregate(r *analysis.Report) *aggregates {
	a := &aggregates{
		issues:       map[issueLabels]float64{},
		stalled:      map[teamRule]float64{},
		misaligned:   map[pairRule]float64{},
		dependencies: map[teamPair]float64{},
		oldest:       map[string]float64{},
		acked:        map[teamRule]float64{},
	}
	cutoff := r.Now.Add(-recentlyDone)
	for i := range r.Issues {
		is := &r.Issues[i]
		if !is.Open() && is.DoneAt().Before(cutoff) {
			continue
		}
		a.issues[issueLabels{teamLabel(is.Team), is.Source, string(is.Status)}]++
	}
	a.addFindings(r)
	for i := range r.Acknowledged {
		f := &r.Acknowledged[i]
		a.acked[teamRule{teamLabel(f.Team), f.Rule}]++
	}
	for i := range r.Edges {
		if e := &r.Edges[i]; e.Open && e.CrossTeam() {
			a.dependencies[teamPair{e.ToTeam, e.FromTeam}]++
		}
	}
	return a
}

// addFindings counts distinct stalled issues per team and rule, the age of
// each team's oldest stalled finding, and misalignments per team pair and rule.
func (a *aggregates) addFindings(r *analysis.Report) {
	type stalledIssue struct{ team, rule, issue string }
	counted := map[stalledIssue]bool{}
	oldest := map[string]time.Time{}
	for i := range r.Findings {
		f := &r.Findings[i]
		team := teamLabel(f.Team)
		switch f.Kind {
		case analysis.KindStalled:
			if k := (stalledIssue{team, f.Rule, f.Issue}); !counted[k] {
				counted[k] = true
				a.stalled[teamRule{team, f.Rule}]++
			}
			if s, ok := oldest[team]; !f.Since.IsZero() && (!ok || f.Since.Before(s)) {
				oldest[team] = f.Since
			}
		case analysis.KindMisaligned:
			for _, c := range counterparts(f.RelatedTeams) {
				a.misaligned[pairRule{teamPair{team, c}, f.Rule}]++
			}
		}
	}
	for team, since := range oldest {
		a.oldest[team] = max(r.Now.Sub(since).Seconds(), 0)
	}
}

func teamLabel(team string) string {
	if team == "" {
		return unassigned
	}
	return team
}

// counterparts are the distinct team labels of a finding's related teams;
// a finding with none is counted against "unassigned".
func counterparts(related []string) []string {
	if len(related) == 0 {
		return []string{unassigned}
	}
	out := make([]string, 0, len(related))
	for _, t := range related {
		if l := teamLabel(t); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// metrics turns the aggregates into constant metrics, ready to send.
func (a *aggregates) metrics() []prometheus.Metric {
	n := len(a.issues) + len(a.stalled) + len(a.misaligned) + len(a.dependencies) + len(a.oldest) + len(a.acked)
	out := make([]prometheus.Metric, 0, n)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	for k, v := range a.issues {
		gauge(issuesDesc, v, k.team, k.source, k.status)
	}
	for k, v := range a.stalled {
		gauge(stalledDesc, v, k.team, k.rule)
	}
	for k, v := range a.misaligned {
		gauge(misalignedDesc, v, k.team, k.counterpart, k.rule)
	}
	for k, v := range a.dependencies {
		gauge(dependenciesDesc, v, k.team, k.counterpart)
	}
	for team, v := range a.oldest {
		gauge(oldestStalledDesc, v, team)
	}
	for k, v := range a.acked {
		gauge(acknowledgedDesc, v, k.team, k.rule)
	}
	return out
}
