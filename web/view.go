package web

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/rollup"
)

// view is one published analysis indexed for the pages: built once per
// snapshot, on the first page view after it was published, so that each
// page looks up what it shows instead of scanning the whole organisation.
type view struct {
	r        *analysis.Report
	loc      *time.Location           // where the rollup's week is counted
	last     map[string]*rollup.Stats // what the latest rollups reported, by group
	rules    map[int32][]string       // rules of the findings about each edge, by edge; only edges with some
	marked   []int32                  // edges with findings, most severe rule first, then in edge order
	in       []int32                  // every edge, sorted by (To, From): the blockers of an issue
	findings map[string][]int32       // findings by the issue they are on or relate to
	stalled  map[string]bool          // issues with a stalled finding of their own
	progress map[string]int           // open issues in progress or blocked, by team

	mu      sync.Mutex
	digests map[string]*rollup.Digest // composed on first view, by team ("" for the org)
	// graphMu is held while a graph is laid out, which takes long: the
	// pages that show a digest need not wait for it.
	graphMu sync.Mutex
	graphs  map[graphQuery]*graphData // laid out on first view
}

func newView(r *analysis.Report, last map[string]*rollup.Stats, loc *time.Location) *view {
	v := &view{
		r: r, last: last, loc: loc, rules: map[int32][]string{}, findings: map[string][]int32{}, stalled: map[string]bool{},
		progress: map[string]int{}, digests: map[string]*rollup.Digest{}, graphs: map[graphQuery]*graphData{},
	}
	onEdge := report.EdgeRules(r.Findings)
	for i, e := range r.Edges {
		if rules := onEdge.Of(e); len(rules) > 0 {
			v.rules[int32(i)] = rules
			v.marked = append(v.marked, int32(i))
		}
	}
	// Cycles first and each one whole, so that a capped graph draws complete
	// cycles rather than one edge of many.
	cycle := map[string]int{}
	for i, f := range r.Findings {
		if f.Rule == analysis.RuleCycle {
			for _, k := range append([]string{f.Issue}, f.Related...) {
				cycle[k] = i
			}
		}
	}
	group := func(e int32) int {
		if c, ok := cycle[r.Edges[e].From]; ok && slices.Contains(v.rules[e], analysis.RuleCycle) {
			return c
		}
		return len(r.Findings)
	}
	slices.SortStableFunc(v.marked, func(a, b int32) int {
		return cmp.Or(cmp.Compare(ruleRank(v.rules[a]), ruleRank(v.rules[b])), cmp.Compare(group(a), group(b)))
	})
	v.in = make([]int32, len(r.Edges))
	for i := range v.in {
		v.in[i] = int32(i)
	}
	slices.SortFunc(v.in, func(a, b int32) int {
		ea, eb := &r.Edges[a], &r.Edges[b]
		return cmp.Or(strings.Compare(ea.To, eb.To), strings.Compare(ea.From, eb.From))
	})
	for i, f := range r.Findings {
		v.findings[f.Issue] = append(v.findings[f.Issue], int32(i))
		for _, k := range f.Related {
			v.findings[k] = append(v.findings[k], int32(i))
		}
		if f.Kind == analysis.KindStalled && f.Rule != analysis.RuleBlockedByStalled {
			v.stalled[f.Issue] = true
		}
	}
	for i := range r.Issues {
		if is := &r.Issues[i]; is.Status == model.StatusInProgress || is.Status == model.StatusBlocked {
			v.progress[is.Team]++
		}
	}
	return v
}

// ruleRank orders edges for the graph: cycles first, then by the most
// urgent rule of the other misalignments, blocked-by-stalled last.
func ruleRank(rules []string) int {
	if slices.Contains(rules, analysis.RuleCycle) {
		return 0
	}
	if slices.Contains(rules, analysis.RuleBlockedByStalled) && len(rules) == 1 {
		return 2
	}
	return 1
}

// issue returns the analysed issue with key, or nil for a key outside the
// synced scope.
func (v *view) issue(key string) *model.Issue {
	i, ok := slices.BinarySearchFunc(v.r.Issues, key, func(is model.Issue, k string) int { return strings.Compare(is.Key, k) })
	if !ok {
		return nil
	}
	return &v.r.Issues[i]
}

// blocking returns the edges key blocks (it is their From): Edges are
// sorted by (From, To).
func (v *view) blocking(key string) []int32 {
	lo, _ := slices.BinarySearchFunc(v.r.Edges, key, func(e analysis.Edge, k string) int { return strings.Compare(e.From, k) })
	var es []int32
	for i := lo; i < len(v.r.Edges) && v.r.Edges[i].From == key; i++ {
		es = append(es, int32(i))
	}
	return es
}

// blockedBy returns the edges that block key (it is their To).
func (v *view) blockedBy(key string) []int32 {
	lo, _ := slices.BinarySearchFunc(v.in, key, func(e int32, k string) int { return strings.Compare(v.r.Edges[e].To, k) })
	var es []int32
	for i := lo; i < len(v.in) && v.r.Edges[v.in[i]].To == key; i++ {
		es = append(es, v.in[i])
	}
	return es
}

// team reports whether name is a configured team of the snapshot.
func (v *view) team(name string) bool { return slices.Contains(v.r.Teams, name) }

// digest is the rollup of team ("" for the org) composed from the snapshot,
// live, with the change since the latest rollup sent.
func (v *view) digest(team string) *rollup.Digest {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d, ok := v.digests[team]; ok {
		return d
	}
	g := rollup.Group{Name: rollup.OrgGroup}
	if team != "" {
		g = rollup.Group{Name: rollup.TeamGroup(team), Team: team}
	}
	d := rollup.Compose(v.r, g, rollup.WeekOf(v.r.Now, v.loc), v.lastOf(team))
	v.digests[team] = d
	return d
}

// lastOf is what the latest rollup reported for team ("" for the org): a
// team's own rollup, else its row in the org's. For the org, each team's
// row comes from the team's own rollup where it has one.
func (v *view) lastOf(team string) *rollup.Stats {
	org := v.last[rollup.OrgGroup]
	if team != "" {
		if st := v.last[rollup.TeamGroup(team)]; st != nil {
			return st
		}
		if org == nil {
			return nil
		}
		if n, ok := org.Teams[team]; ok {
			return &rollup.Stats{Counts: n}
		}
		return nil
	}
	st := &rollup.Stats{Teams: map[string]rollup.Counts{}}
	if org != nil {
		st.Counts = org.Counts
		maps.Copy(st.Teams, org.Teams)
	}
	for _, t := range v.r.Teams {
		if own := v.last[rollup.TeamGroup(t)]; own != nil {
			st.Teams[t] = own.Counts
		}
	}
	if org == nil && len(st.Teams) == 0 {
		return nil
	}
	return st
}
