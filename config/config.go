// Package config loads baton's YAML configuration: strict decoding (unknown keys
// are errors naming file:line), ${ENV} expansion, *_file variants for secrets,
// defaults, and Validate, which makes no network calls. It is the only package
// that reads the environment or files for configuration.
package config

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/model"
)

// Config is the whole configuration file. Load and Parse fill in a default
// (named in each field's comment) for every key the file leaves out, leaves
// null, or sets to an empty string; Validate checks the result.
type Config struct {
	Storage  Storage  `yaml:"storage"`
	Listen   string   `yaml:"listen"`   // default 127.0.0.1:9464
	Timezone string   `yaml:"timezone"` // IANA name, default UTC; for schedules and "this week"
	Sources  []Source `yaml:"sources"`
	Teams    []Team   `yaml:"teams"`
	Status   Status   `yaml:"status"`
	Priority Priority `yaml:"priority"`
	Rules    Rules    `yaml:"rules"`
	Rollup   Rollup   `yaml:"rollup"`
	Web      Web      `yaml:"web"`
	Webhooks Webhooks `yaml:"webhooks,omitempty"`

	origin   *origin        // where each key was written; nil for a Config built in code
	loc      *time.Location // Timezone, loaded by Validate
	warnings []string       // see Warnings
}

// Storage says where baton keeps its data.
type Storage struct {
	Path string `yaml:"path"` // SQLite file, default baton.db
}

// Source is one connection to an issue tracker: the keys every type has.
// A type's own keys (repos for github, jql for jira, ...) sit beside them in
// the file and are decoded into Settings by the connector registered for the
// type (see RegisterSourceType).
type Source struct {
	Name      string   `yaml:"name"`
	Type      string   `yaml:"type"` // a registered type: github | jira
	URL       string   `yaml:"url"`  // API base; the type may give a default
	Token     Secret   `yaml:"token"`
	TokenFile string   `yaml:"token_file"`
	Interval  Duration `yaml:"interval"` // default 5m

	// WebhookSecret verifies the webhooks this source's tracker delivers
	// (see Webhooks): the HMAC key of GitHub's X-Hub-Signature-256 and
	// Jira's X-Hub-Signature, or a Jira Data Center webhook's ?token=.
	WebhookSecret     Secret `yaml:"webhook_secret,omitempty"`
	WebhookSecretFile string `yaml:"webhook_secret_file,omitempty"`

	// Tuning; defaults are right for most installations.
	Parallel          int           `yaml:"parallel"`           // requests in flight on this credential, default 4
	Overlap           Duration      `yaml:"overlap"`            // re-read window behind the cursor, default 2m
	ReconcileInterval Duration      `yaml:"reconcile_interval"` // full key listing to find deletions, default 24h
	DeletionGuard     DeletionGuard `yaml:"deletion_guard"`     // mass deletions wait for a second reconcile
	RoundTimeout      Duration      `yaml:"round_timeout"`      // one sync round, its retries included, default 30m
	MaxResponseBytes  int64         `yaml:"max_response_bytes"` // largest API response body read, default 32 MiB

	// Settings are the type's own keys: a *github.Config or a *jira.Config.
	Settings SourceConfig `yaml:"-"`
}

// Webhooks configures the listener for GitHub's and Jira's webhooks, off
// while Listen is empty. It serves POST /hooks/github/{source} and
// /hooks/jira/{source} only, apart from the metrics listener, so that it can
// face the trackers while /metrics stays on loopback.
type Webhooks struct {
	Listen string `yaml:"listen,omitempty"` // host:port, e.g. 0.0.0.0:9465; default off
}

// DeletionGuard says which deletions a reconcile withholds until the next
// reconcile agrees: more than Percent of the issues its listing covers and
// more than Issues of them, or all of them.
type DeletionGuard struct {
	Percent int `yaml:"percent"` // 0-100, default 20
	Issues  int `yaml:"issues"`  // default 50
}

// Team is a team, the selectors that claim issues for it, where its weekly
// rollup goes, and rule thresholds that differ from the global ones.
type Team struct {
	model.Team       `yaml:",inline"`
	Email            []string `yaml:"email"`
	SlackWebhook     Secret   `yaml:"slack_webhook"` // Slack incoming-webhook URL of the team's channel
	SlackWebhookFile string   `yaml:"slack_webhook_file"`
	// Rules are the effective thresholds for this team: after Load, the global
	// rules with this team's overrides applied.
	Rules Rules `yaml:"rules"`
}

// Status says how raw states map onto model statuses.
type Status struct {
	GitHub GitHubStatus `yaml:"github"`
	Jira   JiraStatus   `yaml:"jira"`
}

