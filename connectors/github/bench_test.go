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
// used.
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
	}
	b.ReportMetric(float64(first), "quota-first")
	b.ReportMetric(float64(second), "quota-unchanged")
}
