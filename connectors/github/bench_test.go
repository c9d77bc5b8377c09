package github

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
)

// BenchmarkFirstAndUnchangedSync syncs 10 repositories of 1,000 items (a
// fifth of them pull requests, one issue in ten with a native dependency)
// from scratch, then again with nothing changed, and reports the quota each
// used and the bytes and entries the answer cache keeps.
func BenchmarkFirstAndUnchangedSync(b *testing.B) {
	sim := githubsim.New(githubsim.Options{Now: func() time.Time { return t0 }, Quota: 1 << 30})
	hs := httptest.NewServer(sim)
	b.Cleanup(hs.Close)
	var repos []string
	for r := range 10 {
		name := fmt.Sprintf("repo%d", r)
		repos = append(repos, "acme/"+name)
		if err := sim.AddRepo("acme", name); err != nil {
			b.Fatal(err)
		}
		for i := 1; i <= 1000; i++ {
			at := t0.Add(-time.Duration(1000-i) * time.Minute)
			is := githubsim.Issue{Title: "issue", PullRequest: i%5 == 0, CreatedAt: at, UpdatedAt: at, Labels: []string{"P2"}}
			if i%10 == 1 {
				is.BlockedBy = []githubsim.IssueRef{{Repo: "acme/repo0", Number: 2}}
			}
			if _, err := sim.AddIssue("acme/"+name, is); err != nil {
				b.Fatal(err)
			}
		}
	}
	cfg := config.Source{Name: "gh", URL: hs.URL + "/", Token: "t", Settings: &Config{Repos: repos}, Parallel: 4,
		Overlap: config.Duration(2 * time.Minute), ReconcileInterval: config.Duration(24 * time.Hour)}
	var first, second int
	var cache *answerCache
	for b.Loop() {
		src, err := New(cfg, Options{Now: sim.Now})
		if err != nil {
			b.Fatal(err)
		}
		store := newMemStore()
		sim.ResetStats()
		if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
			b.Fatal(err)
		}
		first = sim.Stats().QuotaUsed
		sim.ResetStats()
		if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
			b.Fatal(err)
		}
		second = sim.Stats().QuotaUsed
		cache = src.answers
	}
	b.ReportMetric(float64(first), "quota-first")
	b.ReportMetric(float64(second), "quota-unchanged")
	b.ReportMetric(float64(cache.size), "cache-bytes")
	b.ReportMetric(float64(len(cache.entries)), "cache-entries")
}

// BenchmarkQuietRoundWithABoard is a round with nothing changed of a
// repository of 20,000 issues, all on one board (200 pages): a conditional
// listing and 200 board pages, every one answered 304.
func BenchmarkQuietRoundWithABoard(b *testing.B) {
	sim := githubsim.New(githubsim.Options{Now: func() time.Time { return t0 }, Quota: 1 << 30})
	hs := httptest.NewServer(sim)
	b.Cleanup(hs.Close)
	if err := sim.AddRepo("acme", "core"); err != nil {
		b.Fatal(err)
	}
	if err := sim.AddProject(githubsim.Project{Owner: "acme", Number: 7, Options: options}); err != nil {
		b.Fatal(err)
	}
	for i := range 20_000 {
		at := t0.Add(-time.Duration(20_000-i) * time.Minute)
		n, err := sim.AddIssue("acme/core", githubsim.Issue{Title: "issue", CreatedAt: at, UpdatedAt: at})
		if err != nil {
			b.Fatal(err)
		}
		if err := sim.SetItemAt(board7, githubsim.IssueRef{Repo: "acme/core", Number: n}, options[i%len(options)], at); err != nil {
			b.Fatal(err)
		}
	}
	cfg := config.Source{Name: "gh", URL: hs.URL + "/", Token: "t", Settings: &Config{Repos: []string{"acme/core"}}, Parallel: 4,
		Overlap: config.Duration(2 * time.Minute), ReconcileInterval: config.Duration(24 * time.Hour)}
	src, err := New(cfg, Options{Now: sim.Now, Status: config.GitHubStatus{Projects: []config.GitHubProject{project7}}})
	if err != nil {
		b.Fatal(err)
	}
	store := newMemStore()
	if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
		b.Fatal(err)
	}
	sim.ResetStats()
	b.ReportAllocs()
	for b.Loop() {
		if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
			b.Fatal(err)
		}
	}
	if st := sim.Stats(); st.QuotaUsed != 0 {
		b.Fatalf("quiet rounds used %d quota", st.QuotaUsed)
	}
	b.ReportMetric(float64(len(store.cursors[ProjectsScope])), "cursor-bytes")
}
