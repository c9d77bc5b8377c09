// Package analysis builds the cross-team dependency graph and finds stalled work
// and cross-team misalignment. Everything here is a pure function of (issues,
// teams, rules, now): no I/O.
package analysis

import "time"

// Kinds of findings.
const (
	KindStalled    = "stalled"
	KindMisaligned = "misaligned"
)

// Severities, most urgent first.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

// Finding is one thing a technical program manager would act on. Its JSON
// form is the stable contract of `baton findings --json`.
type Finding struct {
	Kind         string    `json:"kind"`
	Rule         string    `json:"rule"`
	Issue        string    `json:"issue"` // key of the issue the finding is about
	Team         string    `json:"team"`  // that issue's team (for misalignment: the waiting team)
	Related      []string  `json:"related"`
	RelatedTeams []string  `json:"related_teams"`
	Severity     string    `json:"severity"`
	Since        time.Time `json:"since"` // when the condition began, as well as can be known
	Summary      string    `json:"summary"`
	NextStep     string    `json:"next_step"` // who should do what
	// Acknowledged is set on the findings an ack applies to (see
	// Report.Acknowledged); absent from the JSON otherwise.
	Acknowledged *Acknowledgement `json:"acknowledged,omitempty"`
}
