package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	stdsync "sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// Observer is told the outcome of every source round (metrics implement it).
type Observer interface {
	SyncRound(source string, took time.Duration, upserted int, err error)
}

// Engine runs the configured sources against one store.
type Engine struct {
	Store    *store.Store
	Logger   *slog.Logger
	Observer Observer // may be nil
	// OnRound is called after every source round, successful or not (the
	// daemon uses it to schedule a debounced re-analysis). May be nil.
	OnRound func(source string, err error)
	// OnProgress, if set, is called after every committed page of a round,
	// and with WaitingUntil set when a source starts waiting to retry.
	OnProgress func(Progress)
	// Retry governs retries of transient failures within a round.
	Retry Backoff
	// CommitTimeout bounds how long an in-flight page may take to commit after
	// shutdown has begun.
	CommitTimeout time.Duration

	teams atomic.Pointer[[]model.Team]

	runMu   stdsync.Mutex // guards runners and runCtx
	runners []*runner
	runCtx  context.Context // set while Run runs
	loops   stdsync.WaitGroup

	mu     stdsync.Mutex // guards status
	status map[string]Status
}

// Status is what the engine knows of one source, for /readyz and logs.
type Status struct {
	Rounds      int
	LastSuccess time.Time
	LastError   string // of the latest round; "" when it succeeded
	Failing     bool
	Permanent   bool      // the latest error cannot be fixed by retrying soon
	ResumeAt    time.Time // set while the source waits for a rate limit to lift
}

type runner struct {
	src      Source
	interval time.Duration
	meter    *Meter
	stop     context.CancelFunc // set while its loop runs
	done     chan struct{}      // closed when its loop has returned
}

// SetTeams sets the teams that claim issues: each stored issue gets the name
// of its team. It may be called while the engine runs.
func (e *Engine) SetTeams(teams []model.Team) { e.teams.Store(&teams) }

// Add registers a source with its polling interval and the meter counting
// its HTTP requests (nil if none). A source of the same name is replaced:
// while the engine runs, its loop is stopped (a page being committed is
// finished) before the new one starts.
func (e *Engine) Add(src Source, interval time.Duration, meter *Meter) {
	r := &runner{src: src, interval: interval, meter: meter}
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if i := e.indexLocked(src.Name()); i >= 0 {
		e.runners[i].halt()
		e.runners[i] = r
	} else {
		e.runners = append(e.runners, r)
	}
	if e.runCtx != nil {
		e.startLocked(r)
	}
}

// Remove stops and forgets the named source.
func (e *Engine) Remove(name string) {
	e.runMu.Lock()
	if i := e.indexLocked(name); i >= 0 {
		e.runners[i].halt()
		e.runners = append(e.runners[:i], e.runners[i+1:]...)
	}
	e.runMu.Unlock()
	e.mu.Lock()
	delete(e.status, name)
	e.mu.Unlock()
}

func (e *Engine) indexLocked(name string) int {
	for i, r := range e.runners {
		if r.src.Name() == name {
			return i
		}
	}
	return -1
}

// halt stops the runner's loop, if running, and waits for it to return.
func (r *runner) halt() {
	if r.stop != nil {
		r.stop()
		<-r.done
	}
}

func (e *Engine) startLocked(r *runner) {
	ctx, stop := context.WithCancel(e.runCtx)
	r.stop, r.done = stop, make(chan struct{})
	e.loops.Go(func() {
		defer close(r.done)
		e.loop(ctx, r)
	})
}

// Sources returns the names of the registered sources.
func (e *Engine) Sources() []string {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	names := make([]string, len(e.runners))
	for i, r := range e.runners {
		names[i] = r.src.Name()
	}
	return names
}

// Status returns a copy of every source's status.
func (e *Engine) Status() map[string]Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]Status, len(e.status))
	for k, v := range e.status {
		out[k] = v
	}
	return out
}

