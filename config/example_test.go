package config_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/jira"
)

// setExampleEnv sets what example.yaml refers to and returns the path of the
// Jira Data Center token file.
func setExampleEnv(t testing.TB) string {
	t.Helper()
	dcFile := filepath.Join(t.TempDir(), "jira_dc_token")
	if err := os.WriteFile(dcFile, []byte("dc-pat-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := filepath.Abs("testdata/secrets/github_app.pem")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_APP_KEY_FILE", key)
	t.Setenv("GITHUB_TOKEN", "ghp_exampletoken")
	t.Setenv("JIRA_TOKEN", "jira-cloud-token")
	t.Setenv("JIRA_DC_TOKEN_FILE", dcFile)
	t.Setenv("SMTP_PASSWORD", "")
	return dcFile
}

func TestExampleLoads(t *testing.T) {
	dcFile := setExampleEnv(t)
	cfg, err := config.Load("example.yaml")
	if err != nil {
		t.Fatalf("Load(example.yaml): %v", err)
	}
	if got, want := len(cfg.Sources), 4; got != want {
		t.Fatalf("got %d sources, want %d", got, want)
	}
	gh, app, cloud, dc := cfg.Sources[0], cfg.Sources[1], cfg.Sources[2], cfg.Sources[3]
	ghc, appc := config.SettingsOf[github.Config](gh), config.SettingsOf[github.Config](app)
	cloudc, dcc := config.SettingsOf[jira.Config](cloud), config.SettingsOf[jira.Config](dc)
	if ghc != gh.Settings || dcc != dc.Settings {
		t.Error("SettingsOf does not return the source's own settings")
	}
	if other := config.SettingsOf[jira.Config](gh); *other != (jira.Config{}) {
		t.Errorf("jira settings of a github source = %+v, want none", *other)
	}
	if appc.AppID != 123456 || appc.InstallationID != 7890123 || appc.PrivateKey == "" || app.Token != "" {
		t.Errorf("github-app source: app %d, installation %d, key read %v, token %q; want 123456, 7890123, true, none",
			appc.AppID, appc.InstallationID, appc.PrivateKey != "", app.Token.Reveal())
	}
	if gh.Token.Reveal() != "ghp_exampletoken" || cloud.Token.Reveal() != "jira-cloud-token" {
		t.Errorf("tokens not expanded from the environment: %q, %q", gh.Token.Reveal(), cloud.Token.Reveal())
	}
	if got := dc.Token.Reveal(); got != "dc-pat-value" {
		t.Errorf("jira-dc token from %s = %q, want dc-pat-value", dcFile, got)
	}
	if diff := cmp.Diff([]string{"acme/payments-api", "acme/core", "acme-platform/*"}, ghc.Repos); diff != "" {
		t.Errorf("github repos (-want +got):\n%s", diff)
	}
	if dcc.Deployment != "server" || cloudc.Deployment != "cloud" || cloudc.Email != "bot@acme.com" {
		t.Errorf("jira deployments/email = %q, %q, %q", dcc.Deployment, cloudc.Deployment, cloudc.Email)
	}
	if got := cfg.RulesFor("payments").IdleAfter.D(); got != 5*24*time.Hour {
		t.Errorf("payments idle_after = %v, want 120h (team override)", got)
	}
	if diff := cmp.Diff(cfg.Rules, cfg.RulesFor("core")); diff != "" {
		t.Errorf("core rules differ from the global ones (-global +core):\n%s", diff)
	}
	if got := cfg.Location().String(); got != "Europe/Berlin" {
		t.Errorf("Location() = %s, want Europe/Berlin", got)
	}
	if cfg.Rollup.SMTP.Password != "" {
		t.Errorf("smtp password = %q, want empty from ${SMTP_PASSWORD:-}", cfg.Rollup.SMTP.Password.Reveal())
	}
}

func BenchmarkParseExample(b *testing.B) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	setExampleEnv(b)
	for b.Loop() {
		if _, err := config.Parse("example.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
