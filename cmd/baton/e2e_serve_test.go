package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var servingOn = regexp.MustCompile(`msg="baton serving" listen=(\S+)`)

// startServe starts `baton serve` on a free port and returns its base URL.
func startServe(t *testing.T, cfg string) (*e2eProc, string) {
	t.Helper()
	p := startBaton(t, "--config", cfg, "serve")
	addr := p.waitOutput(t, true, servingOn, 30*time.Second)[1]
	return p, "http://" + addr
}

// withInterval sets every source's interval (10s is the config's minimum).
func withInterval(d string) func(map[string]any) {
	return func(doc map[string]any) {
		eachSource(doc, func(src map[string]any) { src["interval"] = d })
	}
}

// TestE2EServeExportsTheFindingsAndFollowsAMutation runs the daemon against
// the simulators: readiness before and after the first sync, /metrics agreeing
// with `findings --json`, promtool's lint, and a change in the simulated
// systems showing up after the next interval's sync.
func TestE2EServeExportsTheFindingsAndFollowsAMutation(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t)
	// Hold GitHub's first answer so that the first sync is surely in flight
	// when /readyz is first asked.
	postJSON(t, sim.githubURL+"/_sim/fault", map[string]any{"kind": "slow", "path_prefix": "/", "count": 1, "delay": int64(8 * time.Second)})
	cfg := sim.writeConfig(t, t.TempDir(), withInterval("10s"))
	_, base := startServe(t, cfg)

	if code, body := httpGet(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz: %d %q, want 200", code, body)
	}
	if code, body := httpGet(t, base+"/readyz"); code != 503 || !strings.Contains(body, "github: waiting for first sync") {
		t.Errorf("/readyz during the first sync: %d %q, want 503 saying github waits for its first sync", code, body)
	}
	eventually(t, time.Minute, func() string {
		if code, body := httpGet(t, base+"/readyz"); code != 200 {
			return fmt.Sprintf("/readyz: %d %q", code, body)
		}
		return ""
	})

	var before []e2eFinding
	t.Run("metrics agree with findings", func(t *testing.T) {
		before = findingsJSON(t, cfg)
		wantStalled, wantMisaligned := findingCounts(before)
		var m *e2eScrape
		// The analysis follows the sync rounds that wrote after a short debounce.
		eventually(t, 30*time.Second, func() string {
			m = scrape(t, base)
			if diff := cmp.Diff(wantStalled, m.nonZero("baton_stalled_issues", "team", "rule")); diff != "" {
				return "baton_stalled_issues (-findings +metrics):\n" + diff
			}
			if diff := cmp.Diff(wantMisaligned, m.nonZero("baton_misalignments", "team", "counterpart_team", "rule")); diff != "" {
				return "baton_misalignments (-findings +metrics):\n" + diff
			}
			return ""
		})
		checkFamilies(t, m)
		checkSyncMetrics(t, m, len(sim.cases))
		checkOldestStalled(t, m, before)
		promtoolCheck(t, m.text)
	})
	if t.Failed() {
		return
	}

	t.Run("a closed blocker changes the findings after the next sync", func(t *testing.T) {
		// GitHub: close the open blocker of a blocked issue, which makes a
		// blocker_resolved finding. Jira: resolve the low-priority blocker of
		// a priority inversion, which removes that finding.
		resolved := sim.plantedCase(t, "blocker_resolved", true, "its blocker is open")
		inversion := sim.plantedCase(t, "priority_inversion", false, "Jira link")
		repo, number := githubRef(t, resolved.Related[0])
		postJSON(t, sim.githubURL+"/_sim/mutate", map[string]any{"op": "close", "repo": repo, "number": number, "reason": "completed"})
		resolveInJira(t, sim.jiraURL, strings.TrimPrefix(inversion.Related[0], "jira:"))

		want := slices.DeleteFunc(ruleIssues(before), func(s string) bool { return s == "priority_inversion "+inversion.Issue })
		want = append(want, "blocker_resolved "+resolved.Issue)
		slices.Sort(want)
		if len(want) != len(before) {
			t.Fatalf("the planted inversion %s is not among the findings before the change", inversion.Issue)
		}
		eventually(t, time.Minute, func() string {
			m := scrape(t, base)
			br := m.value("baton_stalled_issues", map[string]string{"rule": "blocker_resolved"})
			pi := m.value("baton_misalignments", map[string]string{"rule": "priority_inversion"})
			wantStalled, wantMisaligned := findingCounts(before)
			wantBR, wantPI := sumRule(wantStalled, "blocker_resolved")+1, sumRule(wantMisaligned, "priority_inversion")-1
			if br != wantBR || pi != wantPI {
				return fmt.Sprintf("blocker_resolved %v (want %v), priority_inversion %v (want %v)", br, wantBR, pi, wantPI)
			}
			return ""
		})
		after := findingsJSON(t, cfg)
		if diff := cmp.Diff(want, ruleIssues(after)); diff != "" {
			t.Errorf("findings after the change (-want +got):\n%s", diff)
		}
		m := scrape(t, base)
		wantStalled, wantMisaligned := findingCounts(after)
		if diff := cmp.Diff(wantStalled, m.nonZero("baton_stalled_issues", "team", "rule")); diff != "" {
			t.Errorf("baton_stalled_issues after the change (-findings +metrics):\n%s", diff)
		}
		if diff := cmp.Diff(wantMisaligned, m.nonZero("baton_misalignments", "team", "counterpart_team", "rule")); diff != "" {
			t.Errorf("baton_misalignments after the change (-findings +metrics):\n%s", diff)
		}
		// The series of the resolved inversion reports 0, so its alert resolves.
		for _, f := range before {
			if f.Rule != "priority_inversion" || f.Issue != inversion.Issue {
				continue
			}
			series := map[string]string{"team": f.Team, "counterpart_team": f.RelatedTeams[0], "rule": f.Rule}
			if !m.has("baton_misalignments", series) {
				t.Errorf("baton_misalignments%v vanished instead of reporting 0", series)
			}
		}
	})
}

