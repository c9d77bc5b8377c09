package github

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

// repoFailures are the repositories failing on their own: deleted, lost
// access (404), issues turned off (410), a payload that panics. Normal in a
// real organisation, such a failure must not fail every round of the
// source (the engine would back off all of it): the repository is skipped
// until its own retry time, doubling from one interval up to the reconcile
// interval, and reported by FailingScopes.
type repoFailures struct {
	mu sync.Mutex
	m  map[string]*model.ScopeFailure // by repoName.scope()
}

// waiting reports whether r failed on its own and its retry time is not yet.
func (f *repoFailures) waiting(r repoName, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf, ok := f.m[r.scope()]
	return ok && now.Before(rf.RetryAt)
}

// record notes how r's attempt ended and returns the error the round
// reports: none for a failure of r's own, err itself otherwise.
func (f *repoFailures) record(r repoName, err error, now time.Time, interval, longest time.Duration, log *slog.Logger) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev, failing := f.m[r.scope()]
	switch {
	case err == nil:
		if failing {
			log.Info("repository syncs again", "repo", r.String(), "failures", prev.Failures)
			delete(f.m, r.scope())
		}
		return nil
	case !ownFailure(err):
		return err
	}
	n := 1
	if failing {
		n = prev.Failures + 1
	}
	wait := max(interval, time.Minute)
	for i := 1; i < n && wait < longest; i++ {
		wait *= 2
	}
	rf := &model.ScopeFailure{Scope: r.String(), Failures: n, RetryAt: now.Add(min(wait, max(longest, interval))), Err: err.Error()}
	if f.m == nil {
		f.m = map[string]*model.ScopeFailure{}
	}
	f.m[r.scope()] = rf
	log.Warn("repository failing; the others sync on, it is retried on its own", "repo", r.String(),
		"failures", n, "retry_at", rf.RetryAt.UTC().Format(time.RFC3339), "err", err)
	return nil
}

// ownFailure reports whether err is the repository's alone and retrying soon
// cannot fix it: gone or out of reach (403 not for a rate limit, 404, 410,
// 451), a payload that panics, or a listing whose Link goes back. The
// credentials' failures (401), rate limits and the configuration's limits
// are the whole source's.
func ownFailure(err error) bool {
	if errors.As(err, new(emitError)) {
		return false // a commit failed, maybe of another repository's page: the round's failure
	}
	var p panicked
	if errors.As(err, &p) || errors.As(err, new(loopingLink)) {
		return true
	}
	var api *httpapi.APIError
	if !errors.As(err, &api) || !api.Permanent() {
		return false
	}
	switch api.Status {
	case http.StatusForbidden, http.StatusNotFound, http.StatusGone, http.StatusUnavailableForLegalReasons:
		return true
	}
	return false
}

// FailingScopes returns the repositories failing on their own, by name.
func (s *Source) FailingScopes() []model.ScopeFailure {
	s.failures.mu.Lock()
	defer s.failures.mu.Unlock()
	out := make([]model.ScopeFailure, 0, len(s.failures.m))
	for _, rf := range s.failures.m {
		out = append(out, *rf)
	}
	slices.SortFunc(out, func(a, b model.ScopeFailure) int { return strings.Compare(a.Scope, b.Scope) })
	return out
}

// goesBack reports whether next, the page a listing's Link header names
// after page read, is one already read (that page or an earlier one): a
// Link that, followed, would have the listing read pages forever, a
// request each time. Zero, no next page, goes nowhere.
func goesBack(read, next int) bool { return next != 0 && next <= read }

// loopingLink is the failure of a listing whose Link goes back: retrying
// soon would meet it again, so the repository waits its own retry time
// while the others sync on. The pages before it stay committed with their
// cursors; the one read last waits for a listing that moves on.
type loopingLink struct {
	op         string // what was listed: "listing issues of owner/repo"
	page, next int
}

func (e loopingLink) Error() string {
	return fmt.Sprintf("%s page %d: the Link header names page %d, already read, as the next page (followed, it would read pages forever)", e.op, e.page, e.next)
}

func (e loopingLink) Permanent() bool { return true }
