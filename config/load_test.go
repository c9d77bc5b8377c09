package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/model"
)

const day = 24 * time.Hour

func mustLoad(t *testing.T, path string) *Config {
	t.Helper()
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return cfg
}

func diffConfig(t *testing.T, want, got *Config) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Config{})); diff != "" {
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
	rules := Rules{IdleAfter: Duration(7 * day), ChurnWindow: Duration(14 * day), ChurnEvents: 5,
		PriorityGap: 2, ScheduleHorizon: Duration(30 * day), DriftAfter: Duration(2 * day)}
	tuning := func(s Source) Source {
		s.Interval, s.Parallel = Duration(5*time.Minute), 4
		s.Overlap, s.ReconcileInterval = Duration(2*time.Minute), Duration(day)
		return s
	}
	want := &Config{
		Storage:  Storage{Path: "baton.db"},
		Listen:   "127.0.0.1:9464",
		Timezone: "UTC",
		Sources: []Source{
			tuning(Source{Name: "gh", Type: "github", URL: "https://api.github.com/", Token: "t0ken", Repos: []string{"acme/core"}}),
			tuning(Source{Name: "jira", Type: "jira", URL: "https://acme.atlassian.net", Deployment: "cloud",
				Email: "bot@acme.com", Token: "jira-t0ken", JQL: "project = PAY"}),
		},
		Teams: []Team{{Team: model.Team{Name: "payments", Labels: []string{"team:payments"}}, Rules: rules}},
		Status: Status{
			GitHub: GitHubStatus{InProgressLabels: []string{"in progress", "doing"}, BlockedLabels: []string{"blocked"}},
			Jira: JiraStatus{BlockedStatuses: []string{"Blocked"},
				DroppedResolutions: []string{"Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined", "Obsolete"},
				BlockingLinkTypes:  []string{"Blocks"}},
		},
		Priority: Priority{
			GitHubLabels: map[string]int{"P0": 1, "P1": 1, "P2": 2, "P3": 3, "P4": 4},
			JiraNames: map[string]int{"Highest": 1, "Blocker": 1, "Critical": 1, "High": 2, "Major": 2,
				"Medium": 3, "Low": 4, "Minor": 4, "Lowest": 5, "Trivial": 5},
		},
		Rules:  rules,
		Rollup: Rollup{Schedule: "0 9 * * MON", SMTP: SMTP{Port: 587, TLS: "starttls", Timeout: Duration(30 * time.Second)}},
		Web:    Web{Enabled: true},
	}
	cfg := mustLoad(t, "testdata/minimal.good.yml")
	diffConfig(t, want, cfg)
	if cfg.Location() != time.UTC {
		t.Errorf("Location() = %v, want UTC", cfg.Location())
	}
}

func TestEveryKey(t *testing.T) {
	global := Rules{IdleAfter: Duration(10 * day), ChurnWindow: Duration(21 * day), ChurnEvents: 8,
		PriorityGap: 3, ScheduleHorizon: Duration(45 * day), DriftAfter: Duration(12 * time.Hour)}
	want := &Config{
		Storage:  Storage{Path: "/var/lib/baton/data.db"},
		Listen:   "0.0.0.0:9000",
		Timezone: "America/New_York",
		Sources: []Source{
			{Name: "ghe", Type: "github", URL: "https://ghe.acme.com/api/v3/", Token: "ghe-token",
				Repos: []string{"acme/payments-api", "acme/*"}, Interval: Duration(time.Minute), Parallel: 8,
				Overlap: 0, ReconcileInterval: Duration(6 * time.Hour)},
			{Name: "jira_dc", Type: "jira", URL: "http://jira.acme.internal:8080", Deployment: "server",
				Token: "jira-dc-pat", TokenFile: "secrets/jira_token", JQL: "project = OPS",
				Interval: Duration(10 * time.Second), Parallel: 16, Overlap: Duration(10 * time.Minute), ReconcileInterval: Duration(day)},
		},
		Teams: []Team{{
			Team: model.Team{Name: "payments", GitHubRepos: []string{"acme/payments-api"}, JiraProjects: []string{"PAY", "PAY_2"},
				JiraComponents: []string{"Billing"}, Labels: []string{"team:payments"}},
			Email: []string{"pay-leads@acme.com", "Pay Oncall <pay-oncall@acme.com>"},
			Rules: Rules{IdleAfter: Duration(3 * day), ChurnWindow: Duration(7 * day), ChurnEvents: 3,
				PriorityGap: 1, ScheduleHorizon: Duration(60 * day), DriftAfter: Duration(day)},
		}},
		Status: Status{
			GitHub: GitHubStatus{InProgressLabels: []string{"wip"}, BlockedLabels: []string{"stuck", "waiting"}},
			Jira:   JiraStatus{BlockedStatuses: []string{"Impeded"}, DroppedResolutions: []string{"Abandoned"}, BlockingLinkTypes: []string{"Blocks", "Depends"}},
		},
		Priority: Priority{GitHubLabels: map[string]int{"urgent": 1, "later": 5}, JiraNames: map[string]int{"Must": 1, "Could": 4}},
		Rules:    global,
		Rollup: Rollup{Schedule: "30 8 * * FRI", To: []string{"tpm@acme.com"}, SMTP: SMTP{Host: "mail.acme.com", Port: 2525,
			Username: "baton", Password: "smtp-pass", PasswordFile: "secrets/smtp_password", From: "baton@acme.com",
			TLS: "tls", Timeout: Duration(time.Minute)}},
		Web: Web{Enabled: false},
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
		Token                 Secret
	}
	var got []app
	for _, s := range cfg.Sources {
		got = append(got, app{s.AppID, s.InstallationID, s.PrivateKeyFile, s.PrivateKey.Reveal() == string(key), s.Token})
	}
	want := []app{
		{123456, 7890123, "secrets/github_app.pem", true, ""},
		{42, 9007199254740993, "secrets/github_app.pem", true, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("app sources (-want +got):\n%s", diff)
	}
}

// TestPrivateKeyMustBeRSA loads private_key_file in both PEM encodings of an
// RSA key, and refuses an EC key and a PEM block that holds no key.
func TestPrivateKeyMustBeRSA(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		file string
		body []byte
		ok   bool
	}{
		{"pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), true},
		{"pkcs8.pem", pkcs8(rsaKey), true},
		{"ec.pem", pkcs8(ecKey), false},
		{"junk.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("not a key")}), false},
	} {
		if err := os.WriteFile(filepath.Join(dir, tt.file), tt.body, 0o600); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "baton.yaml")
		cfg, err := Parse(name, []byte(`sources:
  - name: gh
    type: github
    app_id: 1
    installation_id: 2
    private_key_file: `+tt.file+`
    repos: [acme/core]
`))
		want := "<nil>"
		if !tt.ok {
			want = name + ":6: sources[0].private_key_file: " + filepath.Join(dir, tt.file) + " is not a PEM RSA private key"
		}
		if got := errText(err); got != want {
			t.Errorf("%s: error = %q, want %q", tt.file, got, want)
		}
		if tt.ok && err == nil && cfg.Sources[0].PrivateKey.Reveal() != string(tt.body) {
			t.Errorf("%s: PrivateKey is not the file's content", tt.file)
		}
	}
}
