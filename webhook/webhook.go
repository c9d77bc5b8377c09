// Package webhook receives GitHub's and Jira's webhooks: it verifies each
// delivery's signature before reading its JSON, turns the event into a Hint
// naming the issues to read again, and queues it for the daemon, answering
// within the second the trackers allow. An event is never the data: the
// daemon re-fetches the issues it names through their connector.
package webhook

import (
	"time"
)

// Hint is what one verified delivery says: which issues of a source to read
// again, by key. Keys of Jira link events may be jira:<issue id> (the
// payload names ids only); the Jira connector reads those by id.
type Hint struct {
	Source   string
	Event    string // the metric label: a known event name
	Keys     []string
	Label    *Label // also read again the issues stored with this label; nil: none
	Received time.Time
}

// Label is a label of a repository that was renamed or deleted, by its old
// name: Prefix is the repository's key prefix (github:owner/repo#).
type Label struct {
	Prefix, Name string
}

// Kind is a tracker that delivers webhooks, as in the path /hooks/{kind}/{source}.
type Kind string

// The kinds served.
const (
	GitHub Kind = "github"
	Jira   Kind = "jira"
)

// Endpoint is what the handler needs of one configured source.
type Endpoint struct {
	Kind   Kind
	Secret []byte // never empty: a source without a secret has no endpoint
}

// Results, the result label of baton_webhook_requests_total.
const (
	ResultAccepted      = "accepted"       // queued for re-fetching
	ResultIgnored       = "ignored"        // verified, but names nothing to re-fetch (ping, a pull request)
	ResultDuplicate     = "duplicate"      // a delivery id seen before
	ResultBadSignature  = "bad_signature"  // 401
	ResultUnknownSource = "unknown_source" // 404
	ResultBadMethod     = "method_not_allowed"
	ResultMalformed     = "malformed"  // 400
	ResultTooLarge      = "too_large"  // 413
	ResultQueueFull     = "queue_full" // 503
)
