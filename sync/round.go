package sync

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton/model"
)

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
			e.setResume(name, at, waitReasonOf(err))
			if why := waitReasonOf(err); why != "" {
				e.logger().Warn("source paused until its quota resets", "source", name, "reason", why, "resume_at", at.UTC().Format(time.RFC3339))
			} else {
				e.logger().Warn("source rate-limited; pausing it until the limit lifts", "source", name, "resume_at", at.UTC().Format(time.RFC3339))
			}
			e.progressWait(name, at, err)
			return outcome{err: err, at: at}
		}
		if attempt >= e.Retry.attempts() {
			return outcome{err: err}
		}
		wait := e.Retry.delay(attempt, err)
		e.logger().Warn("sync round failed, retrying", "source", name, "err", err, "retry_in", wait.Round(time.Second))
		e.progressWait(name, time.Now().Add(wait), err)
		select {
		case <-ctx.Done():
			return outcome{err: err}
		case <-time.After(wait):
		}
	}
}

// progressWait tells the progress display that a source waits until at,
// and why when err says.
func (e *Engine) progressWait(name string, at time.Time, err error) {
	if e.OnProgress != nil {
		e.OnProgress(Progress{Source: name, WaitingUntil: at, WaitReason: waitReasonOf(err), QuotaLeft: -1})
	}
}

func (e *Engine) setResume(name string, at time.Time, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.status == nil {
		e.status = map[string]Status{}
	}
	s := e.status[name]
	s.ResumeAt, s.WaitReason = at, why
	e.status[name] = s
}

// DefaultRoundTimeout bounds a round of a source without a timeout of its own
// (SetRoundTimeout): long
// enough for a first sync of a large Jira site page after page (a round cut
// short keeps its committed pages and the next resumes from them), short
// enough that a source stuck in a slow server reports failing within the
// hour BatonDataStale allows.
const DefaultRoundTimeout = 30 * time.Minute

// SetRoundTimeout bounds each round of the named source, retries within it
// included (DefaultRoundTimeout until set). It may be called while the
// engine runs; a round under way keeps the deadline it started with.
func (e *Engine) SetRoundTimeout(source string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.timeouts == nil {
		e.timeouts = map[string]time.Duration{}
	}
	e.timeouts[source] = d
}

// round runs one source round within its deadline: the connector streams
// batches, each committed with its cursors before the next is read.
func (e *Engine) round(ctx context.Context, r *runner) error {
	name := r.src.Name()
	start := time.Now()
	st := roundStats{started: start, api: r.api}
	if r.api != nil {
		st.requests0 = r.api.Snapshot().Total()
	}
	e.mu.Lock()
	timeout := cmp.Or(e.timeouts[name], DefaultRoundTimeout)
	e.mu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cursors, err := e.Store.Cursors(rctx, name)
	if err == nil {
		err = e.recovering(name, "sync round", func() error {
			return r.src.Sync(rctx, cursors, func(ctx context.Context, b model.Batch) error {
				return e.commit(ctx, name, b, &st)
			})
		})
	}
	switch {
	case err != nil && ctx.Err() != nil:
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	case err != nil && rctx.Err() != nil:
		err = fmt.Errorf("round stopped at its %s deadline: %w", timeout, err)
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
	timeout := e.CommitTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	deleted, err := e.guardDeletions(cctx, name, &b)
	if err != nil {
		return fmt.Errorf("saving a page of %s: %w", name, err)
	}
	if len(deleted) > 0 {
		if err := e.rereadHolders(ctx, name, &b, deleted, st); err != nil {
			return fmt.Errorf("saving a page of %s: %w", name, err)
		}
	}
	namedGone(&b, deleted)
	applied, err := e.Store.ApplyBatch(cctx, b)
	if err != nil {
		return fmt.Errorf("saving a page of %s: %w", name, err)
	}
	st.pages++
	st.fetched += len(b.Issues)
	st.upserted += applied.Upserted
	st.deleted += applied.Deleted
	if e.OnProgress != nil {
		p := Progress{Source: name, Pages: st.pages, Issues: st.fetched, Started: st.started}
		p.Requests, p.QuotaLeft = st.usage()
		e.OnProgress(p)
	}
	return nil
}

// Round is how one source round ended: what its committed pages wrote
// (a failed round keeps the pages it committed) and its error.
type Round struct {
	Source   string
	Upserted int // issues written
	Deleted  int // issues deleted by reconciles
	Err      error
}

// Wrote reports whether the round changed any stored issue, and with it,
// possibly, a finding.
func (r Round) Wrote() bool { return r.Upserted > 0 || r.Deleted > 0 }

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
	WaitReason   string // why it waits, when the connector says (a quota reserve kept)
}

type roundStats struct {
	pages, fetched, upserted, deleted int
	started                           time.Time
	api                               Usage // nil if none
	requests0                         int64 // requests sent before the round
}

// usage is how many requests the round has sent and the quota left (-1 when
// the API has not said).
func (st *roundStats) usage() (requests, quotaLeft int64) {
	if st.api == nil {
		return 0, -1
	}
	snap := st.api.Snapshot()
	quotaLeft = -1
	if snap.Quota.Known {
		quotaLeft = snap.Quota.Remaining
	}
	return snap.Total() - st.requests0, quotaLeft
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
		s.LastSuccess, s.LastError, s.Failing, s.Permanent, s.ResumeAt, s.WaitReason = start.Add(took), "", false, false, time.Time{}, ""
	} else {
		s.LastError, s.Failing, s.Permanent = err.Error(), true, IsPermanent(err)
	}
	e.status[name] = s
	e.mu.Unlock()

	attrs := []any{"source", name, "pages", st.pages, "fetched", st.fetched, "upserted", st.upserted,
		"deleted", st.deleted, "duration", took.Round(time.Millisecond)}
	if st.api != nil {
		requests, quotaLeft := st.usage()
		attrs = append(attrs, "requests", requests)
		if quotaLeft >= 0 {
			attrs = append(attrs, "quota_left", quotaLeft)
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
		if sr, ok := r.src.(ScopeReporter); ok {
			e.Observer.FailingScopes(name, len(sr.FailingScopes()))
		}
	}
	if e.OnRound != nil {
		e.OnRound(Round{Source: name, Upserted: st.upserted, Deleted: st.deleted, Err: err})
	}
}
