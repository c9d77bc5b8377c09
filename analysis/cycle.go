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
func (a *analysis) cycles() {
	for _, scc := range a.openSCCs() {
		keys := make([]string, len(scc))
		var teams []string
		var since time.Time
		for i, v := range scc {
			keys[i] = a.g.keys[v]
			if t := a.g.teams[v]; t != "" {
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
		first := a.g.index[keys[0]]
		team := a.g.teams[first]
		others := slices.DeleteFunc(slices.Clone(teams), func(t string) bool { return t == team })
		a.add(Finding{
			Rule: RuleCycle, Issue: keys[0], Team: team, Related: keys[1:], RelatedTeams: others,
			Severity: SeverityCritical, Since: since,
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
	g := a.g
	n := len(g.keys)
	index := make([]int32, n) // 1 + visit order; 0 means not visited yet
	low := make([]int32, n)
	onStack := make([]bool, n)
	var stack []int32
	type frame struct{ v, next int32 } // node and position in its out-edges
	var calls []frame
	var out [][]int32
	visited := int32(0)
	for root := range int32(n) {
		if index[root] != 0 || g.outAt[root] == g.outAt[root+1] {
			continue
		}
		visited++
		index[root], low[root] = visited, visited
		stack, onStack[root] = append(stack, root), true
		calls = append(calls, frame{root, g.outAt[root]})
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.next < g.outAt[v+1] {
				e := g.outEdge[f.next]
				f.next++
				if !g.edges[e].Open {
					continue
				}
				w := g.to[e]
				switch {
				case index[w] == 0:
					visited++
					index[w], low[w] = visited, visited
					stack, onStack[w] = append(stack, w), true
					calls = append(calls, frame{w, g.outAt[w]})
				case onStack[w]:
					low[v] = min(low[v], index[w])
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			k := len(stack) - 1
			for stack[k] != v {
				k--
			}
			for _, w := range stack[k:] {
				onStack[w] = false
			}
			if len(stack)-k >= 2 {
				out = append(out, slices.Clone(stack[k:]))
			}
			stack = stack[:k]
		}
	}
	return out
}