// RunOnce syncs every source once, at most parallel at a time, and returns
// each failing source's error by name.
func (e *Engine) RunOnce(ctx context.Context, parallel int) map[string]error {
	if parallel < 1 {
		parallel = 1
	}
	sem := make(chan struct{}, parallel)
	var mu stdsync.Mutex
	failed := map[string]error{}
	var wg stdsync.WaitGroup
	e.runMu.Lock()
	runners := slices.Clone(e.runners)
	e.runMu.Unlock()
	for _, r := range runners {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if o := e.roundWithRetry(ctx, r); o.err != nil {
				mu.Lock()
				failed[r.src.Name()] = o.err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// Run polls every source on its interval (with jitter) until ctx is done,
// and returns once every loop has stopped.
func (e *Engine) Run(ctx context.Context) {
	e.runMu.Lock()
	e.runCtx = ctx
	for _, r := range e.runners {
		e.startLocked(r)
	}
	e.runMu.Unlock()
	<-ctx.Done()
	e.loops.Wait()
	e.runMu.Lock()
	e.runCtx = nil
	for _, r := range e.runners {
		r.stop = nil
	}
	e.runMu.Unlock()
}

func (e *Engine) loop(ctx context.Context, r *runner) {
	for {
		resume := e.roundWithRetry(ctx, r) // the error is recorded in Status, logged and observed
		wait := jitter(r.interval)
		if until := time.Until(resume.at); until > wait {
			wait = until
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// jitter spreads polls of many sources over ±10% of the interval.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Second
	}
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}

// outcome is how a round with its retries ended; at, when set, is the
// earliest time the API will answer again (a rate limit's reset).
type outcome struct {
	err error
	at  time.Time
}

// roundWithRetry runs one round and retries it while it fails transiently.
// A rate limit that lifts later than the backoff cap ends the round: the
// source resumes when the limit lifts, not before.
func (e *Engine) roundWithRetry(ctx context.Context, r *runner) outcome {
	name := r.src.Name()
	for attempt := 0; ; attempt++ {
		err := e.round(ctx, r)
		if err == nil || ctx.Err() != nil || IsPermanent(err) {
			return outcome{err: err}
		}
		if ra := retryAfterOf(err); ra > e.Retry.max() {
			at := time.Now().Add(ra)
			e.setResume(name, at)
			e.logger().Warn("source rate-limited; pausing it until the limit lifts", "source", name, "resume_at", at.UTC().Format(time.RFC3339))
			e.progressWait(name, at)
			return outcome{err: err, at: at}
		}
		if attempt >= e.Retry.attempts() {
			return outcome{err: err}
		}
		wait := e.Retry.delay(attempt, err)
		e.logger().Warn("sync round failed, retrying", "source", name, "err", err, "retry_in", wait.Round(time.Second))
		e.progressWait(name, time.Now().Add(wait))
		select {
		case <-ctx.Done():
			return outcome{err: err}
		case <-time.After(wait):
		}
	}
}

// progressWait tells the progress display that a source waits until at.
func (e *Engine) progressWait(name string, at time.Time) {
	if e.OnProgress != nil {
		e.OnProgress(Progress{Source: name, WaitingUntil: at, QuotaLeft: -1})
	}
}

func (e *Engine) setResume(name string, at time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.status == nil {
		e.status = map[string]Status{}
	}
	s := e.status[name]
	s.ResumeAt = at
	e.status[name] = s
}

// round runs one source round: the connector streams batches, each committed
// with its cursors before the next is read.
func (e *Engine) round(ctx context.Context, r *runner) error {
	name := r.src.Name()
	start := time.Now()
	st := roundStats{started: start, meter: r.meter}
	if r.meter != nil {
		st.requests0 = r.meter.Requests()
	}
	cursors, err := e.Store.Cursors(ctx, name)
	if err == nil {
		err = r.src.Sync(ctx, cursors, func(ctx context.Context, b model.Batch) error {
			return e.commit(ctx, name, b, &st)
		})
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	}
	took := time.Since(start)
	e.finish(ctx, r, start, took, &st, err)
	return err
}

// commit saves one batch. Shutdown does not abort a commit under way: the
// page that is being written is finished, within CommitTimeout.
func (e *Engine) commit(ctx context.Context, name string, b model.Batch, st *roundStats) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.Source = name
	var teams []model.Team
	if t := e.teams.Load(); t != nil {
		teams = *t
	}
	for i := range b.Issues {
		b.Issues[i].Team = model.TeamOf(teams, &b.Issues[i])
	}
	timeout := e.CommitTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	applied, err := e.Store.ApplyBatch(cctx, b)
	if err != nil {
		return fmt.Errorf("saving a page of %s: %w", name, err)
	}
	st.pages++
	st.fetched += len(b.Issues)
	st.upserted += applied.Upserted
	st.deleted += applied.Deleted
	if e.OnProgress != nil {
		p := Progress{Source: name, Pages: st.pages, Issues: st.fetched, Started: st.started, QuotaLeft: -1}
		if st.meter != nil {
			p.Requests = st.meter.Requests() - st.requests0
			if q, ok := st.meter.QuotaLeft(); ok {
				p.QuotaLeft = q
			}
		}
		e.OnProgress(p)
	}
	return nil
}

// Progress is the state of a round under way, after a committed page.
type Progress struct {
	Source    string
	Pages     int
	Issues    int
	Requests  int64
	QuotaLeft int64 // -1 when the API has not said
	Started   time.Time
	// WaitingUntil, when set, says the source is waiting to retry (a rate
	// limit or a transient failure) until then; the counts are not set.
	WaitingUntil time.Time
}

type roundStats struct {
	pages, fetched, upserted, deleted int
	started                           time.Time
	meter                             *Meter
	requests0                         int64
}

func (e *Engine) finish(ctx context.Context, r *runner, start time.Time, took time.Duration, st *roundStats, err error) {
	name := r.src.Name()
	e.mu.Lock()
	if e.status == nil {
		e.status = map[string]Status{}
	}
	s := e.status[name]
	s.Rounds++
	if err == nil {
		s.LastSuccess, s.LastError, s.Failing, s.Permanent, s.ResumeAt = start.Add(took), "", false, false, time.Time{}
	} else {
		s.LastError, s.Failing, s.Permanent = err.Error(), true, IsPermanent(err)
	}
	e.status[name] = s
	e.mu.Unlock()

	attrs := []any{"source", name, "pages", st.pages, "fetched", st.fetched, "upserted", st.upserted,
		"deleted", st.deleted, "duration", took.Round(time.Millisecond)}
	if r.meter != nil {
		attrs = append(attrs, "requests", r.meter.Requests()-st.requests0)
		if q, ok := r.meter.QuotaLeft(); ok {
			attrs = append(attrs, "quota_left", q)
		}
	}
	errMsg := ""
	if err != nil {
		errMsg = err.Error()
		e.logger().Error("sync round failed", append(attrs, "permanent", IsPermanent(err), "err", err)...)
	} else {
		e.logger().Info("sync round", attrs...)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if rerr := e.Store.RecordSyncRun(rctx, name, start, start.Add(took), errMsg); rerr != nil {
		e.logger().Warn("recording sync run", "source", name, "err", rerr)
	}
	if e.Observer != nil {
		e.Observer.SyncRound(name, took, st.upserted, err)
	}
	if e.OnRound != nil {
		e.OnRound(name, err)
	}
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.Default()
	}
	return e.Logger
}

// IsPermanent reports whether err says retrying soon cannot help.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p) && p.Permanent()
}
