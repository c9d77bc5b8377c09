package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/internal/golden"
)

// TestBadFiles loads each testdata/*.bad.yml and compares the whole error
// text with the file next to it, x.bad.yml.err.
func TestBadFiles(t *testing.T) {
	if v, ok := os.LookupEnv("BATON_TEST_NEVER_SET"); ok {
		t.Fatalf("BATON_TEST_NEVER_SET is set (%q); env.bad.yml needs it unset", v)
	}
	eachFile(t, "testdata/*.bad.yml", func(t *testing.T, f string) {
		cfg, err := Load(f)
		if err == nil {
			t.Fatalf("Load(%s) = %+v, want an error", f, cfg)
		}
		if cfg != nil {
			t.Errorf("Load(%s) returned a config with its error", f)
		}
		golden.Check(t, f+".err", []byte(err.Error()+"\n"))
	})
}

// eachFile runs test on every file matching pattern, each as a subtest named
// after the file; a pattern matching no file fails.
func eachFile(t *testing.T, pattern string, test func(t *testing.T, file string)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files %s: %v", pattern, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { test(t, f) })
	}
}

// codeConfig is a valid Config built in code rather than read from a file.
// The github source's own keys are decoded into the registered type, which
// this package cannot name.
func codeConfig(t *testing.T) *Config {
	t.Helper()
	gh := newSourceConfig("github")
	if err := yaml.Unmarshal([]byte("{repos: [acme/core], cache_bytes: 1048576}"), gh); err != nil {
		t.Fatal(err)
	}
	return &Config{
		Storage:  Storage{Path: "baton.db"},
		Listen:   "127.0.0.1:9464",
		Timezone: "Asia/Tokyo",
		Sources: []Source{{Name: "gh", Type: "github", URL: "https://api.github.com/", Token: "t",
			Settings: gh, Interval: Duration(time.Minute), Parallel: 1, ReconcileInterval: Duration(time.Hour),
			RoundTimeout: Duration(time.Minute), MaxResponseBytes: MinBytes}},
		Rules:  defaultRules,
		Rollup: Rollup{Schedule: "@weekly", SMTP: SMTP{TLS: "none", Port: 25, Timeout: Duration(time.Second)}},
	}
}

func TestValidateConfigBuiltInCode(t *testing.T) {
	c := codeConfig(t)
	if got := c.Location(); got != time.UTC {
		t.Errorf("Location() before Validate = %v, want UTC", got)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got := c.Location().String(); got != "Asia/Tokyo" {
		t.Errorf("Location() = %s, want Asia/Tokyo", got)
	}
}

func TestValidateWithoutFileHasNoPosition(t *testing.T) {
	c := codeConfig(t)
	c.Storage.Path = ""
	c.Sources[0].Parallel = 0
	want := "storage.path is required\nsources[0].parallel must be between 1 and 16, got 0"
	if got := errText(c.Validate()); got != want {
		t.Errorf("Validate() = %q, want %q", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yml")
	if got := errText(err); !strings.HasPrefix(got, "reading config: ") || !strings.Contains(got, "testdata/does-not-exist.yml") {
		t.Errorf("Load(missing) error = %q, want it to say reading config and name the file", got)
	}
}

func TestErrorsNeverQuoteSecrets(t *testing.T) {
	_, err := Parse("s.yml", []byte(`
sources:
  - {name: gh, type: github, token: "sekrit-${", repos: [acme/core]}
  - {name: gh2, type: github, token: "${sekrit value}", repos: [acme/core]}
`))
	if got := errText(err); strings.Contains(got, "sekrit") || !strings.Contains(got, "s.yml:3: sources[0].token") {
		t.Errorf("error = %q, want the position of the token but not its text", got)
	}
}

func TestSlackWebhookProblemsNeverShowTheURL(t *testing.T) {
	_, err := Load("testdata/slack.bad.yml")
	if err == nil {
		t.Fatal("Load(slack.bad.yml) succeeded, want errors")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("errors show a webhook URL:\n%v", err)
	}
	if n := strings.Count(err.Error(), "slack_webhook"); n < 6 {
		t.Errorf("errors name slack_webhook %d times, want every bad one (6+):\n%v", n, err)
	}
}
