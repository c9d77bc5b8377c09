package github

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/batonhq/baton/model"
)

// commits hands the repositories' batches to the engine's emit on a
// goroutine of its own, one at a time, in the order they are handed over
// (so each repository's pages, and their cursors, stay in order). A worker
// that hands over a page goes on listing the next while it commits: when
// the workers committed in turn, each waited for the others' commits
// (5.3 s of worker time in the 200k benchmark's trace, about 1.3 s of the
// round's wall time) with its requests not asked. The first failed emit
// stops the commits: the batches still queued are dropped, the round's
// context is cancelled, and every later hand-over fails with it.
type commits struct {
	queue   chan pending
	failed  chan struct{} // closed once err is set
	err     error
	stopped chan struct{} // closed when the queue is closed and drained
	closing sync.Once     // closes the queue: stop may be called again
}

// pending is a batch of repository r handed over; done, when not nil, is
// given nil once the batch is committed, or the failure that stopped the
// commits.
type pending struct {
	r    repoName
	b    model.Batch
	done chan error
}

// startCommits starts committing with emit, up to ahead batches queued;
// cancel cancels ctx, the round's, after a failed emit. committed runs
// after each batch committed.
func startCommits(ctx context.Context, cancel context.CancelFunc, ahead int, log *slog.Logger,
	emit func(context.Context, model.Batch) error, committed func(model.Batch)) *commits {
	c := &commits{queue: make(chan pending, max(1, ahead)), failed: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(c.stopped)
		for p := range c.queue {
			if c.err == nil {
				if err := commitRecovering(ctx, log, emit, p); err != nil {
					c.err = err
					close(c.failed)
					cancel()
				} else {
					committed(p.b)
				}
			}
			if p.done != nil {
				p.done <- c.err
			}
		}
	}()
	return c
}

// commitRecovering runs emit(ctx, p.b), turning a panic into a permanent
// failure of p.r with the stack logged: it runs beyond the engine's
// recover, and one batch the store cannot take must not stop the daemon.
func commitRecovering(ctx context.Context, log *slog.Logger, emit func(context.Context, model.Batch) error, p pending) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("committing a page panicked", "repo", p.r.String(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = panicked{op: "committing a page", repo: p.r, value: v}
		}
	}()
	return emit(ctx, p.b)
}

// hand queues b and returns without waiting for its commit, or the
// failure that stopped the commits (as an emitError), or ctx's error.
func (c *commits) hand(ctx context.Context, r repoName, b model.Batch) error {
	return c.handOver(ctx, pending{r: r, b: b})
}

// commit queues b and returns once it is committed: what follows it
// (the sub-issue book, a reconcile reading it) needs it stored.
func (c *commits) commit(ctx context.Context, r repoName, b model.Batch) error {
	p := pending{r: r, b: b, done: make(chan error, 1)}
	if err := c.handOver(ctx, p); err != nil {
		return err
	}
	if err := <-p.done; err != nil {
		return emitError{err}
	}
	return nil
}

func (c *commits) handOver(ctx context.Context, p pending) error {
	select {
	case <-c.failed:
		return emitError{c.err}
	default:
	}
	select {
	case c.queue <- p:
		return nil
	case <-c.failed:
		return emitError{c.err}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop waits for the batches queued to be committed and returns the
// failure that stopped the commits, nil when there was none. Nothing may
// be handed over after it; calling it again returns the same.
func (c *commits) stop() error {
	c.closing.Do(func() { close(c.queue) })
	<-c.stopped
	return c.err
}
