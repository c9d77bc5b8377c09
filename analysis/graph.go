package analysis

import (
	"cmp"
	"slices"
	"strings"

	"github.com/batonhq/baton/model"
)

// graph is the dependency graph of one analysis. Nodes are indexed: the
// analysed issues first, in key order, then placeholders for link ends and
// mirrors outside the synced scope. Mirrored twins are merged onto one
// canonical node for dependency purposes; edges only join canonical nodes.
type graph struct {
	issues  []model.Issue     // the analysed issues, sorted by key, Team set
	keys    []string          // key of every node
	teams   []string          // team of every node ("" when no team claims it)
	index   map[string]int32  // node by key
	canon   []int32           // canonical twin of every node (itself when unmirrored)
	twins   map[int32][]int32 // members of every mirror group of ≥ 2 nodes, by canonical node
	edges   []Edge            // sorted by (From, To)
	from    []int32           // canonical node of each edge's From
	to      []int32           // canonical node of each edge's To
	inAt    []int32           // in-edges of node v are inEdge[inAt[v]:inAt[v+1]]
	inEdge  []int32
	outAt   []int32 // out-edges of node v are outEdge[outAt[v]:outAt[v+1]]
	outEdge []int32
}

// issue returns the issue of node v, or nil for a placeholder.
func (g *graph) issue(v int32) *model.Issue {
	if int(v) < len(g.issues) {
		return &g.issues[v]
	}
	return nil
}

// open reports whether node v is not done; a placeholder counts as open.
func (g *graph) open(v int32) bool {
	is := g.issue(v)
	return is == nil || is.Open()
}

// buildGraph sorts and copies the issues, sets their teams and merges the
// blocking links of every origin into edges between canonical nodes.
func buildGraph(in []model.Issue, teams []model.Team) *graph {
	g := &graph{issues: sortedIssues(in)}
	n := len(g.issues)
	g.keys = make([]string, n, n+n/4)
	g.teams = make([]string, n, n+n/4)
	g.index = make(map[string]int32, n+n/4)
	for i := range g.issues {
		is := &g.issues[i]
		is.Team = model.TeamOf(teams, is)
		g.keys[i], g.teams[i] = is.Key, is.Team
		g.index[is.Key] = int32(i)
	}
	g.mergeMirrors(teams)
	g.addEdges(teams)
	return g
}

