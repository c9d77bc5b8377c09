package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// bigReport is an analysis of n issues across 40 teams and two sources, with
// a stalled finding on every 10th issue, a misalignment on every 40th and a
// blocking edge from every 4th issue to another team's.
func bigReport(n int) *analysis.Report {
	const teams = 40
	r := &analysis.Report{Now: now}
	for t := range teams {
		r.Teams = append(r.Teams, fmt.Sprintf("team-%02d", t))
	}
	sts := []model.Status{model.StatusTodo, model.StatusInProgress, model.StatusBlocked, model.StatusDone}
	for i := range n {
		team := r.Teams[i%teams]
		key := fmt.Sprintf("jira:P%d-%d", i%teams, i)
		src := "jira"
		if i%2 == 0 {
			key, src = fmt.Sprintf("github:acme/r%d#%d", i%teams, i), "gh"
		}
		r.Issues = append(r.Issues, model.Issue{Key: key, Source: src, Team: team,
			Status: sts[i%len(sts)], Closed: now.Add(-time.Duration(i%14) * 24 * time.Hour)})
		if i%10 == 0 {
			r.Findings = append(r.Findings, stalled(analysis.StalledRules[i%len(analysis.StalledRules)],
				key, team, now.Add(-time.Duration(i)*time.Second)))
		}
		if i%40 == 0 {
			other := r.Teams[(i/40)%teams]
			r.Findings = append(r.Findings, misaligned(analysis.MisalignedRules[i%len(analysis.MisalignedRules)],
				key, team, other))
		}
		if i%4 == 0 {
			r.Edges = append(r.Edges, edge(key, key, r.Teams[(i+1)%teams], team, i%8 == 0))
		}
	}
	return r
}

func BenchmarkPublish200k(b *testing.B) {
	m := New(prometheus.NewRegistry(), "bench")
	m.AddSources("gh", "jira")
	r := bigReport(200_000)
	for b.Loop() {
		m.Publish(r)
	}
}

// BenchmarkScrape200k measures a full GET /metrics after a 200,000-issue
// report was published: the scrape does not depend on the number of issues.
func BenchmarkScrape200k(b *testing.B) {
	reg := prometheus.NewRegistry()
	m := New(reg, "bench")
	m.AddSources("gh", "jira")
	r := bigReport(200_000)
	start := time.Now()
	m.Publish(r)
	publish := time.Since(start)
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("scrape: HTTP %d", rec.Code)
		}
	}
	b.ReportMetric(float64(publish.Milliseconds()), "publish-ms")
}
