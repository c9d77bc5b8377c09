package github

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// oneWorker is acme/core with n issues (every fifth a pull request),
// synced one repository and one request at a time.
func oneWorker(t *testing.T, n int) *env {
	t.Helper()
	e := newEnv(t, []string{"acme/core"}, func(s *config.Source) { s.Parallel = 1 })
	e.addRepo(t, "acme/core", n)
	return e
}

func TestAPageIsListedWhileThePageBeforeCommits(t *testing.T) {
	e := oneWorker(t, 150)
	page2 := make(chan struct{})
	var once sync.Once
	e.afterResponse = func(r *http.Request) {
		if r.URL.Path == "/repos/acme/core/issues" && r.URL.Query().Get("page") == "2" {
			once.Do(func() { close(page2) })
		}
	}
	// The first page's commit waits for the second page's listing: were
	// they one after the other, it would never come.
	emit := func(ctx context.Context, b model.Batch) error {
		if len(e.store.batches) == 0 {
			select {
			case <-page2:
			case <-time.After(10 * time.Second):
				t.Error("page 2 was not listed while page 1 committed")
			}
		}
		return e.store.emit(ctx, b)
	}
	if err := e.src.Sync(context.Background(), e.store.cursorCopy(), emit); err != nil {
		t.Fatal(err)
	}
	if got := len(e.store.issues); got != 120 {
		t.Errorf("stored %d issues, want 120", got)
	}
	if e.store.cursors["acme/core"] == "" {
		t.Error("no cursor stored for acme/core")
	}
}

func TestAFailedCommitDropsThePagesHandedOverAfterIt(t *testing.T) {
	e := oneWorker(t, 250)
	page3 := make(chan struct{})
	var once sync.Once
	e.afterResponse = func(r *http.Request) {
		if r.URL.Path == "/repos/acme/core/issues" && r.URL.Query().Get("page") == "3" {
			once.Do(func() { close(page3) })
		}
	}
	boom := errors.New("disk full")
	calls := 0
	// The first commit fails once page 3 is listed, so page 2 is queued
	// behind it by then.
	emit := func(context.Context, model.Batch) error {
		calls++
		select {
		case <-page3:
		case <-time.After(10 * time.Second):
			t.Error("page 3 was not listed while page 1 committed")
		}
		return boom
	}
	if err := e.src.Sync(context.Background(), e.store.cursorCopy(), emit); !errors.Is(err, boom) {
		t.Fatalf("sync error = %v, want %v", err, boom)
	}
	if calls != 1 {
		t.Errorf("emit called %d times, want once: the pages after a failed one are not committed", calls)
	}
}

func TestACommitThatPanicsFailsTheRound(t *testing.T) {
	e := oneWorker(t, 250)
	emit := func(context.Context, model.Batch) error { panic("bad page") }
	err := e.src.Sync(context.Background(), e.store.cursorCopy(), emit)
	if err == nil || !strings.Contains(err.Error(), "committing a page: panic: bad page") || !isPermanent(err) {
		t.Fatalf("sync error = %v, want the commit's panic, permanent", err)
	}
	if f := e.src.FailingScopes(); len(f) != 1 || f[0].Scope != "acme/core" {
		t.Errorf("failing scopes %+v, want acme/core's, whose page panicked", f)
	}
}

func TestACommitThatPanicsFailsOnlyItsRepositoryNotThoseQueuedBehindIt(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web"}, func(s *config.Source) { s.Parallel = 2 })
	e.addRepo(t, "acme/core", 250)
	e.addRepo(t, "acme/web", 250)
	emit := func(ctx context.Context, b model.Batch) error {
		if _, ok := b.Cursors["acme/web"]; ok {
			panic("bad page")
		}
		return e.store.emit(ctx, b)
	}
	if err := e.src.Sync(context.Background(), e.store.cursorCopy(), emit); err == nil {
		t.Fatal("sync succeeded, want the commit's panic")
	}
	if f := e.src.FailingScopes(); len(f) != 1 || f[0].Scope != "acme/web" {
		t.Errorf("failing scopes %+v, want acme/web's alone", f)
	}
}

func TestAPageQueuedBehindOneThatPanicsGetsTheOthersFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var c *commits
	emit := func(context.Context, model.Batch) error {
		for len(c.queue) == 0 { // until the next page is queued behind this one
			runtime.Gosched()
		}
		panic("bad page")
	}
	c = startCommits(ctx, cancel, 4, slog.New(slog.DiscardHandler), emit, func(model.Batch) {})
	web, core := repoName{"acme", "web"}, repoName{"acme", "core"}
	if err := c.hand(ctx, web, model.Batch{}); err != nil {
		t.Fatal(err)
	}
	err := c.commit(ctx, core, model.Batch{})
	var p panicked
	if !errors.As(err, &p) || p.repo != web {
		t.Fatalf("commit error = %v, want acme/web's panic", err)
	}
	if ownFailure(err) {
		t.Errorf("acme/core's commit failed on its own, want the failure the round's")
	}
	if err := c.stop(); !errors.As(err, &p) {
		t.Errorf("stop = %v, want the panic", err)
	}
}

// Sync stops the committer in a defer too, so that a panic cannot leave
// it waiting for batches: stopping again must neither panic nor change
// the answer.
func TestStoppingTheCommitsAgainGivesTheSameFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	boom := errors.New("disk full")
	c := startCommits(ctx, cancel, 1, slog.New(slog.DiscardHandler), func(context.Context, model.Batch) error { return boom },
		func(model.Batch) {})
	if err := c.commit(ctx, repoName{"acme", "core"}, model.Batch{}); !errors.Is(err, boom) {
		t.Fatalf("commit error = %v, want %v", err, boom)
	}
	for i := range 2 {
		if err := c.stop(); !errors.Is(err, boom) {
			t.Errorf("stop #%d = %v, want %v", i+1, err, boom)
		}
	}
}
