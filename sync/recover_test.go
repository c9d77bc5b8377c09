package sync

import (
	"context"
	"log/slog"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

// panickingSource commits one page, then panics as a connector would on a
// payload it did not expect.
type panickingSource struct{ calls int }

func (p *panickingSource) Name() string { return "boom" }

func (p *panickingSource) Sync(ctx context.Context, _ map[string]string, emit func(context.Context, model.Batch) error) error {
	p.calls++
	if err := emit(ctx, model.Batch{Issues: []model.Issue{issue("boom", "jira:B-1", t0)}, Cursors: map[string]string{"": "c1"}}); err != nil {
		return err
	}
	var links map[string]*model.Link
	_ = links["jira:B-2"].From // the nil dereference a null in a payload caused
	return nil
}

// roundsObserver counts rounds and failed rounds by source, as the metrics
// do, and keeps the last count of withheld deletions.
type roundsObserver struct {
	mu                       stdsync.Mutex
	rounds, failed, withheld map[string]int
}

func newRoundsObserver() *roundsObserver {
	return &roundsObserver{rounds: map[string]int{}, failed: map[string]int{}, withheld: map[string]int{}}
}

func (o *roundsObserver) FailingScopes(string, int) {}

func (o *roundsObserver) WithheldDeletions(source string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.withheld[source] = n
}

func (o *roundsObserver) SyncRound(source string, _ time.Duration, _ int, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rounds[source]++
	if err != nil {
		o.failed[source]++
	}
}

// records keeps the log records of a test.
type records struct {
	mu  stdsync.Mutex
	all []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func TestAPanicFailsItsRoundWhileOtherSourcesKeepSyncing(t *testing.T) {
	st := newStore(t)
	boom := &panickingSource{}
	good := &fakeSource{name: "good", pages: []model.Batch{{Issues: []model.Issue{issue("good", "jira:G-1", t0)}}}}
	obs := newRoundsObserver()
	logs := &records{}
	e := &Engine{Logger: slog.New(logs), Store: st, Observer: obs, Retry: Backoff{Base: time.Millisecond}}
	e.Add(boom, time.Minute, nil)
	e.Add(good, time.Minute, nil)
	for round := 1; round <= 2; round++ {
		failed := e.RunOnce(context.Background(), 2)
		if len(failed) != 1 || !strings.Contains(failed["boom"].Error(), "panic: ") {
			t.Fatalf("round %d: failed = %v, want only boom, with its panic", round, failed)
		}
	}
	if boom.calls != 2 {
		t.Errorf("the panicking source ran %d times in two rounds, want 2 (a panic is not retried at once)", boom.calls)
	}
	if obs.failed["boom"] != 2 || obs.failed["good"] != 0 || obs.rounds["good"] != 2 {
		t.Errorf("observed rounds %v, failed %v; want boom failing twice, good succeeding twice", obs.rounds, obs.failed)
	}
	if s := e.Status()["boom"]; !s.Failing || !strings.Contains(s.LastError, "nil pointer") {
		t.Errorf("status of boom = %+v, want failing with the panic", s)
	}
	if got := committedCursor(t, st, "boom"); got != "c1" {
		t.Errorf("cursor of boom = %q, want c1 (the page committed before the panic)", got)
	}
	if n := storedCount(t, st, "good"); n != 1 {
		t.Errorf("good has %d stored issues, want 1", n)
	}
	stacks := 0
	for _, rec := range logs.all {
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "stack" && rec.Level == slog.LevelError && strings.Contains(a.Value.String(), "recover_test.go") {
				stacks++
			}
			return true
		})
	}
	if stacks != 2 {
		t.Errorf("%d error records with the panic's stack, want 2 (one a round)", stacks)
	}
}
