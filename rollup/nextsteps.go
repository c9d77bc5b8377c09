package rollup

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/analysis"
)

// severityRank orders severities most urgent first; unknown ones last.
func severityRank(s string) int {
	switch s {
	case analysis.SeverityCritical:
		return 0
	case analysis.SeverityWarning:
		return 1
	case analysis.SeverityInfo:
		return 2
	}
	return 3
}

// maxSteps keeps the next steps short enough to be read.
const maxSteps = 10

// nextSteps is the deduplicated next steps of the findings keep selects, by
// severity then age (oldest first), at most maxSteps.
func (c *composer) nextSteps(keep func(*analysis.Finding) bool) []Step {
	// The sort keys side by side, away from the findings: at 200,000 issues
	// the org rollup sorts 100,000 of them.
	type ranked struct {
		severity int
		since    int64 // Unix nanoseconds (years 1678 to 2262); unknown (zero) sorts last
		at       int   // in the report: the order of equals
	}
	fs := make([]ranked, 0, len(c.r.Findings))
	for i := range c.r.Findings {
		if f := &c.r.Findings[i]; keep(f) && strings.TrimSpace(f.NextStep) != "" {
			since := int64(math.MaxInt64)
			if !f.Since.IsZero() {
				since = f.Since.UnixNano()
			}
			fs = append(fs, ranked{severityRank(f.Severity), since, i})
		}
	}
	slices.SortFunc(fs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.severity, b.severity), cmp.Compare(a.since, b.since), cmp.Compare(a.at, b.at))
	})
	var steps []Step
	seen := map[string]bool{}
	for _, r := range fs {
		f := &c.r.Findings[r.at]
		text := strings.TrimSpace(f.NextStep)
		if seen[text] {
			continue
		}
		seen[text] = true
		steps = append(steps, Step{Severity: f.Severity, Text: text, Issue: c.item(f.Issue), Age: Age(c.r.Now, f.Since)})
		if len(steps) == maxSteps {
			break
		}
	}
	return steps
}

// compareSince orders older first, unknown (zero) times last.
func compareSince(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}
