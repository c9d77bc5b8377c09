package metrics

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

func TestSyncRoundRecordsSuccessAndFailure(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.SyncRound("gh", 3*time.Second, 40, nil)
	m.SyncRound("gh", 700*time.Millisecond, 2, errors.New("listing issues: HTTP 502"))
	want := `
# HELP baton_sync_errors_total Sync rounds of a source that ended in an error.
# TYPE baton_sync_errors_total counter
baton_sync_errors_total{source="gh"} 1
baton_sync_errors_total{source="jira"} 0
# HELP baton_sync_issues_upserted_total Issues written to the store by sync rounds of a source.
# TYPE baton_sync_issues_upserted_total counter
baton_sync_issues_upserted_total{source="gh"} 42
baton_sync_issues_upserted_total{source="jira"} 0
# HELP baton_sync_last_success_timestamp_seconds Unix time the last sync round of a source succeeded; 0 until one has.
# TYPE baton_sync_last_success_timestamp_seconds gauge
baton_sync_last_success_timestamp_seconds{source="gh"} 1.7954352e+09
baton_sync_last_success_timestamp_seconds{source="jira"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"baton_sync_errors_total", "baton_sync_issues_upserted_total", "baton_sync_last_success_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	if got := testutil.CollectAndCount(m.syncDuration); got != 2 {
		t.Errorf("got %d duration histograms, want one per source (2)", got)
	}
	for _, mt := range family(t, reg, "baton_sync_duration_seconds") {
		if mt.GetLabel()[0].GetValue() != "gh" {
			continue
		}
		if h := mt.GetHistogram(); h.GetSampleCount() != 2 || h.GetSampleSum() != 3.7 {
			t.Errorf("gh duration: got count %d sum %v, want 2 and 3.7", h.GetSampleCount(), h.GetSampleSum())
		}
	}
}

func TestRemovedSourcesLeaveNoSeries(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.SyncRound("gh", time.Second, 1, nil)
	m.SyncRound("jira", time.Second, 1, nil)
	if _, err := watch(m, "jira", roundTripFunc(okWithRemaining("7"))).RoundTrip(newRequest(t, "https://jira.test/rest/api/2/myself")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	m.Publish(&analysis.Report{Now: now, Teams: []string{"core"}, Issues: []model.Issue{
		issue("github:acme/core#1", "gh", "core", model.StatusTodo, time.Time{}),
		issue("jira:CORE-1", "jira", "core", model.StatusTodo, time.Time{}),
	}})
	m.RemoveSources("jira")
	m.Publish(&analysis.Report{Now: now, Teams: []string{"core"}, Issues: []model.Issue{
		issue("github:acme/core#1", "gh", "core", model.StatusTodo, time.Time{}),
	}})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	gh := 0
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() != "source" {
					continue
				}
				switch l.GetValue() {
				case "jira":
					t.Errorf("%s still has a series of the removed source jira", mf.GetName())
				case "gh":
					gh++
				}
			}
		}
	}
	if gh < 4 {
		t.Errorf("%d series of the kept source gh, want its sync series still there", gh)
	}
}

func TestRollupMetrics(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.RollupSent("email", 3, now)
	m.RollupSent("email", 2, now.Add(time.Minute))
	m.RollupFailed("slack")
	want := `
# HELP baton_rollup_emails_sent_total Rollups sent, by channel: email or slack.
# TYPE baton_rollup_emails_sent_total counter
baton_rollup_emails_sent_total{channel="email"} 5
baton_rollup_emails_sent_total{channel="slack"} 0
# HELP baton_rollup_errors_total Rollups that failed to go out, by channel: email or slack.
# TYPE baton_rollup_errors_total counter
baton_rollup_errors_total{channel="email"} 0
baton_rollup_errors_total{channel="slack"} 1
# HELP baton_rollup_last_sent_timestamp_seconds Unix time the last rollup was sent; 0 until one has been.
# TYPE baton_rollup_last_sent_timestamp_seconds gauge
baton_rollup_last_sent_timestamp_seconds 1.79543526e+09
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"baton_rollup_emails_sent_total", "baton_rollup_errors_total", "baton_rollup_last_sent_timestamp_seconds"); err != nil {
		t.Error(err)
	}
}

func TestBuildInfoAndRuntimeCollectors(t *testing.T) {
	_, reg := newTestMetrics(t)
	want := `
# HELP baton_build_info Always 1; labels say which baton and Go built this process.
# TYPE baton_build_info gauge
baton_build_info{goversion="` + runtime.Version() + `",version="1.2.3"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "baton_build_info"); err != nil {
		t.Error(err)
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n != 1 {
			t.Errorf("%s: got %d series (err %v), want 1", name, n, err)
		}
	}
}

func TestNewAcceptsARegistryWithRuntimeCollectors(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(prometheus.NewGoCollector())
	New(reg, "dev")
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}
}

// scrape is every family g gathers, in the text exposition format.
func scrape(t *testing.T, g prometheus.Gatherer) []byte {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// populated is a registry in which every baton family has at least one series.
func populated(t *testing.T) *prometheus.Registry {
	t.Helper()
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.Publish(knownReport())
	m.SyncRound("gh", time.Second, 1, nil)
	m.SyncRound("jira", time.Second, 0, errors.New("boom"))
	m.RollupSent("slack", 1, now)
	m.RollupFailed("email")
	tr := watch(m, "gh", roundTripFunc(okWithRemaining("4999")))
	tr.RoundTrip(newRequest(t, "https://api.github.test/repos"))
	return reg
}

func TestScrapeHasNoLintProblems(t *testing.T) {
	problems, err := testutil.GatherAndLint(populated(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// TestPromtoolChecksScrape runs the scrape through `promtool check metrics`, as
// CI does against a running daemon. CI must have promtool (deploy/check.sh
// installs it); elsewhere the test is skipped when promtool is missing.
func TestPromtoolChecksScrape(t *testing.T) {
	promtool := testtool.Find(t, "promtool", "run deploy/check.sh to install it")
	text := scrape(t, populated(t))
	path := filepath.Join(t.TempDir(), "scrape.txt")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = f
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
