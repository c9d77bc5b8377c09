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

func TestReleaseLetsGoOfTheConnectorsAndKeepsTheirNamesAndStatus(t *testing.T) {
	e := &Engine{Logger: quiet, Store: newStore(t), Retry: Backoff{Attempts: -1}}
	connector := func() weak.Pointer[fakeSource] {
		src := &fakeSource{name: "s", pages: []model.Batch{
			{Issues: []model.Issue{issue("s", "jira:A-1", t0)}, Cursors: map[string]string{"": "c1"}},
		}}
		if err := e.Add(src, time.Minute, nil); err != nil {
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
	if failed := e.RunOnce(context.Background(), 1); failed["s"] == nil {
		t.Error("a round of a released source succeeded")
	}
}
