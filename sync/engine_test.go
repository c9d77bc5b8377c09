package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// fakeSource replays scripted batches; a nil Issues slot with err set fails.
type fakeSource struct {
	name  string
	pages []model.Batch
	errs  []error // error returned by the n-th call to Sync, after its pages
	mu    stdsync.Mutex
	calls int
	seen  []map[string]string // cursors passed to each call
}

func (f *fakeSource) Name() string { return f.name }

func (f *fakeSource) Sync(ctx context.Context, cursors map[string]string, emit func(context.Context, model.Batch) error) error {
	f.mu.Lock()
	n := f.calls
	f.calls++
	f.seen = append(f.seen, cursors)
	f.mu.Unlock()
	for _, p := range f.pages {
		if err := emit(ctx, p); err != nil {
			return err
		}
	}
	if n < len(f.errs) {
		return f.errs[n]
	}
	return nil
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "baton.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func issue(source, key string, updated time.Time) model.Issue {
	return model.Issue{Key: key, Source: source, System: model.Jira, Title: key, Status: model.StatusTodo,
		RawStatus: "To Do", Created: updated, Updated: updated}
}

var quiet = slog.New(slog.DiscardHandler)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func TestCursorDoesNotAdvanceWhenPageFails(t *testing.T) {
	st := newStore(t)
	src := &fakeSource{name: "s", pages: []model.Batch{
		{Issues: []model.Issue{issue("s", "jira:A-1", t0)}, Cursors: map[string]string{"": "c1"}},
		{Issues: []model.Issue{issue("s", "", t0.Add(time.Minute))}, Cursors: map[string]string{"": "c2"}}, // invalid: no key
	}}
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Attempts: -1}}
	e.Add(src, time.Minute, nil)
	failed := e.RunOnce(context.Background(), 1)
	if failed["s"] == nil {
		t.Fatalf("RunOnce failed = %v, want an error for source s", failed)
	}
	if got := committedCursor(t, st, "s"); got != "c1" {
		t.Errorf("cursor = %q, want c1 (the last committed page's)", got)
	}
	issues, err := st.LoadIssues(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 1 || issues[0].Key != "jira:A-1" {
		t.Errorf("stored %d issues (%v), want only jira:A-1", len(issues), issues)
	}
	if s := e.Status()["s"]; !s.Failing || s.LastError == "" {
		t.Errorf("status = %+v, want failing with an error", s)
	}
}

func TestNextRoundStartsFromCommittedCursors(t *testing.T) {
	st := newStore(t)
	src := &fakeSource{name: "s", pages: []model.Batch{
		{Issues: []model.Issue{issue("s", "jira:A-1", t0)}, Cursors: map[string]string{"": "c1", "x": "y"}},
	}}
	e := &Engine{Logger: quiet, Store: st}
	e.Add(src, time.Minute, nil)
	for range 2 {
		if failed := e.RunOnce(context.Background(), 1); len(failed) > 0 {
			t.Fatalf("RunOnce: %v", failed)
		}
	}
	if len(src.seen) != 2 || len(src.seen[0]) != 0 || src.seen[1][""] != "c1" || src.seen[1]["x"] != "y" {
		t.Errorf("cursors passed = %v, want none then {\"\":c1, x:y}", src.seen)
	}
}

func TestOneFailingSourceDoesNotStopOthers(t *testing.T) {
	st := newStore(t)
	bad := &fakeSource{name: "bad", errs: []error{&httpapi.APIError{Op: "listing", Status: 401}}}
	good := &fakeSource{name: "good", pages: []model.Batch{{Issues: []model.Issue{issue("good", "jira:G-1", t0)}}}}
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Base: time.Millisecond}}
	e.Add(bad, time.Minute, nil)
	e.Add(good, time.Minute, nil)
	failed := e.RunOnce(context.Background(), 2)
	if len(failed) != 1 || failed["bad"] == nil {
		t.Fatalf("failed = %v, want only bad", failed)
	}
	if bad.calls != 1 {
		t.Errorf("permanent failure tried %d times, want 1 (no retry)", bad.calls)
	}
	if s := e.Status()["bad"]; !s.Permanent {
		t.Errorf("status of bad = %+v, want permanent", s)
	}
	if n := storedCount(t, st, "good"); n != 1 {
		t.Errorf("good has %d stored issues, want 1", n)
	}
}

func TestTransientFailureIsRetried(t *testing.T) {
	st := newStore(t)
	src := &fakeSource{name: "s", errs: []error{
		&httpapi.APIError{Op: "listing", Status: 502},
		fmt.Errorf("reading page: %w", errors.New("connection reset")),
	}}
	var rounds []error
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Base: time.Millisecond},
		OnRound: func(r Round) { rounds = append(rounds, r.Err) }}
	e.Add(src, time.Minute, nil)
	if failed := e.RunOnce(context.Background(), 1); len(failed) != 0 {
		t.Fatalf("failed = %v, want success on the third try", failed)
	}
	if src.calls != 3 || len(rounds) != 3 || rounds[2] != nil {
		t.Errorf("calls = %d, rounds = %v; want 3 calls, the last succeeding", src.calls, rounds)
	}
	if s := e.Status()["s"]; s.Failing || s.LastSuccess.IsZero() {
		t.Errorf("status = %+v, want healthy", s)
	}
}

