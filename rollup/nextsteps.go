package rollup

import (
	"cmp"
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
	var fs []int // indexes into the findings: a stable order at no extra cost
	for i := range c.r.Findings {
		if f := &c.r.Findings[i]; keep(f) && strings.TrimSpace(f.NextStep) != "" {
			fs = append(fs, i)
		}
	}
	slices.SortFunc(fs, func(i, j int) int {
		a, b := &c.r.Findings[i], &c.r.Findings[j]
		return cmp.Or(cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)), compareSince(a.Since, b.Since), cmp.Compare(i, j))
	})
	var steps []Step
	seen := map[string]bool{}
	for _, i := range fs {
		f := &c.r.Findings[i]
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
