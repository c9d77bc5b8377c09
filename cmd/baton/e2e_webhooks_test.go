package main

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// freeAddr is a loopback address no one listens on (the listener that found
// it is closed): `baton sim` must know baton's webhook listener before baton
// starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestE2EAMutationReachesMetricsThroughTheWebhook runs `baton sim`
// delivering webhooks and `baton serve` with them on and its poll an hour
// away: a blocker closed at the simulated GitHub shows in /metrics after the
// first sync with no second round, through the signed webhook alone.
func TestE2EAMutationReachesMetricsThroughTheWebhook(t *testing.T) {
	t.Parallel()
	hooks := freeAddr(t)
	sim := startE2ESim(t, "--webhook-url", "http://"+hooks, "--webhook-secret", "e2e-secret")
	cfg := sim.writeConfig(t, t.TempDir(), withInterval("1h"))
	_, base := startServe(t, cfg)
	eventually(t, time.Minute, func() string {
		if code, body := httpGet(t, base+"/readyz"); code != 200 {
			return fmt.Sprintf("/readyz: %d %q", code, body)
		}
		if m := scrape(t, base); m.value("baton_issues", nil) == 0 {
			return "no analysis published yet"
		}
		return ""
	})
	resolved := sim.plantedCase(t, "blocker_resolved", true, "its blocker is open")
	before := scrape(t, base).value("baton_stalled_issues", map[string]string{"rule": "blocker_resolved"})
	repo, number := githubRef(t, resolved.Related[0])
	postJSON(t, sim.githubURL+"/_sim/mutate", map[string]any{"op": "close", "repo": repo, "number": number, "reason": "completed"})
	eventually(t, 30*time.Second, func() string {
		m := scrape(t, base)
		if got := m.value("baton_stalled_issues", map[string]string{"rule": "blocker_resolved"}); got != before+1 {
			return fmt.Sprintf("blocker_resolved %v, want %v", got, before+1)
		}
		return ""
	})
	m := scrape(t, base)
	if n := m.value("baton_webhook_requests_total", map[string]string{"source": "github", "event": "issues", "result": "accepted"}); n != 1 {
		t.Errorf("accepted github issues webhooks %v, want 1", n)
	}
	if n := m.value("baton_sync_duration_seconds_count", map[string]string{"source": "github"}); n != 1 {
		t.Errorf("github sync rounds %v, want the first only: the change came through the webhook", n)
	}
}
