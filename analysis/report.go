package analysis

import (
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// Input is everything one analysis looks at.
type Input struct {
	Issues []model.Issue // open issues, recently closed ones, and the ends of their links
	Teams  []config.Team // in configured order; each with its effective Rules
	Rules  config.Rules  // for issues no team claims
	Acks   []model.Ack   // acknowledgements; expired ones are ignored
	Now    time.Time
	// Location is where a due day ends (the configured timezone); nil = UTC.
	Location *time.Location
}

// Report is the result of one analysis: the snapshot metrics export and
// rollups summarise.
type Report struct {
	Now    time.Time
	Teams  []string      // configured team names, in order
	Issues []model.Issue // the analysed issues, Team set, sorted by key
	Edges  []Edge        // blocking edges merged across origins and mirrors, sorted
	// Findings are what needs attention: most severe first, then by team,
	// rule, issue. Issues with an exempt label have none of their own.
	Findings []Finding
	// Acknowledged are the findings an ack applies to, in the same order:
	// kept out of Findings, so out of alerts, counts and next steps.
	Acknowledged []Finding `json:",omitempty"`
	// Exempt are the keys of the analysed issues with an exempt label of
	// their team (rules.exempt_labels), sorted: they have no findings of
	// their own.
	Exempt []string `json:",omitempty"`
	// NextChange is the earliest instant after Now at which a time-based
	// rule (idle, churning, overdue, unscheduled_blocker, status_drift, and
	// blocked_by_stalled through them) would add, remove or change the
	// severity of a finding with no issue changing, or an ack expires; zero
	// when none would. Summaries that count days ("idle for 12 days") change
	// more often.
	NextChange time.Time
}

// Edge is a blocking dependency: From blocks To (To's team waits on From's).
type Edge struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	FromTeam string         `json:"from_team"`
	ToTeam   string         `json:"to_team"`
	Origins  []model.Origin `json:"origins"`
	Open     bool           `json:"open"` // both ends not done (a placeholder end counts as open)
}

// CrossTeam reports whether the edge joins two different, known teams.
func (e *Edge) CrossTeam() bool {
	return e.FromTeam != "" && e.ToTeam != "" && e.FromTeam != e.ToTeam
}
