package sync

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

// refetchSource re-fetches by handing over a fixed batch.
type refetchSource struct {
	fakeSource
	batch model.Batch
}

func (r *refetchSource) Refetch(ctx context.Context, keys []string, emit func(context.Context, model.Batch) error) error {
	return emit(ctx, r.batch)
}

func TestRefetchCommitsIssuesAndConfirmedDeletionsAndLeavesCursorsAlone(t *testing.T) {
	st := newStore(t)
	src := &refetchSource{fakeSource: fakeSource{name: "s", pages: []model.Batch{{
		Issues:  []model.Issue{issue("s", "jira:A-1", t0), issue("s", "jira:A-2", t0), issue("s", "jira:A-3", t0)},
		Cursors: map[string]string{"": "c1"},
	}}}}
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Attempts: -1}}
	var rounds []Round
	e.OnRound = func(r Round) { rounds = append(rounds, r) }
	if err := e.Add(src, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if failed := e.RunOnce(t.Context(), 1); len(failed) > 0 {
		t.Fatal(failed)
	}
	edited := issue("s", "jira:A-1", t0.Add(time.Minute))
	edited.Title = "edited"
	src.batch = model.Batch{Issues: []model.Issue{edited}, Gone: []string{"jira:A-2", "jira:B-9"}, Cursors: map[string]string{"": "from a webhook"}}
	r, err := e.Refetch(t.Context(), "s", []string{"jira:A-1", "jira:A-2", "jira:B-9"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Upserted != 1 || r.Deleted != 1 || !r.Wrote() || len(rounds) != 2 {
		t.Errorf("round %+v after %d OnRound calls, want 1 upserted, 1 deleted (B-9 was never stored), reported", r, len(rounds))
	}
	if got := committedCursor(t, st, "s"); got != "c1" {
		t.Errorf("cursor %q, want c1: a re-fetch moves no cursor", got)
	}
	issues, err := st.LoadIssues(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, is := range issues {
		titles[is.Key] = is.Title
	}
	if len(titles) != 2 || titles["jira:A-1"] != "edited" || titles["jira:A-3"] == "" {
		t.Errorf("stored %v, want A-1 edited and A-3, A-2 deleted", titles)
	}
}

func TestRefetchOfASourceThatCannotIsAnError(t *testing.T) {
	e := &Engine{Logger: quiet, Store: newStore(t)}
	if err := e.Add(&fakeSource{name: "s"}, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Refetch(t.Context(), "s", []string{"jira:A-1"}); err == nil {
		t.Error("Refetch of a source without Refetch: no error")
	}
}

// panickingRefetch re-fetches by panicking, as a connector's conversion
// would on a payload it did not expect.
type panickingRefetch struct{ fakeSource }

func (p *panickingRefetch) Refetch(context.Context, []string, func(context.Context, model.Batch) error) error {
	var links map[string]*model.Link
	_ = links["jira:B-2"].From
	return nil
}

// TestAPanickingRefetchFailsItAndIsReported: a webhook's re-fetch runs
// beyond any round, so the engine recovers its panic as it does a round's:
// the daemon goes on and the failure is reported like any other.
func TestAPanickingRefetchFailsItAndIsReported(t *testing.T) {
	e := &Engine{Logger: quiet, Store: newStore(t)}
	var rounds []Round
	e.OnRound = func(r Round) { rounds = append(rounds, r) }
	if err := e.Add(&panickingRefetch{fakeSource{name: "s"}}, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.Refetch(t.Context(), "s", []string{"jira:A-1"})
	if err == nil || !strings.Contains(err.Error(), "panic: ") || !IsPermanent(err) {
		t.Errorf("Refetch error = %v, want a permanent one with the panic", err)
	}
	if len(rounds) != 1 || rounds[0].Err == nil {
		t.Errorf("OnRound calls %+v, want one with the failure", rounds)
	}
}
