package rollup

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wneessen/go-mail"

	"github.com/batonhq/baton/analysis"
)

// fakeClock stands still until the test moves it; every wait the scheduler
// starts is handed to the test, which decides when it ends.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan wait
}

type wait struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeClock(at time.Time) *fakeClock { return &fakeClock{now: at, waits: make(chan wait, 16)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	w := wait{d: d, fire: make(chan time.Time, 1)}
	c.waits <- w
	return w.fire
}

// pass lets n of the scheduler's waits end at once and returns how long
// each was.
func (c *fakeClock) pass(t *testing.T, n int) []time.Duration {
	t.Helper()
	var waits []time.Duration
	for range n {
		w := c.next(t)
		waits = append(waits, w.d)
		w.fire <- c.Now()
	}
	return waits
}

// next returns the scheduler's next wait: its pass before it is over.
func (c *fakeClock) next(t *testing.T) wait {
	t.Helper()
	select {
	case w := <-c.waits:
		return w
	case <-time.After(time.Minute):
		t.Fatal("the scheduler started no wait within a minute")
		return wait{}
	}
}

// fakeTransport records the subjects it sent, failing while failing is set.
type fakeTransport struct {
	mu       sync.Mutex
	failing  bool
	subjects []string
}

func (f *fakeTransport) Send(_ context.Context, msg *mail.Msg) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing {
		return errors.New("451 try again later")
	}
	f.subjects = append(f.subjects, msg.GetGenHeader(mail.HeaderSubject)[0])
	return nil
}

func (f *fakeTransport) sent() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subjects)
}

func (f *fakeTransport) setFailing(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = v
}

// hooks counts what the scheduler reported.
type hooks struct {
	mu     sync.Mutex
	sent   int
	failed int
}

func newTestScheduler(t *testing.T, ledger Ledger, tr Transport, clock Clock, report func() *analysis.Report) (*Scheduler, *hooks) {
	t.Helper()
	cfg := testConfig()
	sender, err := NewSender(cfg, ledger, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScheduler(cfg, sender, report, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h := &hooks{}
	s.Clock = clock
	s.RetryBase, s.RetryMax, s.ReportPoll = time.Second, 4*time.Second, 3*time.Second
	s.OnSent = func(_ Channel, n int, _ time.Time) { h.mu.Lock(); h.sent += n; h.mu.Unlock() }
	s.OnFailed = func(Channel) { h.mu.Lock(); h.failed++; h.mu.Unlock() }
	return s, h
}

// run starts s.Run and stops it when the test ends.
func run(t *testing.T, s *Scheduler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
}

func TestDue(t *testing.T) {
	s, _ := newTestScheduler(t, newMemLedger(), &fakeTransport{}, newFakeClock(now), snapshot)
	cases := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 11, 23, 8, 59, 59, 0, time.UTC), false}, // Monday, before 09:00
		{time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), true},
		{now, true}, // Thursday: catch up
		{time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC), true},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), false}, // a new week, not yet 09:00
	}
	for _, c := range cases {
		if got := s.Due(c.at); got != c.want {
			t.Errorf("Due(%v) = %v, want %v", c.at, got, c.want)
		}
	}
}

func TestDueFollowsTheConfiguredZone(t *testing.T) {
	cfg := testConfig()
	cfg.Timezone = "Asia/Tokyo" // UTC+9: Monday 09:00 there is Monday 00:00 UTC
	sender, err := NewSender(cfg, newMemLedger(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScheduler(cfg, sender, snapshot, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Due(time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC)) {
		t.Error("due at Monday 08:59 in Tokyo")
	}
	if !s.Due(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Error("not due at Monday 09:00 in Tokyo")
	}
}

func TestRunRetriesFailedSendsWithBackoff(t *testing.T) {
	clock := newFakeClock(now)
	tr := &fakeTransport{failing: true}
	s, h := newTestScheduler(t, newMemLedger(), tr, clock, snapshot)
	run(t, s)

	waits := clock.pass(t, 4)
	tr.setFailing(false)
	w := clock.next(t)
	waits = append(waits, w.d)

	// Doubling from RetryBase, capped at RetryMax; then the hour-long wait
	// for the next tick.
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, time.Hour}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failed != 4*3 || h.sent != 3 || tr.sent() != 3 {
		t.Errorf("failed %d, sent %d (transport %d); want 12 failures then 3 sent", h.failed, h.sent, tr.sent())
	}
}

func TestRunWaitsForTheFirstReport(t *testing.T) {
	clock := newFakeClock(now)
	tr := &fakeTransport{}
	var mu sync.Mutex
	var latest *analysis.Report
	s, _ := newTestScheduler(t, newMemLedger(), tr, clock, func() *analysis.Report { mu.Lock(); defer mu.Unlock(); return latest })
	run(t, s)

	w := clock.next(t)
	if w.d != 3*time.Second || tr.sent() != 0 {
		t.Fatalf("without a report: waited %v and sent %d, want 3s and nothing", w.d, tr.sent())
	}
	mu.Lock()
	latest = snapshot()
	mu.Unlock()
	w.fire <- clock.Now()
	clock.next(t)
	if tr.sent() != 3 {
		t.Errorf("sent %d rollups once the report came, want 3", tr.sent())
	}
}

func TestRunWaitsUntilTheNextTick(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 11, 30, 8, 30, 0, 0, time.UTC)) // Monday, schedule at 09:00
	tr := &fakeTransport{}
	s, h := newTestScheduler(t, newMemLedger(), tr, clock, snapshot)
	run(t, s)

	w := clock.next(t)
	if w.d != 30*time.Minute || tr.sent() != 0 {
		t.Fatalf("before the tick: waited %v and sent %d, want 30m and nothing", w.d, tr.sent())
	}
	clock.set(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	w.fire <- clock.Now()
	clock.next(t)
	h.mu.Lock()
	defer h.mu.Unlock()
	if tr.sent() != 3 || h.sent != 3 {
		t.Errorf("at the tick: transport sent %d, hook counted %d; want 3", tr.sent(), h.sent)
	}
}

func TestSendDueStopsQuietlyOnShutdown(t *testing.T) {
	s, h := newTestScheduler(t, newMemLedger(), &fakeTransport{failing: true}, newFakeClock(now), snapshot)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sent, failed := s.SendDue(ctx, snapshot()); sent != 0 || failed != 0 || h.failed != 0 {
		t.Errorf("after shutdown: sent %d, failed %d, hook counted %d failures; want nothing", sent, failed, h.failed)
	}
}

func TestNewSchedulerRefusesAScheduleThatNeverFires(t *testing.T) {
	cfg := testConfig()
	cfg.Rollup.Schedule = "0 0 30 2 *" // 30 February
	sender, err := NewSender(cfg, newMemLedger(), &fakeTransport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewScheduler(cfg, sender, snapshot, nil)
	if err == nil || err.Error() != `rollup.schedule "0 0 30 2 *" never fires: no time in the next five years matches it` {
		t.Errorf("NewScheduler with a schedule that never fires: %v, want it refused", err)
	}
}

func TestRunNeverWaitsLessThanASecond(t *testing.T) {
	clock := newFakeClock(now)
	s, _ := newTestScheduler(t, newMemLedger(), &fakeTransport{}, clock, func() *analysis.Report { return nil })
	s.ReportPoll = -time.Minute
	run(t, s)
	for range 3 {
		w := clock.next(t)
		if w.d != time.Second {
			t.Fatalf("with a negative poll: waited %v, want the 1s floor", w.d)
		}
		w.fire <- clock.Now()
	}
}
