package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/store"
)

// TestE2EOneFailingSourceDoesNotStopTheOther gives the GitHub source a token
// the simulator rejects (401) and keeps Jira's good one.
func TestE2EOneFailingSourceDoesNotStopTheOther(t *testing.T) {
	t.Parallel()
	const wrong = "ghp_wrongtoken00000000000000000000000000"
	sim := startE2ESim(t)
	dir := t.TempDir()
	cfg := sim.writeConfig(t, dir, func(doc map[string]any) {
		withInterval("10s")(doc)
		eachSource(doc, func(src map[string]any) {
			if src["type"] == "github" {
				src["token"] = wrong
			}
		})
	})

	stdout, stderr, code := runBaton(t, "--config", cfg, "sync", "--once")
	if code != 1 {
		t.Errorf("sync --once with a rejected token exited %d, want 1", code)
	}
	if n := countLines(stderr, "baton: source github failed"); n != 1 {
		t.Errorf("stderr has %d lines saying source github failed, want 1:\n%s", n, stderr)
	}
	if n := countLines(stderr, "baton: source jira failed"); n != 0 {
		t.Errorf("stderr says source jira failed:\n%s", stderr)
	}
	if !strings.Contains(stdout, "synced 2 sources (1 failed)") {
		t.Errorf("stdout %q, want a summary of 2 sources, 1 failed", stdout)
	}
	counts := storedCounts(t, dir+"/baton.db")
	if counts["jira"] != 200 || counts["github"] != 0 {
		t.Errorf("stored issues by source: %v, want the 200 of jira and none of github", counts)
	}

	serve, base := startServe(t, cfg)
	var ready string
	eventually(t, time.Minute, func() string {
		code, body := httpGet(t, base+"/readyz")
		ready = body
		if code != 503 || !strings.Contains(body, "github: failing") || !strings.Contains(body, "jira: ok") {
			return fmt.Sprintf("/readyz %d %q, want 503 naming github as failing and jira ok", code, body)
		}
		return ""
	})
	var errs float64
	var m *e2eScrape
	eventually(t, 30*time.Second, func() string {
		m = scrape(t, base)
		if errs = m.value("baton_sync_errors_total", map[string]string{"source": "github"}); errs < 1 {
			return fmt.Sprintf("baton_sync_errors_total{source=\"github\"} = %v, want > 0", errs)
		}
		return ""
	})
	if n := m.value("baton_sync_errors_total", map[string]string{"source": "jira"}); n != 0 {
		t.Errorf("baton_sync_errors_total{source=\"jira\"} = %v, want 0", n)
	}
	if n := m.value("baton_api_requests_total", map[string]string{"source": "github", "code": "401"}); n < 1 {
		t.Errorf("baton_api_requests_total{source=\"github\",code=\"401\"} = %v, want the rejected requests counted", n)
	}
	for what, text := range map[string]string{"sync --once stderr": stderr, "/readyz": ready, "/metrics": m.text, "serve's log": serve.output(true)} {
		if strings.Contains(text, wrong) || strings.Contains(text, "apisim-jira-api-token") {
			t.Errorf("%s shows a token", what)
		}
	}
}

// storedCounts opens a store the way baton does and counts its issues per
// source.
func storedCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("opening the store %s: %v", path, err)
	}
	defer st.Close()
	counts, err := st.CountBySource(ctx)
	if err != nil {
		t.Fatalf("counting stored issues: %v", err)
	}
	return counts
}

// TestE2ETransientFailuresAreRetried answers a few requests of each
// simulator with rate limits (and Jira's with 502): the sync retries them and
// succeeds completely. (GitHub 5xx are left out: the GitHub connector waits
// its rate-limit backoff, a minute, before retrying them.)
func TestE2ETransientFailuresAreRetried(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	postJSON(t, sim.githubURL+"/_sim/fault", map[string]any{"kind": "too_many_requests", "path_prefix": "/repos/", "count": 1, "retry_after": 1})
	postJSON(t, sim.githubURL+"/_sim/fault", map[string]any{"kind": "secondary_rate_limit", "path_prefix": "/repos/", "count": 1, "retry_after": 1})
	postJSON(t, sim.jiraURL+"/_sim/fault", map[string]any{"endpoint": "search_jql", "count": 2, "status": 502})
	postJSON(t, sim.jiraURL+"/_sim/fault", map[string]any{"endpoint": "search_jql", "count": 1, "status": 429, "retryafter": 1})
	dir := t.TempDir()
	cfg := sim.writeConfig(t, dir, nil)

	_, stderr, code := runBaton(t, "--config", cfg, "sync", "--once")
	if code != 0 || strings.Contains(stderr, "failed") {
		t.Fatalf("sync --once through transient failures: exit %d, want 0 and no failure; stderr:\n%s", code, stderr)
	}
	if counts := storedCounts(t, dir+"/baton.db"); counts["github"] != 200 || counts["jira"] != 200 {
		t.Errorf("stored issues by source: %v, want 200 of each", counts)
	}
	if diff := cmp.Diff(sim.planted(false), ruleIssues(findingsJSON(t, cfg))); diff != "" {
		t.Errorf("findings (-planted positives +found):\n%s", diff)
	}
}

// TestE2EExhaustedGitHubQuotaPausesTheSource empties the token's hourly quota
// before serve starts: the GitHub source stops asking until the reset,
// /readyz says so and when, and Jira goes on.
func TestE2EExhaustedGitHubQuotaPausesTheSource(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	postJSON(t, sim.githubURL+"/_sim/quota", map[string]any{"token": "ghp_apisim0000000000000000000000000000", "remaining": 0})
	cfg := sim.writeConfig(t, t.TempDir(), withInterval("10s"))
	_, base := startServe(t, cfg)
	eventually(t, time.Minute, func() string {
		code, body := httpGet(t, base+"/readyz")
		if code != 503 || !strings.Contains(body, "github: rate-limited, resuming at ") || !strings.Contains(body, "(API quota left 0, resets ") || !strings.Contains(body, "jira: ok") {
			return fmt.Sprintf("/readyz %d %q, want 503 with github rate-limited (when it resumes, its quota) and jira ok", code, body)
		}
		return ""
	})
	before := scrape(t, base).value("baton_api_requests_total", map[string]string{"source": "github", "code": "403"})
	time.Sleep(12 * time.Second) // longer than the 10s interval: a source not paused would ask again
	after := scrape(t, base).value("baton_api_requests_total", map[string]string{"source": "github", "code": "403"})
	if before < 1 || after != before {
		t.Errorf("403s from GitHub: %v, then %v after an interval; want some, then no more until the reset", before, after)
	}
}
