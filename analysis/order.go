package analysis

import (
	"cmp"
	"slices"
)

var severityOrder = map[string]int{SeverityCritical: 0, SeverityWarning: 1, SeverityInfo: 2}

// findingList collects findings in fixed-size chunks, so that a large
// analysis never copies what it has found while it grows.
type findingList struct {
	chunks [][]Finding
	n      int32
}

const findingChunk = 1 << 12

func (l *findingList) add(f Finding) int32 {
	if int(l.n)%findingChunk == 0 {
		l.chunks = append(l.chunks, make([]Finding, 0, findingChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, f)
	l.n++
	return l.n - 1
}

func (l *findingList) at(k int32) *Finding { return &l.chunks[k/findingChunk][k%findingChunk] }

// findingKey is what findings are sorted by: severity, team, rule and
// issue packed into one number (issue as its node, nodes being numbered in
// key order), then the related keys.
type findingKey struct {
	rank uint64
	f    *Finding
}

// compareFindings orders findings most severe first, then by team, rule (in
// the order of the rules table), issue and related keys.
func compareFindings(a, b findingKey) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	return slices.Compare(a.f.Related, b.f.Related)
}

// keyOf returns the sort key of f; teamRank numbers the teams in name order
// and node numbers issues in key order.
func keyOf(f *Finding, teamRank map[string]int, node int32) findingKey {
	r := uint64(severityOrder[f.Severity])<<56 | uint64(teamRank[f.Team])<<40 | uint64(ruleOrder[f.Rule])<<32 | uint64(uint32(node))
	return findingKey{r, f}
}

// sorted returns the findings in compareFindings order, [] when none; node
// numbers issues in key order and teams are the configured team names.
func (l *findingList) sorted(node map[string]int32, teams []string) []Finding {
	teams = slices.Concat([]string{""}, teams)
	slices.Sort(teams)
	teams = slices.Compact(teams)
	rank := make(map[string]int, len(teams))
	for i, t := range teams {
		rank[t] = i
	}
	keys := make([]findingKey, 0, l.n)
	for _, c := range l.chunks {
		for i := range c {
			keys = append(keys, keyOf(&c[i], rank, node[c[i].Issue]))
		}
	}
	slices.SortFunc(keys, compareFindings)
	out := make([]Finding, len(keys))
	for i, k := range keys {
		out[i] = *k.f
	}
	return out
}
