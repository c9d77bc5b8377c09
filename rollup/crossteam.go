package rollup

import (
	"cmp"
	"slices"

	"github.com/batonhq/baton/analysis"
)

// dependencies lists the open cross-team edges where team waits (waitsOn)
// and where team is waited on (waitedOnBy).
func (c *composer) dependencies(team string) (waitsOn, waitedOnBy []*analysis.Edge) {
	for i := range c.r.Edges {
		e := &c.r.Edges[i]
		if !e.Open || !e.CrossTeam() {
			continue
		}
		switch team {
		case e.ToTeam:
			waitsOn = append(waitsOn, e)
		case e.FromTeam:
			waitedOnBy = append(waitedOnBy, e)
		}
	}
	return waitsOn, waitedOnBy
}

// listed describes the first maxListed of edges, each with the other team
// and the misalignment findings about it, and says how many it left out:
// only what is shown is looked up.
func (c *composer) listed(edges []*analysis.Edge, other func(*analysis.Edge) string) ([]Dependency, int) {
	edges, more := cut(edges)
	var ds []Dependency
	for _, e := range edges {
		d := Dependency{Team: other(e), Waiting: c.item(e.To), Blocker: c.item(e.From)}
		for _, f := range c.onEdge(e) {
			d.Findings = append(d.Findings, Note{Rule: f.Rule, Severity: f.Severity, Summary: f.Summary})
		}
		ds = append(ds, d)
	}
	return ds, more
}

// onEdge returns the misalignment findings about e: on one end, relating it
// to the other.
func (c *composer) onEdge(e *analysis.Edge) []*analysis.Finding {
	var fs []*analysis.Finding
	for _, f := range c.misaligned[e.To] {
		if slices.Contains(f.Related, e.From) {
			fs = append(fs, f)
		}
	}
	if e.From == e.To {
		return fs
	}
	for _, f := range c.misaligned[e.From] {
		if slices.Contains(f.Related, e.To) {
			fs = append(fs, f)
		}
	}
	return fs
}

// blockedBy counts the distinct waiting issues per blocking team, most first,
// then by team name.
func blockedBy(waitsOn []*analysis.Edge) []TeamCount {
	waiting := map[string]map[string]bool{}
	for _, e := range waitsOn {
		if waiting[e.FromTeam] == nil {
			waiting[e.FromTeam] = map[string]bool{}
		}
		waiting[e.FromTeam][e.To] = true
	}
	var tc []TeamCount
	for team, keys := range waiting {
		tc = append(tc, TeamCount{Team: team, Count: len(keys)})
	}
	slices.SortFunc(tc, func(a, b TeamCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Team, b.Team)) })
	return tc
}

// pairs summarises every open cross-team edge as "team waits on team": the
// number of distinct waiting issues and of misalignment findings on those
// edges, most waiting first.
func (c *composer) pairs() []TeamPair {
	type pair struct{ waiting, on string }
	issues := map[pair]map[string]bool{}
	misaligned := map[pair]int{}
	for i := range c.r.Edges {
		e := &c.r.Edges[i]
		if !e.Open || !e.CrossTeam() {
			continue
		}
		p := pair{e.ToTeam, e.FromTeam}
		if issues[p] == nil {
			issues[p] = map[string]bool{}
		}
		issues[p][e.To] = true
		misaligned[p] += len(c.onEdge(e))
	}
	var ps []TeamPair
	for p, keys := range issues {
		ps = append(ps, TeamPair{Waiting: p.waiting, On: p.on, Issues: len(keys), Misaligned: misaligned[p]})
	}
	slices.SortFunc(ps, func(a, b TeamPair) int {
		return cmp.Or(cmp.Compare(b.Issues, a.Issues), cmp.Compare(a.Waiting, b.Waiting), cmp.Compare(a.On, b.On))
	})
	return ps
}
