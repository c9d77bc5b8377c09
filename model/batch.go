package model

import "time"

// Batch is one unit of sync work as a connector hands it over: a page of issues
// and the cursor positions that page completes. The store commits all of it in
// one transaction, so a cursor never advances past data that was not saved.
type Batch struct {
	Source string
	// Issues are upserted by key; each one's Links replace the links it
	// declared before.
	Issues []Issue
	// Cursors are the connector's positions, by scope (a repository, a project,
	// or "" for the whole source), committed with Issues. Values are opaque to
	// everything but the connector that wrote them.
	Cursors map[string]string
	// Present, when set, is a full listing of the keys that still exist under
	// a key prefix of this source: the store deletes every other issue of the
	// source under that prefix (deletions and transfers).
	Present *KeySet
	// Gone are keys of this source the tracker's API answered 404 or 410 for
	// when they were read again (a webhook said they were deleted): the
	// store deletes them, and the links to them.
	Gone []string
	// Left are keys of this source the tracker still has but the source's
	// scope (its JQL) no longer matches, found when they were read again: the
	// store deletes them but keeps the links other issues declare to them,
	// as a full sync, which reads those issues and not these, would.
	Left []string
}

// KeySet is every key that exists under Prefix (e.g. "github:acme/core#" or
// "jira:") for a source at the time it was listed.
type KeySet struct {
	Prefix string
	Keys   []string
}

// ScopeFailure is a part of a source (a GitHub repository) that keeps
// failing on its own while the rest of the source syncs: it is retried on
// its own schedule and reported, not allowed to fail every round.
type ScopeFailure struct {
	Scope    string    // e.g. "acme/old"
	Failures int       // consecutive failed attempts
	RetryAt  time.Time // when it is tried again
	Err      string    // the last failure
}
