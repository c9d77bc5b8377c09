package analysis

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// Acknowledgement is what an ack says about a finding it covers: in the JSON
// of `baton findings --all`, under "acknowledged".
type Acknowledgement struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
}

// exemptIssue reports whether is carries one of the exempt labels of its
// team's rules (compared without regard to case).
func (a *analysis) exemptIssue(is *model.Issue) bool {
	labels := a.rulesOf(is.Team).ExemptLabels
	return slices.ContainsFunc(is.Labels, func(l string) bool {
		return slices.ContainsFunc(labels, func(e string) bool { return strings.EqualFold(l, e) })
	})
}

// exemptKeys returns the keys of the analysed issues with an exempt label,
// in key order; nil when none.
func (a *analysis) exemptKeys() []string {
	var keys []string
	for i := range a.g.issues {
		if is := &a.g.issues[i]; len(is.Labels) > 0 && a.exemptIssue(is) {
			keys = append(keys, is.Key)
		}
	}
	return keys
}

// acknowledge splits fs, keeping its order, into the findings no ack applies
// to and those one does, the latter with Acknowledged set; open reuses fs. An ack applies to
// the findings on its issue (of its rule, if it names one) while it is active
// and none of them is worse than when it was taken: more severe, or naming an
// issue it did not name then. One worse finding lapses the whole ack.
func acknowledge(fs []Finding, acks []model.Ack, now time.Time) (open, acked []Finding) {
	by := make(map[int]*model.Ack) // finding index -> the ack applying to it
	for i := range acks {
		ack := &acks[i]
		if !ack.Active(now) {
			continue
		}
		covered, lapsed := coverage(fs, ack)
		for _, j := range covered {
			if prev, ok := by[j]; !lapsed && (!ok || ack.Until.After(prev.Until)) {
				by[j] = ack
			}
		}
	}
	acked = make([]Finding, 0, len(by))
	if len(by) == 0 { // as usual: spare moving every finding onto itself
		return fs, acked
	}
	// open keeps fs's array: at 200,000 issues a copy of every finding
	// would be a fifth of what an analysis allocates.
	open = fs[:0]
	for j, f := range fs {
		ack, ok := by[j]
		if !ok {
			open = append(open, f)
			continue
		}
		f.Acknowledged = &Acknowledgement{Until: ack.Until, Reason: ack.Reason, By: ack.By}
		acked = append(acked, f)
	}
	return open, acked
}

// coverage returns the indexes in fs of the findings ack covers, and whether
// one of them is worse than when it was taken.
func coverage(fs []Finding, ack *model.Ack) (covered []int, lapsed bool) {
	for j := range fs {
		if covers(ack, &fs[j]) {
			covered = append(covered, j)
			lapsed = lapsed || worse(&fs[j], ack)
		}
	}
	return covered, lapsed
}

// Ack states, as `baton ack list` shows them.
const (
	AckActive  = "active"  // applies to the findings it covers
	AckLapsed  = "lapsed"  // a finding it covers got worse: it applies to none
	AckExpired = "expired" // past its until
)

// AckState says whether ack applies at now to the findings fs, which are
// every finding of an analysis (Report.All).
func AckState(fs []Finding, ack *model.Ack, now time.Time) string {
	if !ack.Active(now) {
		return AckExpired
	}
	if _, lapsed := coverage(fs, ack); lapsed {
		return AckLapsed
	}
	return AckActive
}

func covers(ack *model.Ack, f *Finding) bool {
	return f.Issue == ack.Issue && (ack.Rule == "" || ack.Rule == f.Rule)
}

// worse reports whether f is more severe than ack was taken at, or names a
// related issue ack did not.
func worse(f *Finding, ack *model.Ack) bool {
	if severityOrder[f.Severity] < severityRank(ack.Severity) {
		return true
	}
	for _, k := range f.Related {
		if !slices.Contains(ack.Related, k) {
			return true
		}
	}
	return false
}

// severityRank is a severity's place in severityOrder, unknown ones last.
func severityRank(s string) int {
	if r, ok := severityOrder[s]; ok {
		return r
	}
	return len(severityOrder)
}

// Snapshot returns what an ack of issue (and rule, unless empty) taken now
// records: the most severe of the findings in fs it would cover and every
// issue they name, sorted; n is how many it would cover (none: 0).
func Snapshot(fs []Finding, issue, rule string) (severity string, related []string, n int) {
	probe := model.Ack{Issue: issue, Rule: rule}
	rank := len(severityOrder)
	for i := range fs {
		f := &fs[i]
		if !covers(&probe, f) {
			continue
		}
		if r := severityRank(f.Severity); n == 0 || r < rank {
			severity, rank = f.Severity, r
		}
		n++
		related = append(related, f.Related...)
	}
	slices.Sort(related)
	return severity, slices.Compact(related), n
}

// All returns every finding of r, acknowledged ones included, in the order
// of Findings: most severe first, then by team, rule, issue and related keys.
func (r *Report) All() []Finding {
	all := slices.Concat(r.Findings, r.Acknowledged)
	slices.SortStableFunc(all, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(severityOrder[a.Severity], severityOrder[b.Severity]),
			cmp.Compare(a.Team, b.Team), cmp.Compare(ruleOrder[a.Rule], ruleOrder[b.Rule]),
			cmp.Compare(a.Issue, b.Issue), slices.Compare(a.Related, b.Related))
	})
	return all
}
