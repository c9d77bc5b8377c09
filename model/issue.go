// Package model holds baton's unified, system-independent view of work items and
// the dependencies between them. It does no I/O.
package model

import "time"

// System is the tracker an issue lives in.
type System string

// The systems baton reads.
const (
	GitHub System = "github"
	Jira   System = "jira"
)

// Status is the normalised workflow state of an issue.
type Status string

// The normalised statuses.
const (
	StatusTodo       Status = "todo"
	StatusInProgress Status = "in_progress"
	StatusBlocked    Status = "blocked"
	StatusDone       Status = "done"
)

// Open reports whether work on an issue in this status is not finished.
func (s Status) Open() bool { return s != StatusDone }

// Resolution says how a done issue ended.
type Resolution string

// The normalised resolutions. Dropped covers "not planned", "Won't Do",
// "Duplicate", "Cannot Reproduce" and the like.
const (
	ResolutionNone      Resolution = ""
	ResolutionCompleted Resolution = "completed"
	ResolutionDropped   Resolution = "dropped"
)

// Iteration is a sprint (Jira) or milestone (GitHub). Zero times mean unknown.
type Iteration struct {
	Name  string    `json:"name"`
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	State string    `json:"state,omitempty"` // active | closed | future (Jira); open | closed (GitHub)
}

// Issue is one work item, normalised, with the original values kept next to the
// normalised ones so a mapping mistake is visible.
type Issue struct {
	Key    string `json:"key"`    // github:owner/repo#N or jira:KEY-N
	Source string `json:"source"` // configured source name
	System System `json:"system"`
	URL    string `json:"url"`
	Title  string `json:"title"`
	Body   string `json:"body,omitempty"` // text used for reference parsing
	Team   string `json:"team,omitempty"`

	Status        Status     `json:"status"`
	RawStatus     string     `json:"raw_status"`
	Resolution    Resolution `json:"resolution,omitempty"`
	RawResolution string     `json:"raw_resolution,omitempty"`

	Assignees   []string `json:"assignees,omitempty"`
	Priority    int      `json:"priority"` // 1 highest … 5 lowest, 0 none
	RawPriority string   `json:"raw_priority,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Components  []string `json:"components,omitempty"` // Jira components

	Created       time.Time  `json:"created"`
	Updated       time.Time  `json:"updated"`
	StatusChanged time.Time  `json:"status_changed,omitzero"` // last status transition
	Closed        time.Time  `json:"closed,omitzero"`
	Due           time.Time  `json:"due,omitzero"` // a date: midnight UTC of the due day
	Iteration     *Iteration `json:"iteration,omitempty"`

	// ActivityEvents are times of comments and field edits that were not
	// status changes: enough to see "motion without movement".
	ActivityEvents []time.Time `json:"activity_events,omitempty"`
	// Mirrors are keys of the same work item in the other system.
	Mirrors []string `json:"mirrors,omitempty"`
	// Links are the links this issue declares (Jira issue links on it, its GitHub
	// dependencies and sub-issues, text references in its body). Re-syncing an
	// issue replaces every link it declared before.
	Links []Link `json:"links,omitempty"`
}

// Open reports whether the issue is not done.
func (i *Issue) Open() bool { return i.Status.Open() }
