package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const day = 24 * time.Hour

// base is a valid configuration to which tests append keys.
const base = `
sources:
  - {name: gh, type: github, token: t, repos: [acme/core]}
teams:
  - name: payments
    labels: [pay]
  - name: core
    labels: [core]
`

func mustParse(t *testing.T, yml string) *Config {
	t.Helper()
	cfg, err := Parse("test.yml", []byte(yml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestSMTPPortDefaultsByTLS(t *testing.T) {
	for _, tc := range []struct {
		smtp string
		want int
	}{
		{"{tls: none}", 25},
		{"{tls: starttls}", 587},
		{"{tls: tls}", 465},
		{"{}", 587},
		{"{tls: tls, port: 2465}", 2465},
	} {
		cfg := mustParse(t, base+"rollup: {smtp: "+tc.smtp+"}\n")
		if got := cfg.Rollup.SMTP.Port; got != tc.want {
			t.Errorf("smtp %s: port %d, want %d", tc.smtp, got, tc.want)
		}
	}
}

func TestTeamRulesOverrideOnlyWhatTheyWrite(t *testing.T) {
	cfg := mustParse(t, `
sources:
  - {name: gh, type: github, token: t, repos: [acme/core]}
rules: {idle_after: 10d, churn_events: 9}
teams:
  - name: payments
    labels: [pay]
    rules: {idle_after: 3d, priority_gap: 1, exempt_labels: []}
  - name: core
    labels: [core]
`)
	global := Rules{IdleAfter: Duration(10 * day), ChurnWindow: Duration(14 * day), ChurnEvents: 9,
		PriorityGap: 2, ScheduleHorizon: Duration(30 * day), DriftAfter: Duration(2 * day), ExemptLabels: []string{"baton:ignore"}}
	pay := global
	pay.IdleAfter, pay.PriorityGap, pay.ExemptLabels = Duration(3*day), 1, []string{}
	for _, tc := range []struct {
		team string
		want Rules
	}{{"payments", pay}, {"core", global}, {"", global}, {"nobody", global}} {
		if diff := cmp.Diff(tc.want, cfg.RulesFor(tc.team)); diff != "" {
			t.Errorf("RulesFor(%q) (-want +got):\n%s", tc.team, diff)
		}
	}
	if diff := cmp.Diff(pay, cfg.Teams[0].Rules); diff != "" {
		t.Errorf("Teams[0].Rules (-want +got):\n%s", diff)
	}
}

func TestAbsentNullAndEmptyTakeDefaults(t *testing.T) {
	t.Setenv("BATON_TEST_EMPTY", "")
	cfg := mustParse(t, `
listen: ""
timezone: ${BATON_TEST_EMPTY}
sources:
  - name: gh
    type: github
    token: t
    repos: [acme/core]
    interval: ${BATON_TEST_EMPTY}
    parallel: ~
status:
  github: {in_progress_labels: null}
priority: {github_labels: }
rollup: {smtp: {port: "${BATON_TEST_UNSET:-}"}}
`)
	s := cfg.Sources[0]
	if cfg.Listen != "127.0.0.1:9464" || cfg.Timezone != "UTC" || s.Interval.D() != 5*time.Minute || s.Parallel != 4 ||
		len(cfg.Status.GitHub.InProgressLabels) != 2 || len(cfg.Priority.GitHubLabels) != 5 || cfg.Rollup.SMTP.Port != 587 {
		t.Errorf("defaults not applied: listen %q timezone %q interval %v parallel %d in_progress %q labels %v port %d",
			cfg.Listen, cfg.Timezone, s.Interval, s.Parallel, cfg.Status.GitHub.InProgressLabels, cfg.Priority.GitHubLabels, cfg.Rollup.SMTP.Port)
	}
}

func TestEmptyListsStayEmpty(t *testing.T) {
	cfg := mustParse(t, base+`
status:
  github: {in_progress_labels: [], blocked_labels: [], dropped_reasons: []}
  jira: {blocked_statuses: [], dropped_resolutions: [], blocking_link_types: []}
priority: {github_labels: {}, jira_names: {}}
`)
	st, pr := cfg.Status, cfg.Priority
	if n := len(st.GitHub.InProgressLabels) + len(st.GitHub.BlockedLabels) + len(st.GitHub.DroppedReasons) + len(st.Jira.BlockedStatuses) +
		len(st.Jira.DroppedResolutions) + len(st.Jira.BlockingLinkTypes) + len(pr.GitHubLabels) + len(pr.JiraNames); n != 0 {
		t.Errorf("[] and {} replaced by defaults: status %+v priority %+v", st, pr)
	}
}

func TestOverlapZeroIsKept(t *testing.T) {
	cfg := mustParse(t, `
sources:
  - {name: gh, type: github, token: t, repos: [acme/core], overlap: 0s}
`)
	if got := cfg.Sources[0].Overlap; got != 0 {
		t.Errorf("overlap = %v, want 0s as written", got)
	}
}

func TestEmptyFileFailsOnlyForMissingSources(t *testing.T) {
	_, err := Parse("empty.yml", nil)
	if got, want := errText(err), "empty.yml: sources must list at least one source"; got != want {
		t.Errorf("got error %q, want %q", got, want)
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestCheckTeamRefusesAnUnknownTeamNamingTheKnownOnes(t *testing.T) {
	cfg := mustParse(t, `
sources:
  - {name: gh, type: github, token: t, repos: [acme/core]}
teams:
  - {name: payments, labels: [pay]}
  - {name: core, labels: [core]}
`)
	for _, team := range []string{"", "payments", "core"} {
		if err := cfg.CheckTeam(team); err != nil {
			t.Errorf("CheckTeam(%q) = %v, want nil", team, err)
		}
	}
	err := cfg.CheckTeam("Payments")
	if want := `no team "Payments" in the configuration (teams: payments, core)`; err == nil || err.Error() != want {
		t.Errorf("CheckTeam(%q) = %v, want %q", "Payments", err, want)
	}
}
