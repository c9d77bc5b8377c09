package sync

import (
	"context"
	"slices"

	"github.com/batonhq/baton/model"
)

// DeletionGuard says which reconciles are not trusted at once: one that would
// delete more than Percent of the issues its listing covers and more than
// Issues of them, or all of them. A listing that suddenly matches nothing (a
// renamed project in a JQL, a token that lost access but still gets 200)
// would otherwise delete every issue, and every finding and alert with them.
// Such deletions are withheld until the next reconcile agrees.
type DeletionGuard struct {
	Percent int
	Issues  int
}

// DefaultDeletionGuard applies to sources without one of their own.
var DefaultDeletionGuard = DeletionGuard{Percent: 20, Issues: 50}

// withholds reports whether deleting missing of stored issues is too many to
// trust one listing for.
func (g DeletionGuard) withholds(missing, stored int) bool {
	return missing > 0 && (missing == stored || missing*100 > g.Percent*stored && missing > g.Issues)
}

// SetDeletionGuard sets the guard of the named source (DefaultDeletionGuard
// until set). It may be called while the engine runs.
func (e *Engine) SetDeletionGuard(source string, g DeletionGuard) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.guards == nil {
		e.guards = map[string]DeletionGuard{}
	}
	e.guards[source] = g
}

// guardDeletions keeps b from deleting what its source's guard does not
// trust yet, and returns the keys applying b will delete. The keys a mass
// deletion would remove are added to b.Present and remembered; the next
// reconcile of the same listing deletes those it finds missing again, and
// withholds only those missing for the first time.
func (e *Engine) guardDeletions(ctx context.Context, name string, b *model.Batch) (deleted []string, err error) {
	missing, stored, err := e.Store.Missing(ctx, *b)
	if err != nil || b.Present == nil {
		return nil, err
	}
	prefix := b.Present.Prefix
	e.mu.Lock()
	g, ok := e.guards[name]
	if !ok {
		g = DefaultDeletionGuard
	}
	before := e.withheld[name][prefix]
	var fresh []string // missing now and not the last time
	deleted = missing
	mass := g.withholds(len(missing), stored)
	if mass {
		deleted = nil
		for _, k := range missing {
			if _, agreed := slices.BinarySearch(before, k); agreed {
				deleted = append(deleted, k)
			} else {
				fresh = append(fresh, k)
			}
		}
	}
	if e.withheld == nil {
		e.withheld = map[string]map[string][]string{}
	}
	if e.withheld[name] == nil {
		e.withheld[name] = map[string][]string{}
	}
	if len(fresh) > 0 {
		e.withheld[name][prefix] = fresh
	} else {
		delete(e.withheld[name], prefix)
	}
	total := e.withheldLocked(name)
	e.mu.Unlock()

	if len(fresh) > 0 {
		e.logger().Warn("reconcile would delete a large share of a source's issues; withholding the deletions until the next reconcile agrees",
			"source", name, "prefix", prefix, "missing", len(missing), "stored", stored, "withheld", len(fresh))
		b.Present = &model.KeySet{Prefix: prefix, Keys: append(slices.Clip(b.Present.Keys), fresh...)}
	} else if mass {
		e.logger().Info("reconcile confirmed the withheld deletions; applying them", "source", name, "prefix", prefix, "deleted", len(missing))
	}
	if e.Observer != nil {
		e.Observer.WithheldDeletions(name, total)
	}
	return deleted, nil
}

// withheldLocked is how many deletions of the named source are withheld.
func (e *Engine) withheldLocked(name string) int {
	n := 0
	for _, keys := range e.withheld[name] {
		n += len(keys)
	}
	return n
}

// namedGone replaces b's listing with the keys it deletes, deleted as
// guardDeletions found them less those b now upserts (holders read again),
// which is what applying the listing would delete: the store then deletes
// them by key, with the links to them, rather than walk every key under the
// prefix a second time (a tenth of a second for a reconcile of 75,000 keys).
func namedGone(b *model.Batch, deleted []string) {
	if b.Present == nil {
		return
	}
	b.Present = nil
	if len(deleted) == 0 {
		return
	}
	upserted := make(map[string]bool, len(b.Issues))
	for i := range b.Issues {
		upserted[b.Issues[i].Key] = true
	}
	b.Gone = slices.Clip(b.Gone) // the connector's array stays its own
	for _, k := range deleted {
		if !upserted[k] {
			b.Gone = append(b.Gone, k)
		}
	}
}
