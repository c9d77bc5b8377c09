package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const (
	inlineToken  = "ghp_INLINE_SECRET_0123456789"
	fileToken    = "jira_FILE_SECRET_9876543210"
	smtpPassword = "smtp_INLINE_SECRET_abcdef"
)

// secretConfig loads a config holding a secret inline, one from a file and
// one from the environment.
func secretConfig(t *testing.T) *Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jira.token"), []byte(fileToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BATON_TEST_SMTP_PASSWORD", smtpPassword)
	key, err := os.ReadFile("testdata/secrets/github_app.pem")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.pem"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	yml := `
sources:
  - {name: gh, type: github, token: ` + inlineToken + `, repos: [acme/core]}
  - {name: jira, type: jira, url: https://jira.acme.com, deployment: server, token_file: jira.token, jql: x}
  - {name: app, type: github, app_id: 12, installation_id: 34, private_key_file: app.pem, repos: [acme/core]}
rollup:
  to: [tpm@acme.com]
  smtp: {host: mail, from: baton@acme.com, password: "${BATON_TEST_SMTP_PASSWORD}"}
`
	cfg, err := Parse(filepath.Join(dir, "baton.yaml"), []byte(yml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if privateKey(cfg.Sources[2]).Reveal() != string(key) {
		t.Fatalf("private key not loaded from app.pem: %d bytes", len(privateKey(cfg.Sources[2]).Reveal()))
	}
	if cfg.Sources[0].Token.Reveal() != inlineToken || cfg.Sources[1].Token.Reveal() != fileToken ||
		cfg.Rollup.SMTP.Password.Reveal() != smtpPassword {
		t.Fatalf("secrets not loaded: %q %q %q", cfg.Sources[0].Token.Reveal(), cfg.Sources[1].Token.Reveal(), cfg.Rollup.SMTP.Password.Reveal())
	}
	return cfg
}

// privateKey returns the PrivateKey of a github source's settings, which this
// package cannot name.
func privateKey(s Source) Secret {
	return reflect.ValueOf(s.Settings).Elem().FieldByName("PrivateKey").Interface().(Secret)
}

// keyLine is a line from the body of testdata/secrets/github_app.pem.
const keyLine = "ApiQ/0z4XhHMMY+3BSS27FQb6xpU9g"

func assertNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{inlineToken, fileToken, smtpPassword, "PRIVATE KEY", keyLine} {
		if strings.Contains(out, s) {
			t.Errorf("%s contains secret %q:\n%s", what, s, out)
		}
	}
	if !strings.Contains(out, "<secret>") && !strings.Contains(out, `\u003csecret\u003e`) {
		t.Errorf("%s does not show <secret>:\n%s", what, out)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	cfg := secretConfig(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		assertNoSecret(t, "Sprintf("+verb+", cfg)", fmt.Sprintf(verb, cfg))
		assertNoSecret(t, "Sprintf("+verb+", *cfg)", fmt.Sprintf(verb, *cfg))
		assertNoSecret(t, "Sprintf("+verb+", token)", fmt.Sprintf(verb, cfg.Sources[0].Token))
	}
}

func TestSecretsNeverMarshalled(t *testing.T) {
	cfg := secretConfig(t)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "yaml.Marshal", string(y))
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "json.Marshal", string(j))
	d, err := cfg.Dump()
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "Dump", string(d))
}

func TestSecretsNeverLogged(t *testing.T) {
	cfg := secretConfig(t)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("loaded", "token", cfg.Sources[0].Token, "smtp", cfg.Rollup.SMTP, "config", cfg)
		assertNoSecret(t, name+" log", buf.String())
	}
}

func TestDumpRoundTripsTheEffectiveConfig(t *testing.T) {
	cfg := secretConfig(t)
	d, err := cfg.Dump()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"listen: 127.0.0.1:9464", "interval: 5m0s", "idle_after: 7d", "token_file: jira.token", "port: 587",
		"app_id: 12", "installation_id: 34", "private_key_file: app.pem"} {
		if !strings.Contains(string(d), want) {
			t.Errorf("Dump lacks %q:\n%s", want, d)
		}
	}
	back, err := Parse(filepath.Join(filepath.Dir(cfg.origin.file), "dump.yml"), d)
	if err != nil {
		t.Fatalf("Dump output does not parse back: %v", err)
	}
	if back.Sources[0].Token.Reveal() != "<secret>" || back.Sources[1].Token.Reveal() != fileToken {
		t.Errorf("tokens parsed back from Dump = %q, %q; want the placeholder <secret> and the file's token again",
			back.Sources[0].Token.Reveal(), back.Sources[1].Token.Reveal())
	}
	if privateKey(back.Sources[2]) != privateKey(cfg.Sources[2]) {
		t.Errorf("private key parsed back from Dump differs from the one read from app.pem")
	}
	if cfg.Sources[1].Token.Reveal() != fileToken {
		t.Errorf("Dump changed the config it dumped")
	}
}
