package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	demoMetrics   = regexp.MustCompile(`metrics +(http://\S+)/metrics`)
	demoDashboard = regexp.MustCompile(`where to look next:\n  dashboard +(http://\S+/) `)
)

// TestE2EDemoReachesItsSummaryAndStopsOnInterrupt runs `baton demo` the way a
// newcomer does and follows the summary's pointers: the metrics address, the
// generated config, the rollup files, the planted cases.
func TestE2EDemoReachesItsSummaryAndStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	p := startBaton(t, "demo", "--listen", "127.0.0.1:0", "--data-dir", data, "--interval", "10s")
	p.waitOutput(t, false, regexp.MustCompile(`Ctrl-C to stop`), time.Minute)
	summary := p.output(false)
	base := demoMetrics.FindStringSubmatch(summary)
	if base == nil {
		t.Fatalf("the demo's summary names no metrics address:\n%s", summary)
	}
	for _, want := range []string{"github     200", "jira       200", "findings", filepath.Join(data, "baton.yaml"), filepath.Join(data, "rollup-org.html")} {
		if !strings.Contains(summary, want) {
			t.Errorf("the demo's summary has no %q:\n%s", want, summary)
		}
	}

	if dash := demoDashboard.FindStringSubmatch(summary); dash == nil {
		t.Errorf("the demo's summary does not name the dashboard first:\n%s", summary)
	} else if code, body := httpGet(t, dash[1]); code != 200 || !strings.Contains(body, "<h1>Overview</h1>") {
		t.Errorf("demo dashboard %s: %d, want 200 and the overview:\n%.500s", dash[1], code, body)
	}
	if code, body := httpGet(t, base[1]+"/readyz"); code != 200 {
		t.Errorf("demo /readyz: %d %q, want 200 after the first sync", code, body)
	}
	if n := scrape(t, base[1]).value("baton_stalled_issues", nil); n == 0 {
		t.Error("the demo's /metrics counts no stalled issues")
	}
	for _, name := range []string{"rollup-org.html", "rollup-org.txt", "rollup-team-mobile.html", "rollup-team-mobile.txt"} {
		if st, err := os.Stat(filepath.Join(data, name)); err != nil || st.Size() == 0 {
			t.Errorf("rollup %s: %v, want a non-empty file", name, err)
		}
	}

	cfg := filepath.Join(data, "baton.yaml")
	if _, stderr, code := runBaton(t, "--config", cfg, "config", "check"); code != 0 {
		t.Errorf("config check of the demo's config exited %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(data, "planted-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	sim := &e2eSim{}
	if err := json.Unmarshal(raw, &sim.cases); err != nil {
		t.Fatalf("decoding the demo's planted cases: %v", err)
	}
	got := ruleIssues(findingsJSON(t, cfg))
	for _, c := range sim.planted(false) {
		if !slices.Contains(got, c) {
			t.Errorf("findings on the demo's store miss the planted %s", c)
		}
	}
	for _, c := range sim.planted(true) {
		if slices.Contains(got, c) {
			t.Errorf("findings on the demo's store report the near miss %s", c)
		}
	}
	if len(sim.cases) == 0 {
		t.Error("the demo planted no cases")
	}

	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 10*time.Second); code != 0 {
		t.Errorf("demo exited %d after Ctrl-C, want 0; stderr:\n%s", code, tail(p.output(true), 2000))
	}
	if strings.Contains(p.output(true), "level=ERROR") {
		t.Errorf("the demo logged errors:\n%s", p.output(true))
	}
}