func checkFamilies(t *testing.T, m *e2eScrape) {
	t.Helper()
	for _, f := range []string{
		"baton_issues", "baton_stalled_issues", "baton_misalignments", "baton_cross_team_dependencies",
		"baton_oldest_stalled_age_seconds", "baton_sync_last_success_timestamp_seconds",
		"baton_sync_duration_seconds", "baton_sync_errors_total", "baton_sync_issues_upserted_total",
		"baton_api_requests_total", "baton_api_rate_limit_remaining", "baton_build_info",
		"baton_rollup_emails_sent_total", "baton_rollup_last_sent_timestamp_seconds",
		"go_goroutines", "go_memstats_alloc_bytes", "process_start_time_seconds", "process_resident_memory_bytes",
	} {
		if !m.families[f] {
			t.Errorf("/metrics has no family %s", f)
		}
	}
	for _, x := range m.samples {
		for k, v := range x.labels {
			if strings.Contains(v, "#") || strings.Contains(v, "jira:") {
				t.Errorf("%s label %s=%q looks like an issue key", x.name, k, v)
			}
		}
	}
}

// checkSyncMetrics checks the per-source sync and API metrics after both
// sources' first rounds of the demo organisation (half GitHub, half Jira).
func checkSyncMetrics(t *testing.T, m *e2eScrape, planted int) {
	t.Helper()
	now := float64(time.Now().Unix())
	for _, src := range []string{"github", "jira"} {
		by := map[string]string{"source": src}
		if ts := m.value("baton_sync_last_success_timestamp_seconds", by); ts < now-3600 || ts > now+60 {
			t.Errorf("baton_sync_last_success_timestamp_seconds{source=%q} = %v, want about now (%v)", src, ts, now)
		}
		if n := m.value("baton_sync_issues_upserted_total", by); n < 200 {
			t.Errorf("baton_sync_issues_upserted_total{source=%q} = %v, want at least the 200 issues it holds", src, n)
		}
		if n := m.value("baton_sync_duration_seconds_count", by); n < 1 {
			t.Errorf("baton_sync_duration_seconds_count{source=%q} = %v, want at least one round", src, n)
		}
		if n := m.value("baton_api_requests_total", map[string]string{"source": src, "code": "200"}); n < 1 {
			t.Errorf("baton_api_requests_total{source=%q,code=\"200\"} = %v, want some", src, n)
		}
		if n := m.value("baton_sync_errors_total", by); n != 0 {
			t.Errorf("baton_sync_errors_total{source=%q} = %v, want 0", src, n)
		}
	}
	if q := m.value("baton_api_rate_limit_remaining", map[string]string{"source": "github"}); q <= 0 || q >= 5000 {
		t.Errorf("baton_api_rate_limit_remaining{source=\"github\"} = %v, want the simulator's quota (5000) less what the sync spent", q)
	}
	if v := m.value("baton_build_info", map[string]string{"version": "dev"}); v != 1 {
		t.Errorf("baton_build_info{version=\"dev\"} = %v, want 1", v)
	}
	if total := m.value("baton_issues", nil); total < float64(planted) || total > 400 {
		t.Errorf("sum of baton_issues = %v, want between the %d planted and the 400 generated", total, planted)
	}
}

// checkOldestStalled compares each team's oldest stalled age with the
// findings' since, to the minute (the analysis ran a little earlier).
func checkOldestStalled(t *testing.T, m *e2eScrape, fs []e2eFinding) {
	t.Helper()
	oldest := map[string]time.Time{}
	for _, f := range fs {
		if o, ok := oldest[f.Team]; f.Kind == "stalled" && (!ok || f.Since.Before(o)) {
			oldest[f.Team] = f.Since
		}
	}
	if len(oldest) == 0 {
		t.Fatal("no stalled findings to compare ages with")
	}
	for team, since := range oldest {
		got := m.value("baton_oldest_stalled_age_seconds", map[string]string{"team": team})
		want := time.Since(since).Seconds()
		if got < want-120 || got > want+1 {
			t.Errorf("baton_oldest_stalled_age_seconds{team=%q} = %v, want about %v (since %v)", team, got, want, since)
		}
	}
}

func sumRule(counts map[string]float64, rule string) float64 {
	var n float64
	for k, v := range counts {
		if strings.HasSuffix(k, "/"+rule) {
			n += v
		}
	}
	return n
}

// githubRef splits github:owner/repo#N.
func githubRef(t *testing.T, key string) (string, int) {
	t.Helper()
	s, ok := strings.CutPrefix(key, "github:")
	repo, num, ok2 := strings.Cut(s, "#")
	n, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil {
		t.Fatalf("%q is not a github:owner/repo#N key", key)
	}
	return repo, n
}

// resolveInJira moves the Jira simulator's clock (which stands still) up to the
// wall clock, then resolves key as Done, as a person would now.
func resolveInJira(t *testing.T, jiraURL, key string) {
	t.Helper()
	var ack struct {
		Now time.Time `json:"now"`
	}
	if err := json.Unmarshal(postJSON(t, jiraURL+"/_sim/mutate", []any{}), &ack); err != nil {
		t.Fatalf("decoding the Jira simulator's answer: %v", err)
	}
	behind := max(time.Since(ack.Now), 0).Truncate(time.Millisecond)
	postJSON(t, jiraURL+"/_sim/mutate", []map[string]string{
		{"op": "advance", "duration": behind.String()},
		{"op": "resolve", "key": key, "status": "Done", "resolution": "Done"},
	})
}
