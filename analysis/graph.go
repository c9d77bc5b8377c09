package analysis

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// graph is the dependency graph of one analysis. Nodes are indexed: the
// analysed issues first, in key order, then placeholders for link ends and
// mirrors outside the synced scope. Mirrored twins are merged onto one
// canonical node for dependency purposes; edges only join canonical nodes.
type graph struct {
	issues  []model.Issue // the analysed issues, sorted by key, Team set
	info    []nodeInfo    // of every node, issues and placeholders
	ends    []int64       // deadlineEnd of every analysed issue
	index   keyIndex      // node by key
	teams   teamFinder
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

// nodeInfo is what the graph and the rules on edges read of a node: its
// issue's record is 472 bytes, and the look-ups by key and the edges read
// nodes in no order, where each of the record's cache lines they touched was
// a miss; 64 bytes are one line. The rules read the record itself only for
// what they write into a finding.
type nodeInfo struct {
	key      string
	team     string // "" when no team claims it
	assignee string // the first; "" when none, and for a placeholder
	priority int
	open     bool // not done; a placeholder counts as open
	todo     bool // not started
	dropped  bool // done without being completed
	planned  bool // has a due date or an iteration
}

// infoOf returns what the graph reads of is, Team set.
func infoOf(is *model.Issue) nodeInfo {
	n := nodeInfo{key: is.Key, team: is.Team, priority: is.Priority, open: is.Open(), todo: is.Status == model.StatusTodo,
		dropped: is.Resolution == model.ResolutionDropped, planned: !is.Due.IsZero() || is.Iteration != nil}
	if len(is.Assignees) > 0 {
		n.assignee = is.Assignees[0]
	}
	return n
}

// nodes is the number of nodes.
func (g *graph) nodes() int { return len(g.info) }

// key returns the key of node v.
func (g *graph) key(v int32) string { return g.info[v].key }

// team returns the team of node v, "" when no team claims it.
func (g *graph) team(v int32) string { return g.info[v].team }

// issue returns the issue of node v, or nil for a placeholder.
func (g *graph) issue(v int32) *model.Issue {
	if int(v) < len(g.issues) {
		return &g.issues[v]
	}
	return nil
}

// open reports whether node v is not done; a placeholder counts as open.
func (g *graph) open(v int32) bool { return g.info[v].open }

// analysed returns what the graph read of node v's issue, or nil for a
// placeholder.
func (g *graph) analysed(v int32) *nodeInfo {
	if int(v) < len(g.issues) {
		return &g.info[v]
	}
	return nil
}

// buildGraph sorts and copies the issues, sets their teams, finds their
// deadlines in loc and merges the blocking links of every origin into edges
// between canonical nodes.
func buildGraph(in []model.Issue, teams []model.Team, loc *time.Location) *graph {
	g := &graph{issues: sortedIssues(in), teams: teamFinder{teams: teams}}
	n := len(g.issues)
	g.index = newKeyIndex(n + n/16) // and room for link ends outside the issues
	g.info = make([]nodeInfo, n, n+n/16)
	g.ends = make([]int64, n)
	// The issues with mirrors, and how many links there are, are noted while
	// each record is read for its node: a pass of their own over the records
	// read a cache line or two of each again.
	var mirrored []int32
	links := 0
	slots := make([]uint64, n) // of the issues' keys, placed together below
	for i := range g.issues {
		is := &g.issues[i]
		is.Team = g.teams.of(is)
		g.info[i] = infoOf(is)
		g.ends[i] = deadlineEnd(is, loc)
		slots[i] = g.index.slot(is.Key, int32(i))
		links += len(is.Links)
		if len(is.Mirrors) > 0 {
			mirrored = append(mirrored, int32(i))
		}
	}
	g.index.putAll(slots)
	g.mergeMirrors(mirrored)
	g.addEdges(links)
	return g
}

// sortedIssues returns the issues in key order: in itself when it already
// is, with no key twice; else a copy, where of two issues with the same key
// the one updated last wins (the later one in the input on a tie).
func sortedIssues(in []model.Issue) []model.Issue {
	if increasing(in) {
		return slices.Clip(in)
	}
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

// increasing reports whether every issue's key is greater than the one
// before it.
func increasing(issues []model.Issue) bool {
	for i := 1; i < len(issues); i++ {
		if issues[i-1].Key >= issues[i].Key {
			return false
		}
	}
	return true
}

// node returns the node of key, adding a placeholder for a key outside the
// analysed issues. A placeholder's team comes from its repository or project.
func (g *graph) node(key string) int32 {
	if v, ok := g.find(key); ok {
		return v
	}
	v := int32(g.nodes())
	ph := model.Issue{Key: key, System: systemOf(key)}
	g.info = append(g.info, nodeInfo{key: key, team: g.teams.of(&ph), open: true})
	g.index.put(key, v)
	if g.canon != nil {
		g.canon = append(g.canon, v)
	}
	return v
}

func systemOf(key string) model.System {
	k, _ := model.ParseKey(key)
	return k.System
}

// mergeMirrors unites mirrored twins (declared on either side, by the
// issues mirrored) and picks each group's canonical node: an analysed issue
// over a placeholder, then the Jira twin, then the smallest key.
func (g *graph) mergeMirrors(mirrored []int32) {
	var members []int32
	for _, i := range mirrored {
		for _, m := range g.issues[i].Mirrors {
			members = append(members, i, g.node(m))
		}
	}
	parent := make([]int32, g.nodes())
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
	g.canon = make([]int32, g.nodes())
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
	if ja, jb := systemOf(g.key(a)) == model.Jira, systemOf(g.key(b)) == model.Jira; ja != jb {
		return ja
	}
	return g.key(a) < g.key(b)
}

// addEdges merges the blocking links of every issue (n in all), from every
// origin, into one edge per (From, To) pair of canonical nodes, and indexes
// them.
func (g *graph) addEdges(n int) {
	type link struct {
		at       uint64 // key ranks of from and to: the order of edges
		from, to int32
		origin   model.Origin
	}
	// An end equal to the carrying issue's key is that issue's node; the
	// others are looked up all together (findAll), then placeholders are
	// added for those not found, in link order. An end to look up is
	// -1-(its place in look) until then.
	links := make([]link, 0, n)
	look := make([]lookup, 0, n)
	end := func(key string, v int32) int32 {
		if key == g.issues[v].Key {
			return v
		}
		look = append(look, lookup{key: key})
		return int32(-len(look))
	}
	for i := range g.issues {
		for _, l := range g.issues[i].Links {
			if l.Type == model.Blocks {
				links = append(links, link{from: end(l.From, int32(i)), to: end(l.To, int32(i)), origin: l.Origin})
			}
		}
	}
	g.findAll(look)
	resolve := func(v int32) int32 {
		if v >= 0 {
			return g.canon[v]
		}
		l := &look[-1-v]
		if l.node < 0 {
			l.node = g.node(l.key)
		}
		return g.canon[l.node]
	}
	kept := 0
	for _, l := range links {
		if l.from, l.to = resolve(l.from), resolve(l.to); l.from != l.to { // else a self-edge, or one between twins
			links[kept] = l
			kept++
		}
	}
	links = links[:kept]
	rank := g.keyRanks()
	fromRank := make([]int32, len(links))
	for i := range links {
		links[i].at = uint64(rank[links[i].from])<<32 | uint64(rank[links[i].to])
		fromRank[i] = rank[links[i].from]
	}
	// The links in edge order: counted out by their from's rank, then each
	// node's few by to and origin. Sorting them all was 3% of an analysis.
	at, order := adjacency(g.nodes(), fromRank)
	for r := range g.nodes() {
		if same := order[at[r]:at[r+1]]; len(same) > 1 {
			slices.SortFunc(same, func(a, b int32) int {
				return cmp.Or(cmp.Compare(links[a].at, links[b].at), strings.Compare(string(links[a].origin), string(links[b].origin)))
			})
		}
	}
	// One backing array, never outgrown, holds every edge's Origins.
	origins := make([]model.Origin, 0, len(links))
	start := 0 // where the last edge's origins begin
	g.edges, g.from, g.to = make([]Edge, 0, len(links)), make([]int32, 0, len(links)), make([]int32, 0, len(links))
	var prev link
	for i, k := range order {
		l := links[k]
		if i > 0 && l.at == prev.at && l.origin == prev.origin {
			continue
		}
		if i == 0 || l.at != prev.at {
			start = len(origins)
			g.from, g.to = append(g.from, l.from), append(g.to, l.to)
			g.edges = append(g.edges, Edge{
				From: g.key(l.from), To: g.key(l.to), FromTeam: g.team(l.from), ToTeam: g.team(l.to),
				Open: g.open(l.from) && g.open(l.to),
			})
		}
		prev = l
		origins = append(origins, l.origin)
		g.edges[len(g.edges)-1].Origins = origins[start:len(origins):len(origins)]
	}
	g.inAt, g.inEdge = adjacency(g.nodes(), g.to)
	g.outAt, g.outEdge = adjacency(g.nodes(), g.from)
}

// keyRanks numbers every node in key order. Analysed issues already are;
// placeholders are sorted and merged in.
func (g *graph) keyRanks() []int32 {
	n := len(g.issues)
	ph := make([]int32, g.nodes()-n) // placeholders
	for i := range ph {
		ph[i] = int32(n + i)
	}
	slices.SortFunc(ph, func(a, b int32) int { return strings.Compare(g.key(a), g.key(b)) })
	rank := make([]int32, g.nodes())
	i, j := 0, 0
	for r := range int32(len(rank)) {
		if j < len(ph) && (i == n || g.key(ph[j]) < g.key(int32(i))) {
			rank[ph[j]] = r
			j++
		} else {
			rank[i] = r
			i++
		}
	}
	return rank
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
	for e, v := range end { // at[v] advances to where v's edges end: at[v+1]
		edge[at[v]] = int32(e)
		at[v]++
	}
	copy(at[1:], at[:nodes]) // back to where they begin
	at[0] = 0
	return at, edge
}
