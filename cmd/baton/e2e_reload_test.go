package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ESighupReloadsTheConfiguration starts serve with only the Jira source,
// then adds the GitHub source and renames a team in the file and sends
// SIGHUP: the new source syncs and the team's metrics appear without a
// restart. A broken file on the next SIGHUP changes nothing.
func TestE2ESighupReloadsTheConfiguration(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	dir := t.TempDir()
	jiraOnly := func(doc map[string]any) {
		withInterval("10s")(doc)
		var keep []any
		for _, s := range doc["sources"].([]any) {
			if s.(map[string]any)["type"] == "jira" {
				keep = append(keep, s)
			}
		}
		doc["sources"] = keep
	}
	cfg := sim.writeConfig(t, dir, jiraOnly)
	serve, base := startServe(t, cfg)
	eventually(t, time.Minute, func() string {
		if code, body := httpGet(t, base+"/readyz"); code != 200 || strings.Contains(body, "github") {
			return fmt.Sprintf("/readyz %d %q, want 200 with jira only", code, body)
		}
		return ""
	})

	sim.writeConfig(t, dir, func(doc map[string]any) {
		withInterval("10s")(doc)
		for _, tm := range doc["teams"].([]any) {
			if team := tm.(map[string]any); team["name"] == "payments" {
				team["name"] = "payments-eng"
			}
		}
	})
	if err := serve.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, func() string {
		code, body := httpGet(t, base+"/readyz")
		if code != 200 || !strings.Contains(body, "github: ok") {
			return fmt.Sprintf("/readyz %d %q, want 200 with github synced after the reload", code, body)
		}
		if n := scrape(t, base).value("baton_stalled_issues", map[string]string{"team": "payments-eng", "rule": "idle"}); n < 1 {
			return fmt.Sprintf("baton_stalled_issues{team=payments-eng,rule=idle} = %v, want the renamed team's planted idle issues", n)
		}
		return ""
	})

	if err := os.WriteFile(cfg, []byte("sources: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := serve.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() string {
		if !strings.Contains(serve.output(true), "configuration reload failed") {
			return "no 'configuration reload failed' in serve's log after a broken file"
		}
		return ""
	})
	if code, body := httpGet(t, base+"/readyz"); code != 200 || !strings.Contains(body, "github: ok") || !strings.Contains(body, "jira: ok") {
		t.Errorf("after a failed reload /readyz %d %q, want both sources still running", code, body)
	}
}

// TestE2ESighupWhileStartingDoesNotKillTheDaemon sends SIGHUPs from the
// moment the store file appears (the daemon is opening it, then runs its
// first analysis) until it listens: none may kill it.
func TestE2ESighupWhileStartingDoesNotKillTheDaemon(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	dir := t.TempDir()
	cfg := sim.writeConfig(t, dir, withInterval("10s"))
	p := startBaton(t, "--config", cfg, "serve")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "baton.db")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no store file after 30s")
		}
		time.Sleep(time.Millisecond)
	}
	for !servingOn.MatchString(p.output(true)) && time.Now().Before(deadline) {
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatalf("baton died of a SIGHUP while starting: %v", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	addr := p.waitOutput(t, true, servingOn, 30*time.Second)[1]
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("/healthz answered %d after SIGHUPs during start-up, want 200", code)
	}
}
