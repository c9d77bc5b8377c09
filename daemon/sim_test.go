package daemon

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
)

// simDaemon opens a daemon on simulators of a small organisation served
// in-process, its sources polled every interval; edit may change the
// loaded configuration first.
func simDaemon(t testing.TB, interval time.Duration, edit func(*config.Config)) (*Daemon, *apisim.Org, *testtool.LogBuffer) {
	t.Helper()
	return simDaemonOn(t, "cloud", interval, edit)
}

// simDaemonOn is simDaemon with a simulated Jira of deployment ("cloud" or
// "server").
func simDaemonOn(t testing.TB, deployment string, interval time.Duration, edit func(*config.Config)) (*Daemon, *apisim.Org, *testtool.LogBuffer) {
	t.Helper()
	spec := apisim.DemoSpec()
	spec.Issues, spec.Plant, spec.JiraDeployment = 100, false, deployment
	org, cfg := simOrg(t, spec)
	for i := range cfg.Sources {
		cfg.Sources[i].Interval = config.Duration(interval) // below the 10s a file may set
	}
	if edit != nil {
		edit(cfg)
	}
	d, logs := openTest(t, cfg, nil, nil)
	return d, org, logs
}

// simOrg serves the simulators of an organisation of spec in-process until
// the test ends, and loads the configuration that syncs it.
func simOrg(t testing.TB, spec apisim.Spec) (*apisim.Org, *config.Config) {
	t.Helper()
	org, err := apisim.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	gh, jira := httptest.NewServer(org.GitHubHandler()), httptest.NewServer(org.JiraHandler())
	t.Cleanup(gh.Close)
	t.Cleanup(jira.Close)
	return org, simConfig(t, org, gh.URL, jira.URL)
}

// simConfig loads the configuration of org's simulators served at the given
// URLs, its store in a new directory.
func simConfig(t testing.TB, org *apisim.Org, gitHubURL, jiraURL string) *config.Config {
	t.Helper()
	path, err := org.WriteConfig(t.TempDir(), gitHubURL+"/", jiraURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("loading the simulator config: %v", err)
	}
	return cfg
}

// get answers a GET of path from d's HTTP handler as its status code and
// body.
func get(t testing.TB, d *Daemon, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	d.httpServer().Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// metric is the value of the counter or gauge name with exactly labels, or
// the sample count of such a histogram; 0 when there is none.
func metric(t *testing.T, d *Daemon, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := d.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			if m.GetHistogram() != nil {
				return float64(m.GetHistogram().GetSampleCount())
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// TestAFailingSourceShowsInReadinessAndMetricsWithoutItsToken gives the
// GitHub source a token the simulator rejects (401) and keeps Jira's good
// one: Jira syncs, /readyz and /metrics say which source fails, and no
// token shows anywhere.
func TestAFailingSourceShowsInReadinessAndMetricsWithoutItsToken(t *testing.T) {
	const wrong = "ghp_wrongtoken00000000000000000000000000"
	d, org, logs := simDaemon(t, time.Hour, func(cfg *config.Config) {
		for i := range cfg.Sources {
			if cfg.Sources[i].Type == "github" {
				cfg.Sources[i].Token = wrong
			}
		}
	})
	stop := serve(t, d)
	var ready string
	eventually(t, "/readyz 503 naming github as failing and jira ok", func() bool {
		code, body := get(t, d, "/readyz")
		ready = body
		return code == 503 && strings.Contains(body, "github: failing since its last round: ") && strings.Contains(body, "jira: ok, last success ")
	})
	if n := metric(t, d, "baton_sync_errors_total", map[string]string{"source": "github"}); n < 1 {
		t.Errorf("baton_sync_errors_total{source=github} = %v, want > 0", n)
	}
	if n := metric(t, d, "baton_sync_errors_total", map[string]string{"source": "jira"}); n != 0 {
		t.Errorf("baton_sync_errors_total{source=jira} = %v, want 0", n)
	}
	if n := metric(t, d, "baton_api_requests_total", map[string]string{"source": "github", "code": "401"}); n < 1 {
		t.Errorf("baton_api_requests_total{source=github,code=401} = %v, want the rejected requests counted", n)
	}
	_, metrics := get(t, d, "/metrics")
	_, overview := get(t, d, "/")
	if !strings.Contains(overview, `<tr class="failing"><td>github</td>`) {
		t.Errorf("the dashboard's overview does not show github failing:\n%s", overview)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"/readyz": ready, "/metrics": metrics, "the dashboard": overview, "the log": logs.String()} {
		if strings.Contains(text, wrong) || strings.Contains(text, org.JiraToken) {
			t.Errorf("%s shows a token", what)
		}
	}
}

// servedWithQuota serves, until the test ends, a daemon syncing the
// simulators every interval with remaining requests left of the GitHub
// token's hourly quota.
func servedWithQuota(t *testing.T, interval time.Duration, remaining int) (*Daemon, *apisim.Org) {
	t.Helper()
	d, org, _ := simDaemon(t, interval, nil)
	org.GitHub.SetRemaining(org.GitHubToken, remaining)
	stop := serve(t, d)
	t.Cleanup(func() { stop() })
	return d, org
}

// TestAnExhaustedGitHubQuotaPausesTheSource empties the token's hourly quota
// before the daemon starts: the GitHub source stops asking until the reset,
// /readyz says so and when, and Jira goes on.
func TestAnExhaustedGitHubQuotaPausesTheSource(t *testing.T) {
	const interval = time.Second
	d, _ := servedWithQuota(t, interval, 0)
	eventually(t, "/readyz 503 with github rate-limited (when it resumes, its quota) and jira ok", func() bool {
		code, body := get(t, d, "/readyz")
		return code == 503 && strings.Contains(body, "github: rate-limited, resuming at ") &&
			strings.Contains(body, "; API quota left 0, resets ") && strings.Contains(body, "jira: ok")
	})
	forbidden := map[string]string{"source": "github", "code": "403"}
	before := metric(t, d, "baton_api_requests_total", forbidden)
	// Three more Jira rounds, not a sleep, measure out three intervals: a
	// GitHub source not paused would have asked again by then, however slow
	// the machine.
	rounds := d.engine.Status()["jira"].Rounds
	eventually(t, "jira goes on: three more rounds", func() bool { return d.engine.Status()["jira"].Rounds >= rounds+3 })
	if after := metric(t, d, "baton_api_requests_total", forbidden); before < 1 || after != before {
		t.Errorf("403s from GitHub: %v, then %v after three intervals; want some, then no more until the reset", before, after)
	}
	if s := d.engine.Status()["jira"]; s.Failing {
		t.Errorf("jira: failing after %d rounds; want it to go on", s.Rounds)
	}
}

// TestAGitHubQuotaReservePausesTheSource leaves the token one request above
// the default reserve (20% of 5,000): the GitHub source spends that one,
// then pauses until the reset with the reserve untouched, and /readyz says
// why; Jira goes on.
func TestAGitHubQuotaReservePausesTheSource(t *testing.T) {
	d, org := servedWithQuota(t, time.Second, 1001)
	eventually(t, "/readyz 503 with github paused for its reserve and jira ok", func() bool {
		code, body := get(t, d, "/readyz")
		return code == 503 && strings.Contains(body, "github: paused, keeping the quota reserve (1000 of 5000 left), resuming at ") &&
			strings.Contains(body, "jira: ok")
	})
	if left, _ := org.GitHub.Remaining(org.GitHubToken); left != 1000 {
		t.Errorf("%d requests left of the token's quota, want the reserve, 1000, untouched", left)
	}
}
