package metrics

import (
	"github.com/batonhq/baton/analysis"
)

// seenLabels remembers every label set the findings families have reported,
// so that one which drops out of a later report reports 0 instead of
// vanishing: alerts on it resolve and graphs fall to zero.
type seenLabels struct {
	issues     map[issueLabels]bool
	stalled    map[teamRule]bool
	misaligned map[pairRule]bool
	pairs      map[teamPair]bool // of misalignments
	deps       map[teamPair]bool
	acked      map[teamRule]bool
}

func newSeenLabels() seenLabels {
	return seenLabels{
		issues:     map[issueLabels]bool{},
		stalled:    map[teamRule]bool{},
		misaligned: map[pairRule]bool{},
		pairs:      map[teamPair]bool{},
		deps:       map[teamPair]bool{},
		acked:      map[teamRule]bool{},
	}
}

func (s *seenLabels) remember(a *aggregates) {
	for k := range a.issues {
		s.issues[k] = true
	}
	for k := range a.stalled {
		s.stalled[k] = true
	}
	for k := range a.misaligned {
		s.misaligned[k] = true
		s.pairs[k.teamPair] = true
	}
	for k := range a.dependencies {
		s.deps[k] = true
	}
	for k := range a.acked {
		s.acked[k] = true
	}
}

// fillZeros adds a 0 to a for every label set that is absent from it but
// either seen before or implied by the configuration: each configured team
// with each configured source and status, with each stalled rule, and with
// every rule for acknowledged findings; each team pair ever misaligned with
// each misalignment rule.
func (s *seenLabels) fillZeros(a *aggregates, teams, sources []string) {
	for _, t := range teams {
		for _, src := range sources {
			for _, st := range statuses {
				zero(a.issues, issueLabels{t, src, string(st)})
			}
		}
		for _, rule := range analysis.StalledRules {
			zero(a.stalled, teamRule{t, rule})
		}
		zero(a.oldest, t)
		for _, r := range analysis.Rules {
			zero(a.acked, teamRule{t, r.Name})
		}
	}
	for k := range s.acked {
		zero(a.acked, k)
	}
	for k := range s.issues {
		zero(a.issues, k)
	}
	for k := range s.stalled {
		for _, rule := range analysis.StalledRules {
			zero(a.stalled, teamRule{k.team, rule})
		}
		zero(a.stalled, k)
		zero(a.oldest, k.team)
	}
	for p := range s.pairs {
		for _, rule := range analysis.MisalignedRules {
			zero(a.misaligned, pairRule{p, rule})
		}
	}
	for k := range s.misaligned {
		zero(a.misaligned, k)
	}
	for p := range s.deps {
		zero(a.dependencies, p)
	}
}

func zero[K comparable](m map[K]float64, k K) {
	if _, ok := m[k]; !ok {
		m[k] = 0
	}
}
