package analysis

import (
	"cmp"
	"slices"
	"time"
)

// severities are the severities, most severe first.
var severities = []string{SeverityCritical, SeverityWarning, SeverityInfo}

// severityOrder is every severity's place in severities.
var severityOrder = func() map[string]int {
	m := make(map[string]int, len(severities))
	for i, s := range severities {
		m[s] = i
	}
	return m
}()

// found is a finding as a rule emits it, before sorting: its rule's row,
// from which Kind and Rule follow, its severity as a number, and the node of
// its issue, which orders it. At 200,000 issues the findings are held twice
// (as found, then sorted), and found is 40 bytes smaller than a Finding.
type found struct {
	issue, team           string
	related, relatedTeams []string
	since                 time.Time
	summary, nextStep     string
	rule                  *Rule
	node                  int32  // of issue: nodes are numbered in key order
	teamRank              uint16 // of team in findingList.teams
	row, severity         uint8  // of rule in Rules; in severities
}

// finding is f as a report shows it.
func (f *found) finding() Finding {
	return Finding{Kind: f.rule.Kind, Rule: f.rule.Name, Issue: f.issue, Team: f.team, Related: f.related,
		RelatedTeams: f.relatedTeams, Severity: severities[f.severity], Since: f.since,
		Summary: f.summary, NextStep: f.nextStep}
}

// findingList collects findings in fixed-size chunks, so that a large
// analysis never copies what it has found while it grows.
type findingList struct {
	chunks [][]found
	n      int32
	// teams are "" and the configured team names in name order, once each;
	// rank numbers them. A finding's team is ranked as it is added, which
	// the last team's rank spares most look-ups of: the rules on issues find
	// in key order, team by team.
	teams    []string
	rank     map[string]int
	lastTeam string
	lastRank int
}

const findingChunk = 1 << 12

// newFindingList returns an empty list for the configured team names.
func newFindingList(configured []string) findingList {
	teams := slices.Concat([]string{""}, configured)
	slices.Sort(teams)
	teams = slices.Compact(teams)
	rank := make(map[string]int, len(teams))
	for i, t := range teams {
		rank[t] = i
	}
	return findingList{teams: teams, rank: rank}
}

// add appends f, ranking its team; a team not configured ranks as "".
func (l *findingList) add(f found) int32 {
	if f.team != l.lastTeam { // "" ranks first: the zero lastRank
		l.lastTeam, l.lastRank = f.team, l.rank[f.team]
	}
	f.teamRank = uint16(l.lastRank)
	if int(l.n)%findingChunk == 0 {
		l.chunks = append(l.chunks, make([]found, 0, findingChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, f)
	l.n++
	return l.n - 1
}

func (l *findingList) at(k int32) *found { return &l.chunks[k/findingChunk][k%findingChunk] }

// findingKey is what findings are sorted by: severity, team, rule and
// issue packed into one number, then the related keys.
type findingKey struct {
	rank uint64
	f    *found
}

// compareFindings orders findings most severe first, then by team, rule (in
// the order of the rules table), issue and related keys.
func compareFindings(a, b findingKey) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	return slices.Compare(a.f.related, b.f.related)
}

// keyOf returns the sort key of f.
func keyOf(f *found) findingKey {
	r := uint64(f.severity)<<56 | uint64(f.teamRank)<<40 | uint64(f.row)<<32 | uint64(uint32(f.node))
	return findingKey{r, f}
}

// sorted returns the findings in compareFindings order, [] when none.
//
// The findings are first counted out into groups of one severity, team and
// rule, in the order they were found; then only the groups not yet in order
// are sorted. Rules on issues find in key order, so most groups already are:
// at 200,000 issues, sorting every finding was a tenth of an analysis.
func (l *findingList) sorted() []Finding {
	teams := len(l.teams)
	group := func(k findingKey) int { // in rank order
		sev, team, row := int(k.rank>>56), int(k.rank>>40&0xffff), int(k.rank>>32&0xff)
		return (sev*teams+team)*len(Rules) + row
	}
	// at[g] is where group g begins in keys, then, once it is placed, where
	// it ends.
	at := make([]int32, len(severities)*teams*len(Rules)+1)
	for _, c := range l.chunks {
		for i := range c {
			at[group(keyOf(&c[i]))+1]++
		}
	}
	for g := 1; g < len(at); g++ {
		at[g] += at[g-1]
	}
	keys := make([]findingKey, l.n)
	for _, c := range l.chunks {
		for i := range c {
			k := keyOf(&c[i])
			g := group(k)
			keys[at[g]] = k
			at[g]++
		}
	}
	start := int32(0)
	for _, e := range at[:len(at)-1] {
		if g := keys[start:e]; !slices.IsSortedFunc(g, compareFindings) {
			slices.SortFunc(g, compareFindings)
		}
		start = e
	}
	out := make([]Finding, len(keys))
	for i, k := range keys {
		out[i] = k.f.finding()
	}
	return out
}
