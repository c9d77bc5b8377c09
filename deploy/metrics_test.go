// Package deploy holds no code: its tests check the files under deploy/
// (dashboard, alert rules, Kubernetes manifests) against what baton exports
// and serves.
package deploy

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/metrics"
)

// exported returns every family name baton's registry exports once each kind
// of series exists, plus the _bucket/_sum/_count series of its histograms.
func exported(t *testing.T) (families, series map[string]bool) {
	t.Helper()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, "test")
	m.AddSources("gh")
	m.Publish(&analysis.Report{
		Now:      now,
		Teams:    []string{"a", "b"},
		Edges:    []analysis.Edge{{From: "x", To: "y", FromTeam: "b", ToTeam: "a", Open: true}},
		Findings: []analysis.Finding{{Kind: analysis.KindMisaligned, Rule: analysis.RuleCycle, Team: "a", RelatedTeams: []string{"b"}}},
	})
	m.SyncRound("gh", time.Second, 1, nil)
	m.RollupSent("email", 1, now)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "10")
	}))
	t.Cleanup(api.Close)
	meter := httpapi.NewMeter(nil)
	m.WatchAPI("gh", meter)
	client := &http.Client{Transport: meter, Timeout: 10 * time.Second}
	resp, err := client.Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	families, series = map[string]bool{}, map[string]bool{}
	for _, mf := range mfs {
		name := mf.GetName()
		if !strings.HasPrefix(name, "baton_") {
			continue
		}
		families[name] = true
		series[name] = true
		if mf.GetType() == dto.MetricType_HISTOGRAM {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				series[name+suffix] = true
			}
		}
	}
	return families, series
}

var batonName = regexp.MustCompile(`\bbaton_[a-zA-Z0-9_]+`)

// unknownNames returns the baton_ metric names expr uses that baton does not
// export.
func unknownNames(expr string, series map[string]bool) []string {
	var out []string
	for _, n := range batonName.FindAllString(expr, -1) {
		if !series[n] {
			out = append(out, n)
		}
	}
	return out
}

// family is the family a series name belongs to.
func family(name string, families map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && families[base] {
			return base
		}
	}
	return name
}

func TestExportedFamiliesAreTheContract(t *testing.T) {
	families, _ := exported(t)
	for _, name := range []string{
		"baton_issues", "baton_stalled_issues", "baton_misalignments", "baton_cross_team_dependencies",
		"baton_oldest_stalled_age_seconds", "baton_acknowledged_findings", "baton_sync_last_success_timestamp_seconds",
		"baton_sync_duration_seconds", "baton_sync_errors_total", "baton_sync_issues_upserted_total",
		"baton_api_requests_total", "baton_api_rate_limit_remaining", "baton_rollup_emails_sent_total",
		"baton_rollup_last_sent_timestamp_seconds", "baton_rollup_errors_total", "baton_build_info",
	} {
		if !families[name] {
			t.Errorf("registry does not export %s", name)
		}
	}
}
