package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

// benchIssue is issue n of a synthetic org shaped like a real one: a few
// hundred bytes of body, labels, an assignee, activity, and a link on every
// second issue (so 200,000 issues carry 100,000 links).
func benchIssue(n int) model.Issue {
	key := fmt.Sprintf("github:acme/repo-%02d#%d", n%20, n)
	is := model.Issue{
		Key: key, Source: "github", System: model.GitHub,
		URL:   "https://github.com/acme/repo/issues/" + fmt.Sprint(n),
		Title: fmt.Sprintf("Issue %d: make the payment retries idempotent across regions", n),
		Body:  strings.Repeat("Some description of the work to be done. ", 10),
		Team:  "payments", Status: model.StatusInProgress, RawStatus: "open",
		Assignees: []string{"dev" + fmt.Sprint(n%50)}, Priority: 2, RawPriority: "P2",
		Labels:  []string{"team:payments", "in progress"},
		Created: now.Add(-time.Duration(n) * time.Minute), Updated: now.Add(time.Duration(n) * time.Millisecond),
		StatusChanged:  now.Add(-48 * time.Hour),
		Iteration:      &model.Iteration{Name: "Sprint 48", End: now.Add(7 * 24 * time.Hour), State: "open"},
		ActivityEvents: []time.Time{now.Add(-3 * time.Hour), now.Add(-2 * time.Hour), now.Add(-time.Hour)},
	}
	if n%2 == 1 {
		is.Links = []model.Link{{From: fmt.Sprintf("github:acme/repo-%02d#%d", (n-1)%20, n-1), To: key,
			Type: model.Blocks, Origin: model.OriginGitHubDependency, RawType: "blocked by"}}
	}
	return is
}

func benchBatch(first, size int) model.Batch {
	b := model.Batch{Source: "github", Issues: make([]model.Issue, size),
		Cursors: map[string]string{"acme/repo": fmt.Sprint(first + size)}}
	for i := range b.Issues {
		b.Issues[i] = benchIssue(first + i)
	}
	return b
}

// BenchmarkApplyBatch commits 100-issue batches of new issues, as a first
// full sync does; issues/s is the store's share of the sync throughput.
func BenchmarkApplyBatch(b *testing.B) {
	const size = 100
	s := openBenchStore(b)
	// A context that can end, as the sync engine's commit timeout gives.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	batches := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchBatch(batches*size, size)
		b.StartTimer()
		if _, err := s.ApplyBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
		batches++
	}
	b.ReportMetric(float64(batches*size)/b.Elapsed().Seconds(), "issues/s")
}

// BenchmarkLoadIssues loads 200,000 open issues and their 100,000 links.
func BenchmarkLoadIssues(b *testing.B) {
	const total, size = 200_000, 1000
	s := openBenchStore(b)
	ctx := context.Background()
	for first := 0; first < total; first += size {
		if _, err := s.ApplyBatch(ctx, benchBatch(first, size)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	var issues []model.Issue
	var before, after runtime.MemStats
	for b.Loop() {
		b.StopTimer()
		issues = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		var err error
		if issues, err = s.LoadIssues(ctx, now.Add(-30*24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		if len(issues) != total {
			b.Fatalf("loaded %d issues, want %d", len(issues), total)
		}
	}
	// What the result keeps on the heap, the part of peak memory that lasts
	// until the next analysis.
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(issues)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "MB-held")
}

func openBenchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