// GitHubStatus maps labels of open GitHub issues, or the column of a
// Projects board, to statuses, and close reasons of closed ones to
// resolutions.
type GitHubStatus struct {
	InProgressLabels []string `yaml:"in_progress_labels"` // default [in progress, doing]
	BlockedLabels    []string `yaml:"blocked_labels"`     // default [blocked]
	// DroppedReasons are the state_reason values meaning "dropped" rather than
	// "completed", like Jira's dropped_resolutions. Default [not_planned, duplicate].
	DroppedReasons []string `yaml:"dropped_reasons"`
	// Projects are boards whose single-select field gives the status of the
	// issues on them, the first listed winning; labels stay the fallback
	// for issues on none.
	Projects []GitHubProject `yaml:"projects,omitempty"`
}

// GitHubCloseReasons are the state_reason values GitHub gives a closed issue.
var GitHubCloseReasons = []string{"completed", "not_planned", "duplicate"}

// GitHubProject is a Projects (v2) board read for status: the option names
// of its field (matched ignoring case) that mean in progress, blocked and
// done; any other option, or none, is todo, and closed is always done.
type GitHubProject struct {
	Owner      string   `yaml:"owner"`  // an organisation or a user
	Number     int      `yaml:"number"` // as in github.com/orgs/{owner}/projects/{number}
	Field      string   `yaml:"field"`  // default Status
	InProgress []string `yaml:"in_progress"`
	Blocked    []string `yaml:"blocked"`
	Done       []string `yaml:"done"`
}

// String names the board as owner/number.
func (p GitHubProject) String() string { return fmt.Sprintf("%s/%d", p.Owner, p.Number) }

// JiraStatus maps Jira statuses, resolutions and link types.
type JiraStatus struct {
	BlockedStatuses    []string `yaml:"blocked_statuses"`    // default [Blocked]
	DroppedResolutions []string `yaml:"dropped_resolutions"` // default [Won't Do, Won't Fix, Duplicate, Cannot Reproduce, Declined, Obsolete]
	BlockingLinkTypes  []string `yaml:"blocking_link_types"` // link type names meaning "blocks", default [Blocks]
}

// Priority maps raw priorities to 1 (highest) … 5 (lowest).
type Priority struct {
	GitHubLabels map[string]int `yaml:"github_labels"` // default {P0: 1, P1: 1, P2: 2, P3: 3, P4: 4}
	JiraNames    map[string]int `yaml:"jira_names"`    // default {Highest: 1, Blocker: 1, Critical: 1, High: 2, Major: 2, Medium: 3, Low: 4, Minor: 4, Lowest: 5, Trivial: 5}
}

// Rules are the analysis thresholds.
type Rules struct {
	IdleAfter       Duration `yaml:"idle_after"`       // default 7d
	ChurnWindow     Duration `yaml:"churn_window"`     // default 14d
	ChurnEvents     int      `yaml:"churn_events"`     // default 5
	PriorityGap     int      `yaml:"priority_gap"`     // default 2
	ScheduleHorizon Duration `yaml:"schedule_horizon"` // default 30d
	DriftAfter      Duration `yaml:"drift_after"`      // default 2d
	// ExemptLabels mark issues that get no finding of their own (matched
	// without regard to case, on either tracker); default [baton:ignore].
	ExemptLabels []string `yaml:"exempt_labels"`
}

// Rollup configures the weekly rollups, by email and in Slack.
type Rollup struct {
	Schedule         string   `yaml:"schedule"`      // cron, in Config.Timezone; default "0 9 * * MON"
	To               []string `yaml:"to"`            // recipients of the org-wide rollup
	SlackWebhook     Secret   `yaml:"slack_webhook"` // Slack incoming-webhook URL for the org-wide rollup
	SlackWebhookFile string   `yaml:"slack_webhook_file"`
	SMTP             SMTP     `yaml:"smtp"`
}

// Web configures the dashboard served on Listen.
type Web struct {
	Enabled bool `yaml:"enabled"` // default true
	// ExternalURL is where people reach the dashboard (behind a proxy, say),
	// for links from the rollups; "" for none.
	ExternalURL string `yaml:"external_url"`
}

// SMTP is the mail server rollups are sent through.
type SMTP struct {
	Host         string   `yaml:"host"`
	Port         int      `yaml:"port"` // default 25 (none), 587 (starttls), 465 (tls)
	Username     string   `yaml:"username"`
	Password     Secret   `yaml:"password"`
	PasswordFile string   `yaml:"password_file"`
	From         string   `yaml:"from"`
	TLS          string   `yaml:"tls"`     // none | starttls | tls; default starttls
	Timeout      Duration `yaml:"timeout"` // default 30s
}
