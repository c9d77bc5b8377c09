package daemon

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

var modelSeeds = flag.Int("model.seeds", 0, "seeds for TestIncrementalSyncEqualsFullSync, each with a larger organisation and more edits (0: the normal suite's few)")

// TestIncrementalSyncEqualsFullSync is the model-based test of the promise
// that an incremental store is the trackers' truth: for each seed, random
// batches of edits (comments, status moves, closes and reopens, blocking
// links added and removed, deletions, transfers, twin edits, an edit while a
// listing pages) are made to the simulated GitHub and Jira, each followed by
// an incremental sync; after one more sync with no edits the store must
// equal, issue by issue and link by link, a fresh full sync of the same
// final state into a new store. A failure names the seed, the first
// difference and the edits made.
func TestIncrementalSyncEqualsFullSync(t *testing.T) {
	seeds, size := 3, modelSize{issues: 180, batches: 6, edits: 5}
	if *modelSeeds > 0 {
		seeds, size = *modelSeeds, modelSize{issues: 1000, batches: 20, edits: 8}
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { checkIncrementalEqualsFull(t, uint64(seed), size) })
	}
}

type modelSize struct{ issues, batches, edits int }

func checkIncrementalEqualsFull(t *testing.T, seed uint64, size modelSize) {
	start := time.Now().UTC().Truncate(time.Second)
	deployment := []string{jirasim.Cloud, jirasim.DataCenter}[seed%2] // Jira Cloud and Data Center page differently
	org, err := apisim.Generate(apisim.Spec{Seed: int64(seed), Issues: size.issues, Teams: 2, Repos: 1, Projects: 2, Now: start,
		JiraDeployment: deployment})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{org: org, rng: rand.New(rand.NewPCG(seed, 23)), now: start}
	// The generated repository has over a hundred issues and pull requests,
	// so its listings page; a second, small one receives transfers; a third,
	// not synced, holds blockers outside the synced scope.
	for _, r := range []string{spareRepo, outsideRepo} {
		owner, name, _ := strings.Cut(r, "/")
		if err := org.GitHub.AddRepo(owner, name); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := org.GitHub.AddIssue(r, githubsim.Issue{Title: "an issue of " + r, User: "octocat"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	gh := httptest.NewServer(&pagingEdits{next: org.GitHubHandler(), w: w})
	jira := httptest.NewServer(org.JiraHandler())
	t.Cleanup(gh.Close)
	t.Cleanup(jira.Close)
	w.gitHub = liveGitHubIssues(org)
	w.pending, w.log = true, []string{"first sync: its first listing page is followed by an edit"}
	incremental := modelDaemon(t, org, gh.URL, jira.URL)
	syncOnce(t, incremental)
	for b := range size.batches {
		w.log = append(w.log, fmt.Sprintf("batch %d:", b+1))
		w.edit(size.edits)
		syncOnce(t, incremental)
	}
	w.log = append(w.log, "a sync with no edits")
	syncOnce(t, incremental)

	full := modelDaemon(t, org, gh.URL, jira.URL)
	syncOnce(t, full)
	if diff := firstDifference(t, snapshot(t, incremental), snapshot(t, full)); diff != "" {
		t.Fatalf("seed %d: the incremental store differs from a full sync (-incremental +full):\n%s\nedits:\n  %s",
			seed, diff, strings.Join(w.log, "\n  "))
	}
}

// The repositories added to the generated organisation.
const (
	spareRepo   = "acme/spare"
	outsideRepo = "elsewhere/ext" // not synced: the source syncs acme/*
)

// modelDaemon opens a daemon with its own store on the simulators, every
// round reconciling.
func modelDaemon(t *testing.T, org *apisim.Org, gitHubURL, jiraURL string) *Daemon {
	t.Helper()
	cfg := simConfig(t, org, gitHubURL, jiraURL)
	reconcileEveryRound(cfg)
	d, _ := openTest(t, cfg, nil, nil)
	t.Cleanup(func() { d.Close() })
	return d
}

// snapshot is every stored issue of d, with its body and links, by key.
func snapshot(t *testing.T, d *Daemon) map[string]model.Issue {
	t.Helper()
	out := stored(t, d)
	for k := range out {
		is, _, err := d.Store().Issue(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = is
	}
	return out
}

// firstDifference describes the first issue, in key order, that differs
// between got and want, or is in only one of them; "" when they are equal.
func firstDifference(t *testing.T, got, want map[string]model.Issue) string {
	t.Helper()
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
		for k := range want {
			if _, ok := got[k]; !ok && !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		g, inGot := got[k]
		w, inWant := want[k]
		switch {
		case !inWant:
			return k + ": stored, but not by a full sync"
		case !inGot:
			return k + ": stored by a full sync only"
		}
		if diff := cmp.Diff(g, w); diff != "" {
			return k + ":\n" + diff
		}
	}
	return ""
}

// liveGitHubIssues is the key of every issue (not pull request) of the
// synced repositories of a new organisation, whose numbers have no gaps.
func liveGitHubIssues(org *apisim.Org) []string {
	var keys []string
	for _, r := range org.GitHub.Repos() {
		if r == outsideRepo {
			continue
		}
		owner, name, _ := strings.Cut(r, "/")
		for n := 1; ; n++ {
			is, ok := org.GitHub.Get(githubsim.IssueRef{Repo: r, Number: n})
			if !ok {
				break
			}
			if !is.PullRequest {
				keys = append(keys, model.GitHubKey(owner, name, n))
			}
		}
	}
	return keys
}

// pagingEdits makes the world's pending edit, if any, right after a first
// page of a GitHub listing was served: the issue edited moves to the end of
// the listing being read.
type pagingEdits struct {
	next http.Handler
	w    *world
}

func (p *pagingEdits) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	p.next.ServeHTTP(rw, r)
	if page := r.URL.Query().Get("page"); strings.HasSuffix(r.URL.Path, "/issues") && (page == "" || page == "1") {
		p.w.duringPaging()
	}
}

// world is one seed's random edit sequence: the organisation, the
// simulators' clock, the live GitHub keys and what was done.
type world struct {
	org    *apisim.Org
	rng    *rand.Rand
	now    time.Time
	gitHub []string // live issues of the synced repositories

	mu      stdsync.Mutex // guards pending and log while a sync runs
	pending bool          // an edit to make once the next listing has served a page
	log     []string
}

// edit makes n random edits a second apart, a minute after the last ones,
// with at most one deletion and one transfer (well under the share of a
// listing that reconcile would hold back as a mass deletion).
func (w *world) edit(n int) {
	w.tick(time.Minute)
	budget := map[string]int{"delete": 1, "transfer": 1}
	for done := 0; done < n; {
		w.tick(time.Second)
		var what string
		var err error
		if w.rng.IntN(2) == 0 {
			what, err = w.editGitHub(budget)
		} else {
			what, err = w.editJira(budget)
		}
		if err != nil {
			w.log = append(w.log, fmt.Sprintf("  %s: %v", what, err))
		} else if what != "" {
			w.log = append(w.log, "  "+what)
			done++
		}
	}
}

func (w *world) tick(d time.Duration) {
	w.now = w.now.Add(d)
	w.org.GitHub.SetNow(w.now)
	w.org.Jira.SetNow(w.now)
}

// duringPaging makes the pending edit, if any: a comment on a random
// issue while the sync reads a listing.
func (w *world) duringPaging() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.pending || len(w.gitHub) == 0 {
		return
	}
	w.pending = false
	k := w.gitHub[w.rng.IntN(len(w.gitHub))]
	ref, _ := gitHubRef(k)
	if err := w.org.GitHub.AddComment(ref, "octocat", "edited while a listing paged"); err != nil {
		w.log = append(w.log, fmt.Sprintf("  %s: commented during paging: %v", k, err))
		return
	}
	w.log = append(w.log, "  "+k+": commented during paging")
}

func (w *world) pick(keys []string) string { return keys[w.rng.IntN(len(keys))] }