func TestBackoffHonoursRetryAfterAndCaps(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 10 * time.Second}
	plain := errors.New("x")
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		if got := b.delay(attempt, plain); got != want {
			t.Errorf("delay(%d) = %s, want %s", attempt, got, want)
		}
	}
	ra := &httpapi.APIError{Status: 429, Wait: 7 * time.Second}
	if got := b.delay(0, fmt.Errorf("wrapped: %w", ra)); got != 7*time.Second {
		t.Errorf("delay with Retry-After 7s = %s", got)
	}
	long := &httpapi.APIError{Status: 403, Wait: time.Hour}
	if got := b.delay(0, long); got != 10*time.Second {
		t.Errorf("delay with Retry-After 1h = %s, want the cap 10s", got)
	}
}

func TestRunStopsWhenContextEnds(t *testing.T) {
	e, cancel, done := runHourly(t, &fakeSource{name: "s"})
	waitRounds(t, e, "s", 1)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestAddIsRefusedOnceRunStops: a source added after Run stopped waiting for
// loops (a reload racing shutdown) must not start a loop that outlives the
// store.
func TestAddIsRefusedOnceRunStops(t *testing.T) {
	st := newStore(t)
	e := &Engine{Logger: quiet, Store: st}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.Run(ctx)
	late := &fakeSource{name: "late"}
	if err := e.Add(late, time.Hour, nil); !errors.Is(err, ErrStopped) {
		t.Errorf("Add after Run returned: %v, want ErrStopped", err)
	}
	if got := e.Sources(); len(got) != 0 {
		t.Errorf("Sources after a refused Add = %v, want none", got)
	}
	e.RunOnce(context.Background(), 1) // would sync a source Add had registered
	if late.calls != 0 {
		t.Errorf("the refused source synced %d times, want 0", late.calls)
	}
}

func TestSourcesCanBeReplacedAndRemovedWhileRunning(t *testing.T) {
	old := &fakeSource{name: "s"}
	e, cancel, done := runHourly(t, old)
	t.Cleanup(func() { cancel(); <-done })
	waitRounds(t, e, "s", 1)

	replacement := &fakeSource{name: "s", pages: []model.Batch{{Issues: []model.Issue{issue("s", "jira:R-1", t0)}}}}
	e.Add(replacement, time.Hour, nil)
	waitRounds(t, e, "s", 2)
	old.mu.Lock()
	oldCalls := old.calls
	old.mu.Unlock()
	if oldCalls != 1 {
		t.Errorf("the replaced source ran %d rounds, want 1", oldCalls)
	}
	added := &fakeSource{name: "t"}
	e.Add(added, time.Hour, nil)
	waitRounds(t, e, "t", 1)
	if got := e.Sources(); len(got) != 2 || got[0] != "s" || got[1] != "t" {
		t.Errorf("Sources = %v, want [s t]", got)
	}
	e.Remove("s")
	if got := e.Sources(); len(got) != 1 || got[0] != "t" {
		t.Errorf("after Remove, Sources = %v, want [t]", got)
	}
	if _, ok := e.Status()["s"]; ok {
		t.Error("a removed source still has a status")
	}
}

// start runs e until cancel; done closes when Run has returned.
func start(e *Engine) (cancel context.CancelFunc, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.Run(ctx); close(stopped) }()
	return cancel, stopped
}

// runHourly runs an engine over src, polled hourly, until cancel.
func runHourly(t *testing.T, src *fakeSource) (e *Engine, cancel context.CancelFunc, done <-chan struct{}) {
	e = &Engine{Logger: quiet, Store: newStore(t)}
	e.Add(src, time.Hour, nil)
	cancel, done = start(e)
	return e, cancel, done
}

// storedCount is how many issues of source st holds.
func storedCount(t *testing.T, st *store.Store, source string) int {
	t.Helper()
	counts, err := st.CountBySource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[source]
}