// sortedIssues copies the issues in key order; of two issues with the same
// key the one updated last wins (the later one in the input on a tie).
func sortedIssues(in []model.Issue) []model.Issue {
	type keyed struct {
		key string
		at  int32
	}
	order := make([]keyed, len(in))
	for i := range in {
		order[i] = keyed{in[i].Key, int32(i)}
	}
	slices.SortFunc(order, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	out := make([]model.Issue, 0, len(in))
	for _, k := range order {
		if last := len(out) - 1; last >= 0 && out[last].Key == k.key {
			if !in[k.at].Updated.Before(out[last].Updated) {
				out[last] = in[k.at]
			}
			continue
		}
		out = append(out, in[k.at])
	}
	return out
}

// node returns the node of key, adding a placeholder for a key outside the
// analysed issues. A placeholder's team comes from its repository or project.
func (g *graph) node(key string, teams []model.Team) int32 {
	if v, ok := g.index[key]; ok {
		return v
	}
	v := int32(len(g.keys))
	ph := model.Issue{Key: key, System: systemOf(key)}
	g.keys = append(g.keys, key)
	g.teams = append(g.teams, model.TeamOf(teams, &ph))
	g.index[key] = v
	if g.canon != nil {
		g.canon = append(g.canon, v)
	}
	return v
}

func systemOf(key string) model.System {
	switch {
	case strings.HasPrefix(key, "github:"):
		return model.GitHub
	case strings.HasPrefix(key, "jira:"):
		return model.Jira
	}
	return ""
}

// mergeMirrors unites mirrored twins (declared on either side) and picks
// each group's canonical node: an analysed issue over a placeholder, then the
// Jira twin, then the smallest key.
func (g *graph) mergeMirrors(teams []model.Team) {
	var members []int32
	for i := range g.issues {
		for _, m := range g.issues[i].Mirrors {
			members = append(members, int32(i), g.node(m, teams))
		}
	}
	parent := make([]int32, len(g.keys))
	for v := range parent {
		parent[v] = int32(v)
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	for k := 0; k < len(members); k += 2 {
		if a, b := find(members[k]), find(members[k+1]); a != b {
			parent[b] = a
		}
	}
	slices.Sort(members)
	members = slices.Compact(members)
	best := make(map[int32]int32)
	for _, v := range members {
		r := find(v)
		if b, ok := best[r]; !ok || g.better(v, b) {
			best[r] = v
		}
	}
	g.canon = make([]int32, len(g.keys))
	for v := range g.canon {
		g.canon[v] = int32(v)
	}
	g.twins = make(map[int32][]int32, len(best))
	for _, v := range members {
		c := best[find(v)]
		g.canon[v] = c
		if v != c {
			if len(g.twins[c]) == 0 {
				g.twins[c] = []int32{c}
			}
			g.twins[c] = append(g.twins[c], v)
		}
	}
}

// better reports whether node a makes a better canonical twin than node b.
func (g *graph) better(a, b int32) bool {
	if ra, rb := g.issue(a) != nil, g.issue(b) != nil; ra != rb {
		return ra
	}
	if ja, jb := systemOf(g.keys[a]) == model.Jira, systemOf(g.keys[b]) == model.Jira; ja != jb {
		return ja
	}
	return g.keys[a] < g.keys[b]
}

// addEdges merges the blocking links of every issue, from every origin, into
// one edge per (From, To) pair of canonical nodes, and indexes them.
func (g *graph) addEdges(teams []model.Team) {
	type pair struct{ from, to int32 }
	links := 0
	for i := range g.issues {
		links += len(g.issues[i].Links)
	}
	at := make(map[pair]int32, links)
	from, to := make([]int32, 0, links), make([]int32, 0, links)
	origins := make([][]model.Origin, 0, links)
	for i := range g.issues {
		for _, l := range g.issues[i].Links {
			if l.Type != model.Blocks {
				continue
			}
			f, t := g.canon[g.node(l.From, teams)], g.canon[g.node(l.To, teams)]
			if f == t {
				continue // a self-edge, or one between twins
			}
			k, ok := at[pair{f, t}]
			if !ok {
				k = int32(len(from))
				at[pair{f, t}] = k
				from, to, origins = append(from, f), append(to, t), append(origins, nil)
			}
			if !slices.Contains(origins[k], l.Origin) {
				origins[k] = append(origins[k], l.Origin)
			}
		}
	}
	order := make([]int32, len(from))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := strings.Compare(g.keys[from[a]], g.keys[from[b]]); c != 0 {
			return c
		}
		return strings.Compare(g.keys[to[a]], g.keys[to[b]])
	})
	g.edges = make([]Edge, len(order))
	g.from, g.to = make([]int32, len(order)), make([]int32, len(order))
	for i, k := range order {
		f, t := from[k], to[k]
		slices.Sort(origins[k])
		g.from[i], g.to[i] = f, t
		g.edges[i] = Edge{
			From: g.keys[f], To: g.keys[t], FromTeam: g.teams[f], ToTeam: g.teams[t],
			Origins: origins[k], Open: g.open(f) && g.open(t),
		}
	}
	g.inAt, g.inEdge = adjacency(len(g.keys), g.to)
	g.outAt, g.outEdge = adjacency(len(g.keys), g.from)
}

// adjacency indexes edges by one end: the edges whose end is v are
// edge[at[v]:at[v+1]], in edge order.
func adjacency(nodes int, end []int32) (at, edge []int32) {
	at = make([]int32, nodes+1)
	for _, v := range end {
		at[v+1]++
	}
	for v := range nodes {
		at[v+1] += at[v]
	}
	edge = make([]int32, len(end))
	next := slices.Clone(at[:nodes])
	for e, v := range end {
		edge[next[v]] = int32(e)
		next[v]++
	}
	return at, edge
}
