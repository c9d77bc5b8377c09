package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestE2ESyncOnceFindsEveryPlantedCaseAndNoNearMiss syncs the demo organisation
// once and reads the findings back the way a user would, then renders rollups
// and checks the configuration commands on the same store.
func TestE2ESyncOnceFindsEveryPlantedCaseAndNoNearMiss(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	dir := t.TempDir()
	cfg := sim.writeConfig(t, dir, nil)

	stdout, stderr, code := runBaton(t, "--config", cfg, "sync", "--once")
	if code != 0 {
		t.Fatalf("sync --once exited %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "synced 2 sources (0 failed)") {
		t.Errorf("sync --once printed %q, want a summary of 2 sources and 0 failed", stdout)
	}

	all := findingsJSON(t, cfg)
	got := ruleIssues(all)
	if diff := cmp.Diff(sim.planted(false), got); diff != "" {
		t.Errorf("findings (-planted positives +found):\n%s", diff)
	}
	for _, miss := range sim.planted(true) {
		for _, g := range got {
			if g == miss {
				t.Errorf("near miss %q was reported", miss)
			}
		}
	}

	t.Run("filters", func(t *testing.T) {
		var mobile, dead []e2eFinding
		for _, f := range all {
			if f.Team == "mobile" {
				mobile = append(mobile, f)
				if f.Rule == "dead_dependency" {
					dead = append(dead, f)
				}
			}
		}
		want := ruleIssues(mobile)
		if diff := cmp.Diff(want, ruleIssues(findingsJSON(t, cfg, "--team", "mobile"))); diff != "" || len(want) == 0 {
			t.Errorf("--team mobile (-want +got), want non-empty:\n%s", diff)
		}
		want = ruleIssues(dead)
		if diff := cmp.Diff(want, ruleIssues(findingsJSON(t, cfg, "--team", "mobile", "--rule", "dead_dependency"))); diff != "" || len(want) == 0 {
			t.Errorf("--team mobile --rule dead_dependency (-want +got), want non-empty:\n%s", diff)
		}
		for _, bad := range [][]string{{"findings", "--rule", "bogus"}, {"findings", "--team", "nope"}, {"deps", "--team", "nope"}, {"deps", "--format", "svg"}} {
			_, stderr, code := runBaton(t, append([]string{"--config", cfg}, bad...)...)
			if code != 2 || !strings.Contains(stderr, bad[2]) {
				t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %q", bad, code, stderr, bad[2])
			}
		}
	})

	t.Run("deps", func(t *testing.T) {
		cycle := sim.plantedCase(t, "cycle", false, "native dependencies") // core and mobile block each other
		stdout, stderr, code := runBaton(t, "--config", cfg, "deps", "--team", "mobile", "--cross-team-only", "--format", "dot")
		if code != 0 {
			t.Fatalf("deps exited %d: %s", code, stderr)
		}
		for _, key := range append([]string{cycle.Issue}, cycle.Related...) {
			if !strings.Contains(stdout, key) {
				t.Errorf("deps --team mobile --format dot does not show %s of the planted cycle:\n%s", key, tail(stdout, 1500))
			}
		}
	})

	t.Run("rollup", func(t *testing.T) {
		blocked := sim.plantedCase(t, "dead_dependency", false, "not planned").Issue // github:acme/mobile-app#7
		short := strings.TrimPrefix(blocked, "github:")
		for _, ext := range []string{".html", ".txt", ".eml"} {
			out := filepath.Join(dir, "rollup"+ext)
			if _, stderr, code := runBaton(t, "--config", cfg, "rollup", "--out", out); code != 0 {
				t.Fatalf("rollup --out %s exited %d: %s", out, code, stderr)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, want := range []string{"payments", "core", "platform", "mobile", "misaligned"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s does not mention %q", out, want)
				}
			}
			if ext != ".eml" && !strings.Contains(text, short) { // quoted-printable may wrap keys in .eml
				t.Errorf("%s does not mention the planted issue %s", out, short)
			}
		}
		eml, _ := os.ReadFile(filepath.Join(dir, "rollup.eml"))
		for _, header := range []string{"Subject:", "MIME-Version: 1.0", "text/html", "text/plain"} {
			if !strings.Contains(string(eml), header) {
				t.Errorf("rollup.eml has no %q", header)
			}
		}
		team, stderr, code := runBaton(t, "--config", cfg, "rollup", "--team", "mobile")
		if code != 0 || !strings.Contains(team, short) || strings.Contains(team, "payments-api#") {
			t.Errorf("rollup --team mobile: exit %d, stderr %q; want exit 0 and only mobile's work, got:\n%s", code, stderr, tail(team, 800))
		}
		_, stderr, code = runBaton(t, "--config", cfg, "rollup", "--team", "nope")
		if code != 2 || !strings.Contains(stderr, `no team "nope"`) || !strings.Contains(stderr, "payments") {
			t.Errorf("rollup --team nope: exit %d, stderr %q; want exit 2 naming the team and the configured ones", code, stderr)
		}
		_, stderr, code = runBaton(t, "--config", cfg, "rollup", "--out", filepath.Join(dir, "x.pdf"))
		if code != 2 || !strings.Contains(stderr, "x.pdf") {
			t.Errorf("rollup --out x.pdf: exit %d, stderr %q; want exit 2 naming the file", code, stderr)
		}
		payload, stderr, code := runBaton(t, "--config", cfg, "rollup", "--team", "mobile", "--channel", "slack")
		var msg struct {
			Text   string            `json:"text"`
			Blocks []json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(payload), &msg); code != 0 || err != nil || len(msg.Blocks) < 5 ||
			!strings.Contains(payload, short) || !strings.Contains(msg.Text, "baton weekly: mobile") {
			t.Errorf("rollup --channel slack: exit %d, stderr %q, %v; want mobile's Slack payload naming %s, got:\n%s", code, stderr, err, short, tail(payload, 800))
		}
		for _, args := range [][]string{
			{"--channel", "sms"},
			{"--channel", "email", "--out", filepath.Join(dir, "x.json")},
			{"--channel", "slack", "--out", filepath.Join(dir, "x.txt")},
		} {
			if _, stderr, code := runBaton(t, append([]string{"--config", cfg, "rollup"}, args...)...); code != 2 || !strings.Contains(stderr, "--channel") {
				t.Errorf("rollup %v: exit %d, stderr %q; want exit 2 explaining --channel", args, code, stderr)
			}
		}
	})

	t.Run("config check", func(t *testing.T) {
		secrets := []string{"ghp_apisim", "apisim-jira-api-token"}
		for _, args := range [][]string{{"config", "check"}, {"config", "check", "--show"}} {
			stdout, stderr, code := runBaton(t, append([]string{"--config", cfg}, args...)...)
			if code != 0 {
				t.Errorf("%v on the generated config exited %d: %s", args, code, stderr)
			}
			for _, s := range secrets {
				if strings.Contains(stdout+stderr, s) {
					t.Errorf("%v printed the secret %s", args, s)
				}
			}
			if len(args) == 3 && strings.Count(stdout, "<secret>") != 2 {
				t.Errorf("config check --show shows %d <secret>, want 2 (one token per source):\n%s", strings.Count(stdout, "<secret>"), stdout)
			}
		}
		bad := filepath.Join(dir, "bad.yaml")
		text := "sources:\n  - name: github\n    type: github\n    tokn: ghp_leaked0000\n    repos: [acme/core]\n"
		if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runBaton(t, "--config", bad, "config", "check")
		if code != 2 || !strings.Contains(stderr, bad+":4:") || !strings.Contains(stderr, "tokn") {
			t.Errorf("config check of a bad file: exit %d, stderr %q; want exit 2 with %s:4: naming the key", code, stderr, bad)
		}
		if strings.Contains(stdout+stderr, "ghp_leaked0000") {
			t.Errorf("config check printed the value of the misspelt token key")
		}
	})
	t.Run("a mistyped storage path", func(t *testing.T) {
		text, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		other := filepath.Join(dir, "typo.yaml")
		missing := filepath.Join(dir, "nowhere", "baton.db")
		typo := strings.Replace(string(text), filepath.Join(dir, "baton.db"), missing, 1)
		if typo == string(text) {
			t.Fatalf("no storage path %s in %s", filepath.Join(dir, "baton.db"), cfg)
		}
		if err := os.WriteFile(other, []byte(typo), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"findings"}, {"rollup"}} {
			_, stderr, code := runBaton(t, append([]string{"--config", other}, args...)...)
			if code != 1 || !strings.Contains(stderr, "no store at "+missing) {
				t.Errorf("%v with a missing store: exit %d, stderr %q; want exit 1 naming the path", args, code, stderr)
			}
		}
		if _, err := os.Stat(missing); err == nil {
			t.Errorf("a read-only command created %s", missing)
		}
	})
}
