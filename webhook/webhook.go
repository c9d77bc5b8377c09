// Package webhook receives GitHub's and Jira's webhooks: it verifies each
// delivery's signature before reading its JSON, turns the event into a Hint
// naming the issues to read again, and queues it for the daemon, answering
// within the second the trackers allow. An event is never the data: the
// daemon re-fetches the issues it names through their connector.
package webhook

import (
	"strings"
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
	Board    *Board // a board item of an issue changed: read the boards again; nil: none
	Received time.Time
}

// Board is the Projects (v2) board of a projects_v2_item event: its node id
// and the organisation that owns it. The payload names neither the board's
// number nor the issue's, so the hint is that the boards of Owner changed.
type Board struct {
	NodeID, Owner string
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
	// BoardOwners are the owners of the boards configured for the source's
	// statuses; a board event of another owner is ignored.
	BoardOwners []string
}

// Results, the result label of baton_webhook_requests_total.
const (
	ResultAccepted      = "accepted"       // queued for re-fetching
	ResultIgnored       = "ignored"        // verified, but names nothing to re-fetch (ping, a pull request, a board not configured)
	ResultDuplicate     = "duplicate"      // a delivery id seen before
	ResultBadSignature  = "bad_signature"  // 401
	ResultUnknownSource = "unknown_source" // 404
	ResultBadMethod     = "method_not_allowed"
	ResultMalformed     = "malformed"  // 400
	ResultTooLarge      = "too_large"  // 413
	ResultQueueFull     = "queue_full" // 503
)

// configured reports whether b is a board event for one of the owners of
// e's boards (GitHub logins ignore case).
func (e Endpoint) configured(b *Board) bool {
	if b == nil {
		return false
	}
	for _, o := range e.BoardOwners {
		if strings.EqualFold(o, b.Owner) {
			return true
		}
	}
	return false
}
