package web

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// orgOf analyses a generated organisation of n issues over 10 teams, half
// in Jira, with n/2 random blocking links (one in 50 from outside the
// synced scope) and a cross-team cycle of three issues per 1,000: the
// shape of analysis' 200k benchmark, so that every rule fires.
func orgOf(n int) *analysis.Report {
	rng := rand.New(rand.NewPCG(16, 16))
	var teams []config.Team
	for t := range 10 {
		teams = append(teams, config.Team{Rules: rules, Team: model.Team{Name: fmt.Sprintf("team%d", t),
			GitHubRepos: []string{fmt.Sprintf("acme/repo%d", t)}, JiraProjects: []string{fmt.Sprintf("P%d", t)}}})
	}
	keys := make([]string, n)
	issues := make([]model.Issue, n)
	statuses := []model.Status{model.StatusTodo, model.StatusTodo, model.StatusInProgress, model.StatusBlocked, model.StatusDone}
	for i := range issues {
		title := fmt.Sprintf("Work item %d of the org", i)
		if i%2 == 0 {
			keys[i] = model.GitHubKey("acme", fmt.Sprintf("repo%d", i%10), i)
			issues[i] = fixtureIssue(keys[i], title)
		} else {
			keys[i] = model.JiraKey(fmt.Sprintf("P%d-%d", i%10, i))
			issues[i] = fixtureIssue(keys[i], title)
		}
		is := &issues[i]
		is.Status, is.Priority = statuses[rng.IntN(len(statuses))], rng.IntN(6)
		is.Updated, is.StatusChanged = daysAgo(rng.IntN(20)), daysAgo(rng.IntN(40))
		if is.Status == model.StatusDone {
			is.Closed = daysAgo(rng.IntN(10))
		}
		if rng.IntN(4) == 0 {
			is.Due = daysAgo(rng.IntN(90) - 60)
		}
	}
	for range n / 2 {
		from, to := keys[rng.IntN(n)], rng.IntN(n)
		if rng.IntN(50) == 0 {
			from = model.JiraKey(fmt.Sprintf("EXT-%d", rng.IntN(n)))
		}
		issues[to].Links = append(issues[to].Links, model.Link{From: from, To: keys[to], Type: model.Blocks, Origin: model.OriginJiraLink})
	}
	for i := 0; i+3 < n; i += 1000 {
		ring := []int{i, i + 1, i + 3} // three teams
		for j, k := range ring {
			issues[k].Status = model.StatusTodo
			to := ring[(j+1)%len(ring)]
			issues[to].Links = append(issues[to].Links, model.Link{From: keys[k], To: keys[to], Type: model.Blocks, Origin: model.OriginTextReference})
		}
	}
	return analysis.Analyze(analysis.Input{Issues: issues, Teams: teams, Rules: rules, Now: now})
}

// reportCPU reports the CPU time per operation since cpu0, garbage
// collection included: on a busy machine it says more than the clock.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu1, ok := testtool.CPUTime(); ok {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkSnapshot200k is what the first page view after an analysis of
// 200,000 issues pays once, for every page: indexing the snapshot.
//
//	go test -run '^$' -bench Snapshot200k -benchmem -benchtime 10x ./web/
func BenchmarkSnapshot200k(b *testing.B) {
	r := orgOf(200_000)
	b.ReportAllocs()
	cpu0, _ := testtool.CPUTime()
	for b.Loop() {
		newView(r, nil, nil)
	}
	reportCPU(b, cpu0)
	b.ReportMetric(float64(len(r.Issues)), "issues")
	b.ReportMetric(float64(len(r.Edges)), "edges")
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

// BenchmarkPages200k renders each page of a 200,000-issue snapshot: "first"
// as its first view does (the snapshot is indexed, see
// BenchmarkSnapshot200k, but the page's rollup and graph layout are not
// cached yet), "again" as every later view of the same snapshot.
//
//	go test -run '^$' -bench Pages200k -benchmem -benchtime 10x ./web/
func BenchmarkPages200k(b *testing.B) {
	r := orgOf(200_000)
	s := New(Options{Report: func() *analysis.Report { return r }, Logger: slog.New(slog.DiscardHandler)})
	mux := http.NewServeMux()
	s.Register(mux)
	v := s.view()
	cycle := r.Findings[0] // most severe first: a cycle
	for _, p := range []struct{ name, path string }{
		{"overview", "/"},
		{"graph", "/graph"},
		{"graph-team", "/graph?team=team3&all=1"},
		{"findings", "/findings"},
		{"findings-filtered", "/findings?team=team3&kind=misaligned"},
		{"team", "/teams/team3"},
		{"issue", issueURL(cycle.Issue)},
	} {
		for _, first := range []bool{true, false} {
			name := p.name + "/again"
			if first {
				name = p.name + "/first"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				cpu0, _ := testtool.CPUTime()
				for range b.N {
					if first {
						v.mu.Lock()
						clear(v.digests)
						v.mu.Unlock()
						v.graphMu.Lock()
						clear(v.graphs)
						v.graphMu.Unlock()
					}
					rec := httptest.NewRecorder()
					mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s = %d", p.path, rec.Code)
					}
					io.Copy(io.Discard, rec.Body)
				}
				reportCPU(b, cpu0)
			})
		}
	}
}
