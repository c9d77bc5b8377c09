package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Defaults, as documented on the fields in config.go and in example.yaml.
const (
	defaultStoragePath       = "baton.db"
	defaultListen            = "127.0.0.1:9464"
	defaultTimezone          = "UTC"
	defaultInterval          = Duration(5 * time.Minute)
	defaultParallel          = 4
	defaultOverlap           = Duration(2 * time.Minute)
	defaultReconcileInterval = Duration(24 * time.Hour)
	defaultDeletionPercent   = 20
	defaultDeletionIssues    = 50
	defaultRoundTimeout      = Duration(30 * time.Minute)
	defaultMaxResponseBytes  = 32 << 20
	defaultRollupSchedule    = "0 9 * * MON"
	defaultSMTPTLS           = "starttls"
	defaultSMTPTimeout       = Duration(30 * time.Second)
)

// defaultRules are the analysis thresholds used where rules: leaves a key out.
var defaultRules = Rules{
	IdleAfter:       Duration(7 * 24 * time.Hour),
	ChurnWindow:     Duration(14 * 24 * time.Hour),
	ChurnEvents:     5,
	PriorityGap:     2,
	ScheduleHorizon: Duration(30 * 24 * time.Hour),
	DriftAfter:      Duration(2 * 24 * time.Hour),
	ExemptLabels:    []string{"baton:ignore"},
}

// smtpPorts is the default port for each smtp.tls mode.
var smtpPorts = map[string]int{"none": 25, "starttls": 587, "tls": 465}

// applyDefaults fills in what the file left out. A default replaces a key
// that is absent, null, or (for text) empty; a number written as 0 and a list
// written as [] are kept as written, so that Validate can reject the one and
// the other can mean "none". Lists and maps given in the file replace the
// default as a whole.
func (c *Config) applyDefaults() {
	orString(&c.Storage.Path, defaultStoragePath)
	orString(&c.Listen, defaultListen)
	orString(&c.Timezone, defaultTimezone)
	for i := range c.Sources {
		c.sourceDefaults(i)
	}
	orList(&c.Status.GitHub.InProgressLabels, "in progress", "doing")
	orList(&c.Status.GitHub.BlockedLabels, "blocked")
	orList(&c.Status.GitHub.DroppedReasons, "not_planned", "duplicate")
	for i := range c.Status.GitHub.Projects {
		orString(&c.Status.GitHub.Projects[i].Field, "Status")
	}
	orList(&c.Status.Jira.BlockedStatuses, "Blocked")
	orList(&c.Status.Jira.DroppedResolutions, "Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined", "Obsolete")
	orList(&c.Status.Jira.BlockingLinkTypes, "Blocks")
	if c.Priority.GitHubLabels == nil {
		c.Priority.GitHubLabels = map[string]int{"P0": 1, "P1": 1, "P2": 2, "P3": 3, "P4": 4}
	}
	if c.Priority.JiraNames == nil {
		c.Priority.JiraNames = map[string]int{"Highest": 1, "Blocker": 1, "Critical": 1, "High": 2, "Major": 2,
			"Medium": 3, "Low": 4, "Minor": 4, "Lowest": 5, "Trivial": 5}
	}
	c.fillRules(&c.Rules, defaultRules, "rules")
	for i := range c.Teams {
		c.fillRules(&c.Teams[i].Rules, c.Rules, fmt.Sprintf("teams[%d].rules", i))
	}
	if !c.given("web.enabled") {
		c.Web.Enabled = true
	}
	orString(&c.Rollup.Schedule, defaultRollupSchedule)
	s := &c.Rollup.SMTP
	orString(&s.TLS, defaultSMTPTLS)
	if port, ok := smtpPorts[s.TLS]; ok && s.Port == 0 && !c.given("rollup.smtp.port") {
		s.Port = port
	}
	if s.Timeout == 0 && !c.given("rollup.smtp.timeout") {
		s.Timeout = defaultSMTPTimeout
	}
}

func (c *Config) sourceDefaults(i int) {
	s := &c.Sources[i]
	at := func(key string) string { return fmt.Sprintf("sources[%d].%s", i, key) }
	if s.Settings == nil {
		s.Settings = newSourceConfig(s.Type)
	}
	if s.Settings != nil {
		s.Settings.Defaults(s, func(key string) bool { return c.given(at(key)) })
	}
	if s.Interval == 0 && !c.given(at("interval")) {
		s.Interval = defaultInterval
	}
	if s.Parallel == 0 && !c.given(at("parallel")) {
		s.Parallel = defaultParallel
	}
	if s.Overlap == 0 && !c.given(at("overlap")) {
		s.Overlap = defaultOverlap
	}
	if s.ReconcileInterval == 0 && !c.given(at("reconcile_interval")) {
		s.ReconcileInterval = defaultReconcileInterval
	}
	if s.DeletionGuard.Percent == 0 && !c.given(at("deletion_guard.percent")) {
		s.DeletionGuard.Percent = defaultDeletionPercent
	}
	if s.DeletionGuard.Issues == 0 && !c.given(at("deletion_guard.issues")) {
		s.DeletionGuard.Issues = defaultDeletionIssues
	}
	if s.RoundTimeout == 0 && !c.given(at("round_timeout")) {
		s.RoundTimeout = defaultRoundTimeout
	}
	if s.MaxResponseBytes == 0 && !c.given(at("max_response_bytes")) {
		s.MaxResponseBytes = defaultMaxResponseBytes
	}
}

// fillRules copies each field of from into the zero fields of dst that the
// file did not give under path. Team rules are filled from the global rules
// this way, so a team overrides exactly the keys it writes.
func (c *Config) fillRules(dst *Rules, from Rules, path string) {
	d, f := reflect.ValueOf(dst).Elem(), reflect.ValueOf(from)
	for i := range d.NumField() {
		key, _, _ := strings.Cut(d.Type().Field(i).Tag.Get("yaml"), ",")
		if d.Field(i).IsZero() && !c.given(path+"."+key) {
			d.Field(i).Set(f.Field(i))
		}
	}
}

func orString(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

func orList(l *[]string, def ...string) {
	if *l == nil {
		*l = def
	}
}
