// Package sync runs the connectors: one loop per source, each page of issues
// committed to the store together with the cursor it completes.
package sync

import (
	"context"
	"time"

	"github.com/batonhq/baton/model"
)

// Source is a connector as the engine consumes it.
type Source interface {
	// Name is the configured source name.
	Name() string
	// Sync reads everything that changed since cursors (as last committed,
	// by scope; empty on the first run) and hands it over page by page to
	// emit, which returns only after the batch is durably committed. Sync
	// must stop and return emit's error if emit fails.
	Sync(ctx context.Context, cursors map[string]string, emit func(context.Context, model.Batch) error) error
}

// Rereader is a Source that can read given issues of its own again, by key.
// Before a listing deletes issues, the engine rereads the stored issues
// that declared links to them: the tracker dropped those links (a deletion)
// or re-pointed them to a new key (a GitHub transfer) without editing the
// issues that hold them, so no incremental listing would. An issue that is
// gone itself is left out of the result, not an error.
type Rereader interface {
	Reread(ctx context.Context, keys []string) ([]model.Issue, error)
}

// ScopeReporter is a Source some of whose parts (GitHub repositories) can
// fail on their own, retried on their own schedule while the rest syncs and
// the round succeeds: the engine reports them in Status and to the Observer.
type ScopeReporter interface {
	FailingScopes() []model.ScopeFailure
}

// A connector's errors tell the engine how to react by implementing these
// methods; errors without them are treated as transient. WaitReason says,
// in a few words for the log and the progress display, why a source that
// waits does (keeping a quota reserve, say); a plain rate limit needs none.
type (
	permanent  interface{ Permanent() bool }
	retryAfter interface{ RetryAfter() time.Duration }
	waitReason interface{ WaitReason() string }
)
