package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// DepsOptions selects the part of the graph `baton deps` shows.
type DepsOptions struct {
	Team          string // only edges with an end on this team; all when empty
	CrossTeamOnly bool   // only edges between two different known teams
}

// DepsFormats are the formats WriteDeps writes.
var DepsFormats = []string{"dot", "mermaid", "json"}

// WriteDeps writes the dependency graph of r in format (dot, mermaid or json):
// the edges opts selects and their ends, teams as clusters, blocked and
// stalled issues marked, and the rules of findings about an edge on it.
func WriteDeps(w io.Writer, r *analysis.Report, format string, opts DepsOptions) error {
	if !slices.Contains(DepsFormats, format) {
		return fmt.Errorf("unknown deps format %q: valid formats are %s", format, strings.Join(DepsFormats, ", "))
	}
	if opts.Team != "" && !slices.Contains(r.Teams, opts.Team) {
		return fmt.Errorf("unknown team %q: configured teams are %s", opts.Team, strings.Join(r.Teams, ", "))
	}
	d := selectDeps(r, opts)
	var err error
	switch format {
	case "dot":
		err = d.writeDOT(w)
	case "mermaid":
		err = d.writeMermaid(w)
	default:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(d)
	}
	if err != nil {
		return fmt.Errorf("writing dependency graph as %s: %w", format, err)
	}
	return nil
}

// deps is the selected part of the graph, ready to render.
type deps struct {
	Teams []string   `json:"teams"` // teams with nodes, configured ones first
	Nodes []depsNode `json:"nodes"` // sorted by key
	Edges []depsEdge `json:"edges"` // sorted by (from, to)
}

type depsNode struct {
	Key     string       `json:"key"`
	Team    string       `json:"team"`
	Title   string       `json:"title"`
	Status  model.Status `json:"status"` // empty for an issue outside the synced scope
	InScope bool         `json:"in_scope"`
	Blocked bool         `json:"blocked"` // marked blocked in its tracker
	Stalled bool         `json:"stalled"` // it or its twin has a stalled finding
}

type depsEdge struct {
	analysis.Edge
	Rules []string `json:"rules"` // rules of the findings about this edge
}

func selectDeps(r *analysis.Report, opts DepsOptions) *deps {
	d := &deps{Teams: []string{}, Nodes: []depsNode{}, Edges: []depsEdge{}}
	onEdge := EdgeRules(r.Findings)
	teamOf := make(map[string]string)
	for _, e := range r.Edges {
		if opts.Team != "" && e.FromTeam != opts.Team && e.ToTeam != opts.Team || opts.CrossTeamOnly && !e.CrossTeam() {
			continue
		}
		teamOf[e.From], teamOf[e.To] = e.FromTeam, e.ToTeam
		rules := onEdge.Of(e)
		d.Edges = append(d.Edges, depsEdge{Edge: e, Rules: rules})
	}
	stalled := stalledKeys(r)
	for key, team := range teamOf {
		n := depsNode{Key: key, Team: team}
		if is := findIssue(r.Issues, key); is != nil {
			n.Title, n.Status, n.InScope = is.Title, is.Status, true
			n.Blocked = is.Status == model.StatusBlocked
			n.Stalled = stalled[key] || slices.ContainsFunc(is.Mirrors, func(m string) bool { return stalled[m] })
		}
		d.Nodes = append(d.Nodes, n)
	}
	slices.SortFunc(d.Nodes, func(a, b depsNode) int { return strings.Compare(a.Key, b.Key) })
	for _, t := range r.Teams {
		if slices.ContainsFunc(d.Nodes, func(n depsNode) bool { return n.Team == t }) {
			d.Teams = append(d.Teams, t)
		}
	}
	return d
}

// findIssue returns the issue with key among issues sorted by key, or nil.
func findIssue(issues []model.Issue, key string) *model.Issue {
	i, ok := slices.BinarySearchFunc(issues, key, func(is model.Issue, k string) int { return strings.Compare(is.Key, k) })
	if !ok {
		return nil
	}
	return &issues[i]
}

// stalledKeys returns the keys with a stalled finding on the issue itself
// (not blocked_by_stalled, which is about an edge), and their twins.
func stalledKeys(r *analysis.Report) map[string]bool {
	s := make(map[string]bool)
	for _, f := range r.Findings {
		if f.Kind != analysis.KindStalled || !hasScope(f.Rule, analysis.ScopeIssue) {
			continue
		}
		s[f.Issue] = true
		if is := findIssue(r.Issues, f.Issue); is != nil {
			for _, m := range is.Mirrors {
				s[m] = true
			}
		}
	}
	return s
}

// EdgeFindings holds the rules of the findings about each edge: those of
// edge rules, on a dependent naming its blocker, and cycles on every open
// edge inside them. `baton deps` and the dashboard's graph mark edges with
// them.
type EdgeFindings struct {
	pair  map[[2]string][]string // by (from, to)
	cycle map[string]int         // cycle number of every key in a cycle
}

// EdgeRules indexes the findings fs by the edges they are about.
func EdgeRules(fs []analysis.Finding) *EdgeFindings {
	o := &EdgeFindings{pair: make(map[[2]string][]string), cycle: make(map[string]int)}
	for i, f := range fs {
		switch {
		case f.Rule == analysis.RuleCycle:
			o.cycle[f.Issue] = i
			for _, k := range f.Related {
				o.cycle[k] = i
			}
		case hasScope(f.Rule, analysis.ScopeEdge):
			p := [2]string{f.Related[0], f.Issue}
			o.pair[p] = append(o.pair[p], f.Rule)
		}
	}
	return o
}

// Of returns the rules of the findings about e, in rule order; empty, not
// nil, when there are none.
func (o *EdgeFindings) Of(e analysis.Edge) []string {
	rules := slices.Clone(o.pair[[2]string{e.From, e.To}])
	if c, ok := o.cycle[e.From]; ok && e.Open {
		if d, ok := o.cycle[e.To]; ok && c == d {
			rules = append(rules, analysis.RuleCycle)
		}
	}
	if rules == nil {
		rules = []string{}
	}
	slices.SortFunc(rules, func(a, b string) int { return analysis.RuleIndex(a) - analysis.RuleIndex(b) })
	return slices.Compact(rules)
}

// hasScope reports whether the rules table has the named rule in scope s.
func hasScope(rule string, s analysis.Scope) bool {
	i := analysis.RuleIndex(rule)
	return i >= 0 && analysis.Rules[i].Scope == s
}
