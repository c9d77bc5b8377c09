package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	stdsync "sync"
	"time"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// Observer is told the outcome of every source round (metrics implement it).
type Observer interface {
	SyncRound(source string, took time.Duration, upserted int, err error)
	// WithheldDeletions is told, after every reconcile, how many deletions
	// of source the DeletionGuard withholds (0 once none are).
	WithheldDeletions(source string, n int)
	// FailingScopes is told, after every round of a ScopeReporter, how many
	// of its parts are failing on their own (0 once none are).
	FailingScopes(source string, n int)
}

// Engine runs the configured sources against one store.
type Engine struct {
	Store    *store.Store
	Logger   *slog.Logger
	Observer Observer // may be nil
	// OnRound is called after every source round, successful or not (the
	// daemon re-analyses after a round that wrote). May be nil.
	OnRound func(Round)
	// OnProgress, if set, is called after every committed page of a round,
	// and with WaitingUntil set when a source starts waiting to retry.
	OnProgress func(Progress)
	// Retry governs retries of transient failures within a round.
	Retry Backoff
	// CommitTimeout bounds how long an in-flight page may take to commit after
	// shutdown has begun.
	CommitTimeout time.Duration

	runMu   stdsync.Mutex // guards runners, runCtx and stopped
	runners []*runner
	runCtx  context.Context // set while Run runs
	stopped bool            // Run has begun to stop: no loop may start any more
	loops   stdsync.WaitGroup

	mu       stdsync.Mutex // guards status, guards, timeouts and withheld
	status   map[string]Status
	guards   map[string]DeletionGuard
	timeouts map[string]time.Duration       // of a round, by source
	withheld map[string]map[string][]string // by source and Present prefix, the keys withheld, sorted
}

// Status is what the engine knows of one source, for /readyz and logs.
type Status struct {
	Rounds      int
	LastSuccess time.Time
	LastError   string // of the latest round; "" when it succeeded
	Failing     bool
	Permanent   bool             // the latest error cannot be fixed by retrying soon
	ResumeAt    time.Time        // set while the source waits for a rate limit to lift
	WaitReason  string           // why it waits, when its connector says (keeping a quota reserve)
	API         httpapi.Snapshot // the source's requests and quota so far; zero without a Usage
	// WithheldDeletions is how many deletions the last reconciles found but
	// the DeletionGuard withholds until the next reconcile agrees.
	WithheldDeletions int
	// FailingScopes are the parts of a ScopeReporter failing on their own.
	FailingScopes []model.ScopeFailure
}

// Usage is a source's HTTP layer as the engine reads it: an *httpapi.Meter.
type Usage interface{ Snapshot() httpapi.Snapshot }

type runner struct {
	src      Source
	interval time.Duration
	api      Usage              // nil if none
	stop     context.CancelFunc // set while its loop runs
	done     chan struct{}      // closed when its loop has returned
	now      chan struct{}      // ends the wait for the next round; holds one request
}

// ErrStopped is Add's answer once Run has begun to stop: a loop started then
// would outlive the wait for loops and write to a store being closed.
var ErrStopped = errors.New("the sync engine has stopped")

// Add registers a source with its polling interval and its HTTP layer's
// usage (nil if none). A source of the same name is replaced: while the
// engine runs, its loop is stopped (a page being committed is finished)
// before the new one starts. Once Run has begun to stop, Add changes nothing
// and returns ErrStopped.
func (e *Engine) Add(src Source, interval time.Duration, api Usage) error {
	r := &runner{src: src, interval: interval, api: api, now: make(chan struct{}, 1)}
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if e.stopped {
		return ErrStopped
	}
	if i := e.indexLocked(src.Name()); i >= 0 {
		e.runners[i].halt()
		e.runners[i] = r
	} else {
		e.runners = append(e.runners, r)
	}
	if e.runCtx != nil {
		e.startLocked(r)
	}
	return nil
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
	delete(e.guards, name)
	delete(e.withheld, name)
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

// PollNow asks the named source's loop for a round now rather than at the
// end of its interval, for a webhook's hint that only a round reads (a
// board moved); a request made during a round starts another once it ends,
// and requests made while one waits are one. It reports whether the source
// is registered. A source waiting for a rate limit to lift still waits.
func (e *Engine) PollNow(name string) bool {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	i := e.indexLocked(name)
	if i < 0 {
		return false
	}
	select {
	case e.runners[i].now <- struct{}{}:
	default:
	}
	return true
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

// Status returns a copy of the status of every source that has finished a
// round, with its API usage.
func (e *Engine) Status() map[string]Status {
	e.mu.Lock()
	out := make(map[string]Status, len(e.status))
	for k, v := range e.status {
		v.WithheldDeletions = e.withheldLocked(k)
		out[k] = v
	}
	e.mu.Unlock()
	e.runMu.Lock()
	defer e.runMu.Unlock()
	for _, r := range e.runners {
		s, ok := out[r.src.Name()]
		if !ok {
			continue
		}
		if r.api != nil {
			s.API = r.api.Snapshot()
		}
		if sr, ok := r.src.(ScopeReporter); ok {
			s.FailingScopes = sr.FailingScopes()
		}
		out[r.src.Name()] = s
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

// Release lets go of every source's connector, keeping its name, status
// (its failing scopes included) and API usage, in a process that syncs no
// more (baton sync --once, after RunOnce): what a connector keeps for its
// next round is garbage from then on. A released source's rounds and
// refetches fail and it rereads nothing; call Release only while no round
// runs.
func (e *Engine) Release() {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	for _, r := range e.runners {
		rel := released{name: r.src.Name()}
		if sr, ok := r.src.(ScopeReporter); ok {
			rel.scopes = sr.FailingScopes()
		}
		r.src = rel
	}
}

// released stands for a connector Release let go of: its name and the
// scopes its last round left failing, no rounds.
type released struct {
	name   string
	scopes []model.ScopeFailure
}

func (r released) Name() string { return r.name }

func (r released) FailingScopes() []model.ScopeFailure { return r.scopes }

func (r released) Sync(context.Context, map[string]string, func(context.Context, model.Batch) error) error {
	return fmt.Errorf("source %s was released after its last round", r.name)
}

// Run polls every source on its interval (with jitter) until ctx is done,
// and returns once every loop has stopped. An engine runs once: from the
// moment ctx is done, Add refuses new sources.
func (e *Engine) Run(ctx context.Context) {
	e.runMu.Lock()
	e.runCtx = ctx
	for _, r := range e.runners {
		e.startLocked(r)
	}
	e.runMu.Unlock()
	<-ctx.Done()
	e.runMu.Lock()
	e.runCtx, e.stopped = nil, true
	e.runMu.Unlock()
	e.loops.Wait()
	e.runMu.Lock()
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
			select {
			case <-ctx.Done():
				return
			case <-time.After(until):
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-r.now:
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
