package github

import (
	"context"
	"errors"
	"net/http"
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
	boom := errors.New("disk full")
	calls := 0
	emit := func(context.Context, model.Batch) error {
		calls++
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
}
