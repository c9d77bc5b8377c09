package main

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/store"
)

// TestE2EOneFailingSourceDoesNotStopTheOther gives the GitHub source a token
// the simulator rejects (401) and keeps Jira's good one: sync --once exits 1
// naming it and stores Jira's issues. (What serve's /readyz and /metrics say
// of it is daemon's TestAFailingSourceShowsInReadinessAndMetricsWithoutItsToken.)
func TestE2EOneFailingSourceDoesNotStopTheOther(t *testing.T) {
	t.Parallel()
	const wrong = "ghp_wrongtoken00000000000000000000000000"
	sim := startE2ESim(t)
	dir := t.TempDir()
	cfg := sim.writeConfig(t, dir, func(doc map[string]any) {
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
	if strings.Contains(stderr, wrong) || strings.Contains(stderr, "apisim-jira-api-token") {
		t.Error("sync --once's stderr shows a token")
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
