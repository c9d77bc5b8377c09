// Package rollup writes the weekly email a good technical program manager
// would: what moved, what is stuck, who waits on whom, and the next steps. It
// composes a Digest from the latest analysis snapshot, renders it as text and
// HTML, sends it over SMTP, and remembers in a Ledger what was sent for each
// (group, ISO week) so that a restart never sends twice.
package rollup

import "time"

// Window is how far back "this week" reaches from the snapshot's time: the
// seven days before it, so a rollup sent on Monday morning covers last week's
// work rather than the few hours of the new ISO week.
const Window = 7 * 24 * time.Hour

// Digest is everything one rollup says, ready for the templates.
type Digest struct {
	Group string // ledger name
	Name  string // the team, or "org"
	Org   bool
	Week  Week
	Now   time.Time
	First bool // no stats from last week: numbers have no change

	Headline []Figure
	Stats    Stats // what is saved to the ledger once sent

	// Team rollups.
	Done       []Item
	Started    []Item
	Stalled    []StalledGroup
	WaitsOn    []Dependency // this team's open issues waiting on other teams
	WaitedOnBy []Dependency // other teams' open issues waiting on this team
	Blocked    []TeamCount  // this team's waiting issues by blocking team, most first

	// Lists are cut at maxListed; these count what was left out.
	DoneMore, StartedMore, WaitsOnMore, WaitedOnByMore int

	// Org-wide rollup.
	Teams []TeamRow
	Pairs []TeamPair

	NextSteps []Step

	// Acknowledged are the findings an ack keeps out of everything above
	// (counts and next steps included), so that they are not lost from sight.
	Acknowledged     []Acked
	AcknowledgedMore int
}

// Acked is an acknowledged finding: what, who agreed it, why and until when.
type Acked struct {
	Issue  Item
	Rule   string
	Reason string
	By     string
	Until  string // a date in the rollup's zone
}

// Item is an issue as a rollup shows it.
type Item struct {
	Key    string // short form: owner/repo#N or KEY-N
	Issue  string // the model key: github:owner/repo#N or jira:KEY-N
	Title  string
	URL    string
	Status string
	Owner  string // assignees, or "unassigned"
}

// StalledGroup is the stalled issues found by one rule, oldest first.
type StalledGroup struct {
	Rule  string
	Items []StalledItem
	More  int // left out after maxListed
}

// StalledItem is a stalled issue, how long it has been so, and why.
type StalledItem struct {
	Item
	Age     string
	Summary string
}

// Dependency is one open cross-team blocking edge and what is wrong with it.
type Dependency struct {
	Team     string // the other team
	Waiting  Item
	Blocker  Item
	Findings []Note
}

// Note is a misalignment finding on an edge.
type Note struct {
	Rule     string
	Severity string
	Summary  string
}

// TeamCount is a number of issues tied to another team.
type TeamCount struct {
	Team  string
	Count int
}

// TeamRow is one team's headline in the org-wide rollup.
type TeamRow struct {
	Name     string
	Figures  []Figure
	Critical int // critical findings on the team's issues
}

// TeamPair is how many open issues of one team wait on another.
type TeamPair struct {
	Waiting, On string
	Issues      int
	Misaligned  int
}

// Step is one next step, most urgent first.
type Step struct {
	Severity string
	Text     string
	Issue    Item
	Age      string
}
