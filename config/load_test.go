package config_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/jira"
	"github.com/batonhq/baton/model"
)

const day = 24 * time.Hour

func mustLoad(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return cfg
}

func diffConfig(t *testing.T, want, got *config.Config) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(config.Config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestGoodFilesLoad(t *testing.T) {
	files, err := filepath.Glob("testdata/*.good.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { mustLoad(t, f) })
	}
}

func TestEveryDefault(t *testing.T) {
	rules := config.Rules{IdleAfter: config.Duration(7 * day), ChurnWindow: config.Duration(14 * day), ChurnEvents: 5,
		PriorityGap: 2, ScheduleHorizon: config.Duration(30 * day), DriftAfter: config.Duration(2 * day), ExemptLabels: []string{"baton:ignore"}}
	tuning := func(s config.Source) config.Source {
		s.Interval, s.Parallel = config.Duration(5*time.Minute), 4
		s.Overlap, s.ReconcileInterval = config.Duration(2*time.Minute), config.Duration(day)
		s.DeletionGuard = config.DeletionGuard{Percent: 20, Issues: 50}
		s.RoundTimeout, s.MaxResponseBytes = config.Duration(30*time.Minute), 32<<20
		return s
	}
	want := &config.Config{
		Storage:  config.Storage{Path: "baton.db"},
		Listen:   "127.0.0.1:9464",
		Timezone: "UTC",
		Sources: []config.Source{
			tuning(config.Source{Name: "gh", Type: "github", URL: "https://api.github.com/", Token: "t0ken", Settings: &github.Config{Repos: []string{"acme/core"}, CacheBytes: 32 << 20, QuotaReserve: "20%"}}),
			tuning(config.Source{Name: "jira", Type: "jira", URL: "https://acme.atlassian.net",
				Token: "jira-t0ken", Settings: &jira.Config{Deployment: "cloud", Email: "bot@acme.com", JQL: "project = PAY"}}),
		},
		Teams: []config.Team{{Team: model.Team{Name: "payments", Labels: []string{"team:payments"}}, Rules: rules}},
		Status: config.Status{
			GitHub: config.GitHubStatus{InProgressLabels: []string{"in progress", "doing"}, BlockedLabels: []string{"blocked"}, DroppedReasons: []string{"not_planned", "duplicate"}},
			Jira: config.JiraStatus{BlockedStatuses: []string{"Blocked"},
				DroppedResolutions: []string{"Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined", "Obsolete"},
				BlockingLinkTypes:  []string{"Blocks"}},
		},
		Priority: config.Priority{
			GitHubLabels: map[string]int{"P0": 1, "P1": 1, "P2": 2, "P3": 3, "P4": 4},
			JiraNames: map[string]int{"Highest": 1, "Blocker": 1, "Critical": 1, "High": 2, "Major": 2,
				"Medium": 3, "Low": 4, "Minor": 4, "Lowest": 5, "Trivial": 5},
		},
		Rules:  rules,
		Rollup: config.Rollup{Schedule: "0 9 * * MON", SMTP: config.SMTP{Port: 587, TLS: "starttls", Timeout: config.Duration(30 * time.Second)}},
		Web:    config.Web{Enabled: true},
	}
	cfg := mustLoad(t, "testdata/minimal.good.yml")
	diffConfig(t, want, cfg)
	if cfg.Location() != time.UTC {
		t.Errorf("Location() = %v, want UTC", cfg.Location())
	}
}

func TestEveryKey(t *testing.T) {
	global := config.Rules{IdleAfter: config.Duration(10 * day), ChurnWindow: config.Duration(21 * day), ChurnEvents: 8,
		PriorityGap: 3, ScheduleHorizon: config.Duration(45 * day), DriftAfter: config.Duration(12 * time.Hour),
		ExemptLabels: []string{"baton:ignore", "wontfix"}}
	want := &config.Config{
		Storage:  config.Storage{Path: "/var/lib/baton/data.db"},
		Listen:   "0.0.0.0:9000",
		Timezone: "America/New_York",
		Sources: []config.Source{
			{Name: "ghe", Type: "github", URL: "https://ghe.acme.com/api/v3/", Token: "ghe-token",
				Settings: &github.Config{Repos: []string{"acme/payments-api", "acme/*"}, CacheBytes: 4 << 20, QuotaReserve: "500"}, Interval: config.Duration(time.Minute), Parallel: 8,
				Overlap: 0, ReconcileInterval: config.Duration(6 * time.Hour), DeletionGuard: config.DeletionGuard{Percent: 0, Issues: 10},
				RoundTimeout: config.Duration(10 * time.Minute), MaxResponseBytes: 8 << 20},
			{Name: "jira_dc", Type: "jira", URL: "https://jira.acme.internal:8443",
				Token: "jira-dc-pat", TokenFile: "secrets/jira_token", Settings: &jira.Config{Deployment: "server", Username: "svc-baton", JQL: "project = OPS"},
				Interval: config.Duration(10 * time.Second), Parallel: 16, Overlap: config.Duration(10 * time.Minute), ReconcileInterval: config.Duration(day),
				DeletionGuard: config.DeletionGuard{Percent: 20, Issues: 50}, RoundTimeout: config.Duration(30 * time.Minute), MaxResponseBytes: 32 << 20},
		},
		Teams: []config.Team{{
			Team: model.Team{Name: "payments", GitHubRepos: []string{"acme/payments-api"}, JiraProjects: []string{"PAY", "PAY_2"},
				JiraComponents: []string{"Billing"}, Labels: []string{"team:payments"}},
			Email:        []string{"pay-leads@acme.com", "Pay Oncall <pay-oncall@acme.com>"},
			SlackWebhook: "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX", SlackWebhookFile: "secrets/slack_webhook",
			Rules: config.Rules{IdleAfter: config.Duration(3 * day), ChurnWindow: config.Duration(7 * day), ChurnEvents: 3,
				PriorityGap: 1, ScheduleHorizon: config.Duration(60 * day), DriftAfter: config.Duration(day), ExemptLabels: []string{"Pay:Later"}},
		}},
		Status: config.Status{
			GitHub: config.GitHubStatus{InProgressLabels: []string{"wip"}, BlockedLabels: []string{"stuck", "waiting"}, DroppedReasons: []string{"not_planned"},
				Projects: []config.GitHubProject{{Owner: "acme", Number: 7, Field: "Stage", InProgress: []string{"Doing"},
					Blocked: []string{"Stuck"}, Done: []string{"Shipped"}}}},
			Jira: config.JiraStatus{BlockedStatuses: []string{"Impeded"}, DroppedResolutions: []string{"Abandoned"}, BlockingLinkTypes: []string{"Blocks", "Depends"}},
		},
		Priority: config.Priority{GitHubLabels: map[string]int{"urgent": 1, "later": 5}, JiraNames: map[string]int{"Must": 1, "Could": 4}},
		Rules:    global,
		Rollup: config.Rollup{Schedule: "30 8 * * FRI", To: []string{"tpm@acme.com"},
			SlackWebhook: "https://hooks.slack.com/services/T000/B000/ORGSECRET",
			SMTP: config.SMTP{Host: "mail.acme.com", Port: 2525,
				Username: "baton", Password: "smtp-pass", PasswordFile: "secrets/smtp_password", From: "baton@acme.com",
				TLS: "tls", Timeout: config.Duration(time.Minute)}},
		Web: config.Web{Enabled: false, ExternalURL: "https://baton.acme.com/dash/"},
	}
	cfg := mustLoad(t, "testdata/full.good.yml")
	diffConfig(t, want, cfg)
	if got := cfg.Location().String(); got != "America/New_York" {
		t.Errorf("Location() = %s, want America/New_York", got)
	}
}

func TestGitHubAppKeysLoad(t *testing.T) {
	key, err := os.ReadFile("testdata/secrets/github_app.pem")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, "testdata/github_app.good.yml")
	type app struct {
		AppID, InstallationID int64
		PrivateKeyFile        string
		KeyRead               bool
		Token                 config.Secret
	}
	var got []app
	for _, s := range cfg.Sources {
		gh := s.Settings.(*github.Config)
		got = append(got, app{gh.AppID, gh.InstallationID, gh.PrivateKeyFile, gh.PrivateKey.Reveal() == string(key), s.Token})
	}
	want := []app{
		{123456, 7890123, "secrets/github_app.pem", true, ""},
		{42, 9007199254740993, "secrets/github_app.pem", true, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("app sources (-want +got):\n%s", diff)
	}
}
