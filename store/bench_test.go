package store

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/testtool"
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

// listingBatch is batch n of a first sync that lists the 20 repositories of
// the bench org in turn, 100 issues a page, each repository's issues in the
// order of their (random) updated times, as GitHub's and Jira's listings
// sorted by updated give them: every page's keys land all over its
// repository's stretch of the key indexes.
func listingBatch(order []int, n int) model.Batch {
	const size, repos = 100, 20
	repo, page := n%repos, n/repos
	b := model.Batch{Source: "github", Issues: make([]model.Issue, size),
		Cursors: map[string]string{fmt.Sprintf("acme/repo-%02d", repo): fmt.Sprint(page)}}
	for i := range b.Issues {
		b.Issues[i] = benchIssue(order[(page*size+i)%len(order)]*repos + repo)
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
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		batch := benchBatch(batches*size, size)
		b.StartTimer()
		cpu += applyTimed(ctx, b, s, batch)
		batches++
	}
	reportApplied(b, batches*size, cpu)
}

// BenchmarkApplyBatchListingOrder commits 100-issue pages of new issues in
// the order a first sync's listings give them (listingBatch).
func BenchmarkApplyBatchListingOrder(b *testing.B) { benchListingOrder(b, 1) }

// BenchmarkApplyBatchConcurrently commits the same pages five at a time from
// as many goroutines, as a first sync does with GitHub's four repository
// workers and Jira.
func BenchmarkApplyBatchConcurrently(b *testing.B) { benchListingOrder(b, 5) }

// benchListingOrder commits listingBatch's pages, writers at a time on every
// writers-th turn of the loop.
func benchListingOrder(b *testing.B, writers int) {
	s := openBenchStore(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	// 10,000 issues a repository, 200,000 in all over the 2,000 batches
	// -benchtime=2000x runs.
	order := rand.New(rand.NewPCG(1, 2)).Perm(10_000)
	batches := 0
	var cpu time.Duration
	for b.Loop() {
		if batches++; batches%writers != 0 {
			continue
		}
		b.StopTimer()
		group := make([]model.Batch, writers)
		for i := range group {
			group[i] = listingBatch(order, batches-writers+i)
		}
		b.StartTimer()
		cpu0, _ := testtool.CPUTime()
		var wg sync.WaitGroup
		for _, batch := range group {
			wg.Go(func() {
				if _, err := s.ApplyBatch(ctx, batch); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		cpu1, _ := testtool.CPUTime()
		cpu += cpu1 - cpu0
	}
	reportApplied(b, batches/writers*writers*100, cpu)
}

// BenchmarkPagesPerTransaction commits the first sync's 2,000
// listing pages (benchListingOrder's) k to a transaction, to show what
// bigger transactions would save: "repos" puts k consecutive pages in one,
// pages of k repositories, as committing together the batches of several
// sources or repositories waiting for the writer would; "repo" puts k
// consecutive pages of one repository in one, as pages k times longer
// would. It reports the CPU time and the WAL frames per page, counted over
// 60 pages once 1,000 are stored (about 100,000 issues).
func BenchmarkPagesPerTransaction(b *testing.B) {
	const repos = 20
	b.Run("1", func(b *testing.B) {
		benchPagesPerTransaction(b, 1, func(t, _ int) int { return t })
	})
	for _, k := range []int{2, 5} {
		b.Run(fmt.Sprintf("repos/%d", k), func(b *testing.B) {
			benchPagesPerTransaction(b, k, func(t, i int) int { return t*k + i })
		})
		b.Run(fmt.Sprintf("repo/%d", k), func(b *testing.B) {
			benchPagesPerTransaction(b, k, func(t, i int) int { return ((t/repos)*k+i)*repos + t%repos })
		})
	}
}

// benchPagesPerTransaction commits the 2,000 pages of 100 issues k to a
// transaction on a new store, page(t, i) the i-th page of transaction t,
// and reports the CPU time and the WAL frames per page.
func benchPagesPerTransaction(b *testing.B, k int, page func(t, i int) int) {
	const pages, from, counted = 2000, 1000, 60
	var cpu time.Duration
	var frames int
	for b.Loop() {
		s := openBenchStore(b)
		ctx := context.Background()
		order := rand.New(rand.NewPCG(1, 2)).Perm(10_000)
		cpu = 0
		for t := range pages / k {
			batch := model.Batch{Source: "github", Cursors: map[string]string{}}
			for i := range k {
				p := listingBatch(order, page(t, i))
				batch.Issues = append(batch.Issues, p.Issues...)
				maps.Copy(batch.Cursors, p.Cursors)
			}
			if t*k == from {
				// An empty WAL, so that the frames counted are these pages'.
				walFrames(b, s, "TRUNCATE")
			}
			cpu += applyTimed(ctx, b, s, batch)
			if (t+1)*k == from+counted {
				frames = walFrames(b, s, "PASSIVE")
			}
		}
	}
	b.ReportMetric(cpu.Seconds(), "CPU-s/200k")
	b.ReportMetric(float64(frames)/counted, "frames/page")
}

// walFrames checkpoints s's WAL in mode and returns how many frames it held.
func walFrames(b *testing.B, s *Store, mode string) int {
	b.Helper()
	var busy, frames, copied int
	if err := s.db.QueryRow("PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied); err != nil {
		b.Fatal(err)
	}
	return frames
}

// applyTimed applies batch and returns the CPU time the process spent on it.
func applyTimed(ctx context.Context, b *testing.B, s *Store, batch model.Batch) time.Duration {
	cpu0, _ := testtool.CPUTime()
	if _, err := s.ApplyBatch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	cpu1, _ := testtool.CPUTime()
	return cpu1 - cpu0
}

// reportApplied reports issues/s, and the CPU time per 200,000 issues (a
// full sync of the bench org) where the platform measures it: on a shared
// machine the CPU time is what can be compared.
func reportApplied(b *testing.B, issues int, cpu time.Duration) {
	b.ReportMetric(float64(issues)/b.Elapsed().Seconds(), "issues/s")
	if _, ok := testtool.CPUTime(); ok {
		b.ReportMetric(cpu.Seconds()*200_000/float64(issues), "CPU-s/200k")
	}
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
