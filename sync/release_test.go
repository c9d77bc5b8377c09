package sync

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"

	"github.com/batonhq/baton/model"
)

// scopedSource is a fakeSource some of whose scopes fail on their own.
type scopedSource struct {
	*fakeSource
	scopes []model.ScopeFailure
}

func (s scopedSource) FailingScopes() []model.ScopeFailure { return s.scopes }

func TestReleaseLetsGoOfTheConnectorsAndKeepsTheirNamesAndStatus(t *testing.T) {
	e := &Engine{Logger: quiet, Store: newStore(t), Retry: Backoff{Attempts: -1}}
	failing := []model.ScopeFailure{{Scope: "acme/old", Failures: 2, RetryAt: t0, Err: "HTTP 500"}}
	connector := func() weak.Pointer[fakeSource] {
		src := &fakeSource{name: "s", pages: []model.Batch{
			{Issues: []model.Issue{issue("s", "jira:A-1", t0)}, Cursors: map[string]string{"": "c1"}},
		}}
		if err := e.Add(scopedSource{src, failing}, time.Minute, nil); err != nil {
			t.Fatal(err)
		}
		return weak.Make(src)
	}()
	if failed := e.RunOnce(context.Background(), 1); len(failed) > 0 {
		t.Fatalf("RunOnce: %v", failed)
	}

	e.Release()
	runtime.GC()
	if connector.Value() != nil {
		t.Error("the connector is still reachable from the engine after Release")
	}
	if got := e.Sources(); !slices.Equal(got, []string{"s"}) {
		t.Errorf("Sources after Release = %v, want [s]", got)
	}
	if got := e.Status()["s"].Rounds; got != 1 {
		t.Errorf("rounds of s after Release = %d, want 1", got)
	}
	if got := e.Status()["s"].FailingScopes; !slices.Equal(got, failing) {
		t.Errorf("failing scopes of s after Release = %v, want %v", got, failing)
	}
	if failed := e.RunOnce(context.Background(), 1); failed["s"] == nil {
		t.Error("a round of a released source succeeded")
	}
}
