package analysis

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// cycles reports every strongly connected component of the open edges that
// spans at least two teams: once, on its smallest key, the other keys in
// Related. Since is when the last of its issues was created, the earliest
// the cycle can have existed.
func (a *analysis) cycles(_ int, emit func(Finding)) {
	for _, scc := range a.openSCCs() {
		keys := make([]string, len(scc))
		var teams []string
		var since time.Time
		for i, v := range scc {
			keys[i] = a.g.key(v)
			if t := a.g.team(v); t != "" {
				teams = append(teams, t)
			}
			if is := a.g.issue(v); is != nil {
				since = latest(since, is.Created)
			}
		}
		slices.Sort(teams)
		if teams = slices.Compact(teams); len(teams) < 2 {
			continue
		}
		slices.Sort(keys)
		first, _ := a.g.find(keys[0])
		team := a.g.team(first)
		others := slices.DeleteFunc(slices.Clone(teams), func(t string) bool { return t == team })
		emit(Finding{
			Issue: keys[0], Team: team, Related: keys[1:], RelatedTeams: others, Since: since,
			Summary: fmt.Sprintf("%d issues of %d teams (%s) block each other: %s.",
				len(keys), len(teams), strings.Join(teams, ", "), strings.Join(keys, ", ")),
			NextStep: fmt.Sprintf("Ask %s to agree which of these goes first and remove one blocking link.",
				strings.Join(teams, " and ")),
		})
	}
}

// openSCCs returns the strongly connected components of two or more nodes in
// the graph of open edges, found with Tarjan's algorithm run iteratively so
// that long chains cannot overflow the stack.
func (a *analysis) openSCCs() [][]int32 {
	n := a.g.nodes()
	t := &tarjan{g: a.g, index: make([]int32, n), low: make([]int32, n), onStack: make([]bool, n)}
	for root := range int32(n) {
		if t.index[root] == 0 && a.g.outAt[root] < a.g.outAt[root+1] {
			t.run(root)
		}
	}
	return t.sccs
}

// tarjan is the state of one run of Tarjan's algorithm over open edges.
type tarjan struct {
	g       *graph
	index   []int32 // 1 + visit order; 0 means not visited yet
	low     []int32
	onStack []bool
	stack   []int32
	calls   []tarjanFrame
	visited int32
	sccs    [][]int32
}

// tarjanFrame is a node being visited and the position in its out-edges.
type tarjanFrame struct{ v, next int32 }

func (t *tarjan) visit(v int32) {
	t.visited++
	t.index[v], t.low[v] = t.visited, t.visited
	t.stack, t.onStack[v] = append(t.stack, v), true
	t.calls = append(t.calls, tarjanFrame{v, t.g.outAt[v]})
}

func (t *tarjan) run(root int32) {
	g := t.g
	t.visit(root)
	for len(t.calls) > 0 {
		f := &t.calls[len(t.calls)-1]
		v := f.v
		if f.next < g.outAt[v+1] {
			e := g.outEdge[f.next]
			f.next++
			switch w := g.to[e]; {
			case !g.edges[e].Open:
			case t.index[w] == 0:
				t.visit(w)
			case t.onStack[w]:
				t.low[v] = min(t.low[v], t.index[w])
			}
			continue
		}
		t.calls = t.calls[:len(t.calls)-1]
		if len(t.calls) > 0 {
			p := t.calls[len(t.calls)-1].v
			t.low[p] = min(t.low[p], t.low[v])
		}
		if t.low[v] == t.index[v] {
			t.pop(v)
		}
	}
}

// pop takes the component rooted at v off the stack, keeping it when it has
// two or more nodes (there are no self-edges).
func (t *tarjan) pop(v int32) {
	k := len(t.stack) - 1
	for t.stack[k] != v {
		k--
	}
	for _, w := range t.stack[k:] {
		t.onStack[w] = false
	}
	if len(t.stack)-k >= 2 {
		t.sccs = append(t.sccs, slices.Clone(t.stack[k:]))
	}
	t.stack = t.stack[:k]
}