// committedCursor is the cursor stored for the whole of source.
func committedCursor(t *testing.T, st *store.Store, source string) string {
	t.Helper()
	cur, err := st.Cursors(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	return cur[""]
}

func waitRounds(t *testing.T, e *Engine, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.Status()[name].Rounds < n {
		if time.Now().After(deadline) {
			t.Fatalf("source %s did not reach %d rounds: %+v", name, n, e.Status()[name])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestALongRateLimitPausesTheSourceUntilItLifts(t *testing.T) {
	st := newStore(t)
	limited := &fakeSource{name: "s", errs: []error{&httpapi.APIError{Op: "listing", Status: 403, Wait: time.Hour}}}
	var waits []Progress
	var mu stdsync.Mutex
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Base: time.Millisecond, Max: time.Minute},
		OnProgress: func(p Progress) { mu.Lock(); waits = append(waits, p); mu.Unlock() }}
	e.Add(limited, 10*time.Millisecond, nil)
	cancel, done := start(e)
	waitRounds(t, e, "s", 1)
	time.Sleep(200 * time.Millisecond) // twenty intervals: without the pause it would poll again
	cancel()
	<-done

	if limited.calls != 1 {
		t.Errorf("a source limited for an hour was asked %d times, want 1 (no retry, no poll before the reset)", limited.calls)
	}
	s := e.Status()["s"]
	if until := time.Until(s.ResumeAt); until < 59*time.Minute || until > time.Hour {
		t.Errorf("ResumeAt in %s, want about an hour", until)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 1 || !waits[0].WaitingUntil.Equal(s.ResumeAt) {
		t.Errorf("progress = %+v, want one wait until %s", waits, s.ResumeAt)
	}
}

// reserveKept is a connector's error for a quota reserve it keeps.
type reserveKept struct{}

func (reserveKept) Error() string      { return "keeping the quota reserve" }
func (reserveKept) WaitReason() string { return "keeping the quota reserve (1000 of 5000 left)" }

func TestAPauseForAQuotaReserveSaysWhyInTheLogStatusAndProgress(t *testing.T) {
	st := newStore(t)
	src := &fakeSource{name: "s", errs: []error{&httpapi.APIError{Op: "listing", Err: reserveKept{}, Wait: time.Hour}}}
	var logs bytes.Buffer
	var waits []Progress
	var mu stdsync.Mutex
	e := &Engine{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Store: st, Retry: Backoff{Base: time.Millisecond, Max: time.Minute},
		OnProgress: func(p Progress) { mu.Lock(); waits = append(waits, p); mu.Unlock() }}
	e.Add(src, time.Hour, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	// The round is counted before the pause is decided, logged and shown, and
	// a stop in between skips the pause: wait for the progress, its last step.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(waits)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
	}
	cancel()
	<-done

	const why = "keeping the quota reserve (1000 of 5000 left)"
	if s := e.Status()["s"]; s.WaitReason != why || s.ResumeAt.IsZero() {
		t.Errorf("status: waits for %q until %v, want %q until the reset", s.WaitReason, s.ResumeAt, why)
	}
	if !strings.Contains(logs.String(), `msg="source paused until its quota resets" source=s reason="`+why+`"`) {
		t.Errorf("log does not say why the source waits:\n%s", logs.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 1 || waits[0].WaitReason != why {
		t.Errorf("progress = %+v, want one wait saying %q", waits, why)
	}
}

// TestARoundSaysWhetherItWrote: the daemon re-analyses only after rounds
// that wrote, so a round that only re-read what is stored must say so, and
// a failed round must still count the pages it committed.
func TestARoundSaysWhetherItWrote(t *testing.T) {
	st := newStore(t)
	var rounds []Round
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Attempts: -1}, OnRound: func(r Round) { rounds = append(rounds, r) }}
	for _, src := range []*fakeSource{
		{name: "s", pages: []model.Batch{{Issues: []model.Issue{issue("s", "jira:A-1", t0)}}}},
		{name: "s", pages: []model.Batch{{Issues: []model.Issue{issue("s", "jira:A-1", t0.Add(-time.Minute))}}}}, // older than stored: kept
		{name: "s", pages: []model.Batch{{Issues: []model.Issue{issue("s", "jira:A-2", t0)}}}, errs: []error{errors.New("boom")}},
	} {
		e.Add(src, time.Minute, nil)
		e.RunOnce(context.Background(), 1)
	}
	want := []struct {
		wrote  bool
		failed bool
	}{{true, false}, {false, false}, {true, true}}
	if len(rounds) != len(want) {
		t.Fatalf("%d rounds reported, want %d", len(rounds), len(want))
	}
	for i, r := range rounds {
		if r.Source != "s" || r.Wrote() != want[i].wrote || (r.Err != nil) != want[i].failed {
			t.Errorf("round %d: %+v, wrote %v; want wrote %v, failed %v", i+1, r, r.Wrote(), want[i].wrote, want[i].failed)
		}
	}
}

func TestPollNowStartsARoundBeforeTheIntervalEnds(t *testing.T) {
	src := &fakeSource{name: "a"}
	e, cancel, done := runHourly(t, src)
	defer func() { cancel(); <-done }()
	waitRounds(t, e, "a", 1)
	if e.PollNow("nope") {
		t.Error("PollNow of an unknown source reported it registered")
	}
	if !e.PollNow("a") {
		t.Fatal("PollNow of a registered source reported it unknown")
	}
	waitRounds(t, e, "a", 2)
}
