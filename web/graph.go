package web

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/batonhq/baton/analysis"
)

// graphQuery is what /graph shows: ?team=, ?all=1 (same-team edges too;
// cross-team only by default), ?findings=1 (only edges with findings).
type graphQuery struct {
	Team     string
	All      bool
	Findings bool
}

// graphPage is the blocking graph as a picture, and how to narrow it.
type graphPage struct {
	frame
	Query graphQuery
	*graphData
}

// graphData is one laid-out selection of the graph.
type graphData struct {
	SVG          template.HTML // inline, so that nodes link to their issues
	Nodes, Edges int           // drawn
	MoreNodes    int           // selected but left out by the cap
	MoreEdges    int
	ByTeam       []teamEdges // selected edges per team, to narrow by
}

// teamEdges counts the selected edges with an end on a team.
type teamEdges struct {
	Team  string
	Edges int
}

// maxNodes keeps the picture legible at any size of organisation: edges
// with findings are drawn first, cycles before the rest, and the count of
// what was left out points at the filters.
const maxNodes = 60

func (s *Site) graph(v *view, f frame, r *http.Request) (any, error) {
	q := r.URL.Query()
	gq := graphQuery{Team: q.Get("team"), All: q.Get("all") == "1", Findings: q.Get("findings") == "1"}
	if gq.Team != "" && !v.team(gq.Team) {
		return nil, errNotFound{"team " + gq.Team}
	}
	g, err := s.graphOf(v, gq)
	if err != nil {
		return nil, err
	}
	return &graphPage{frame: f, Query: gq, graphData: g}, nil
}

// graphOf lays out the selection q of v's graph once per snapshot.
func (s *Site) graphOf(v *view, q graphQuery) (*graphData, error) {
	v.graphMu.Lock()
	defer v.graphMu.Unlock()
	if g, ok := v.graphs[q]; ok {
		return g, nil
	}
	sel := v.selectGraph(q)
	svg, err := s.layout.svg(sel.dot(v))
	if err != nil {
		return nil, err
	}
	g := &graphData{SVG: svg, Nodes: len(sel.nodes), Edges: len(sel.edges),
		MoreNodes: sel.total - len(sel.nodes), MoreEdges: sel.candidates - len(sel.edges)}
	for _, t := range v.r.Teams {
		if n := sel.byTeam[t]; n > 0 {
			g.ByTeam = append(g.ByTeam, teamEdges{Team: t, Edges: n})
		}
	}
	v.graphs[q] = g
	return g, nil
}

// selection is the part of the graph a query draws.
type selection struct {
	nodes      map[string]bool
	order      []string // nodes in the order they were added
	edges      []int32
	candidates int            // edges the query selects
	total      int            // distinct ends of those edges
	byTeam     map[string]int // selected edges with an end on each team
}

func (v *view) selectGraph(q graphQuery) *selection {
	sel := &selection{nodes: map[string]bool{}, byTeam: map[string]int{}}
	ends := map[string]bool{}
	keep := func(e *analysis.Edge) bool {
		return (q.All || e.CrossTeam()) && (q.Team == "" || e.FromTeam == q.Team || e.ToTeam == q.Team)
	}
	add := func(i int32) {
		e := &v.r.Edges[i]
		sel.candidates++
		ends[e.From], ends[e.To] = true, true
		sel.byTeam[e.FromTeam]++
		if e.ToTeam != e.FromTeam {
			sel.byTeam[e.ToTeam]++
		}
		fresh := 0
		for _, k := range []string{e.From, e.To} {
			if !sel.nodes[k] {
				fresh++
			}
		}
		if len(sel.nodes)+fresh > maxNodes {
			return
		}
		for _, k := range []string{e.From, e.To} {
			if !sel.nodes[k] {
				sel.nodes[k] = true
				sel.order = append(sel.order, k)
			}
		}
		sel.edges = append(sel.edges, i)
	}
	for _, i := range v.marked {
		if keep(&v.r.Edges[i]) {
			add(i)
		}
	}
	if !q.Findings {
		for _, open := range []bool{true, false} {
			for i := range v.r.Edges {
				e := &v.r.Edges[i]
				if e.Open == open && v.rules[int32(i)] == nil && keep(e) {
					add(int32(i))
				}
			}
		}
	}
	sel.total = len(ends)
	slices.Sort(sel.edges)
	return sel
}
