package web

import (
	"net/http"
	"slices"

	"github.com/batonhq/baton/analysis"
)

// findingsPage is the findings table, filtered by team, rule, severity and
// kind, most severe first as the analysis orders them.
type findingsPage struct {
	frame
	Filter     findingFilter
	Rules      []string
	Severities []string
	Kinds      []string
	Rows       []findingRow
	Matched    int // findings the filter keeps; Rows holds the first maxRows
	Total      int
	Acked      []findingRow // acknowledged findings the filter keeps, the first maxRows
	Exempt     int          // issues with an exempt label: they have no findings
}

// findingFilter is the query of /findings; "" matches anything.
type findingFilter struct {
	Team, Rule, Severity, Kind string
}

func (q findingFilter) keeps(f *analysis.Finding) bool {
	return (q.Team == "" || f.Team == q.Team) && (q.Rule == "" || f.Rule == q.Rule) &&
		(q.Severity == "" || f.Severity == q.Severity) && (q.Kind == "" || f.Kind == q.Kind)
}

// findingRow is a finding with the issue it is about.
type findingRow struct {
	*analysis.Finding
	Title string
	URL   string // in the tracker; "" outside the synced scope
}

// maxRows keeps the table readable and fast: the filters narrow it.
const maxRows = 500

func (s *Site) findingsPage(v *view, f frame, r *http.Request) (any, error) {
	q := r.URL.Query()
	p := &findingsPage{frame: f, Total: len(v.r.Findings),
		Filter:     findingFilter{Team: q.Get("team"), Rule: q.Get("rule"), Severity: q.Get("severity"), Kind: q.Get("kind")},
		Rules:      slices.Concat(analysis.StalledRules, analysis.MisalignedRules),
		Severities: []string{analysis.SeverityCritical, analysis.SeverityWarning, analysis.SeverityInfo},
		Kinds:      []string{analysis.KindStalled, analysis.KindMisaligned},
		Exempt:     len(v.r.Exempt),
	}
	for i := range v.r.Findings {
		fd := &v.r.Findings[i]
		if !p.Filter.keeps(fd) {
			continue
		}
		p.Matched++
		if len(p.Rows) < maxRows {
			p.Rows = append(p.Rows, rowOf(v, fd))
		}
	}
	for i := range v.r.Acknowledged {
		if fd := &v.r.Acknowledged[i]; p.Filter.keeps(fd) && len(p.Acked) < maxRows {
			p.Acked = append(p.Acked, rowOf(v, fd))
		}
	}
	return p, nil
}

func rowOf(v *view, f *analysis.Finding) findingRow {
	row := findingRow{Finding: f}
	if is := v.issue(f.Issue); is != nil {
		row.Title, row.URL = is.Title, is.URL
	}
	return row
}
