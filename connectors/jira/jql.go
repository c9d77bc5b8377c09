package jira

import (
	"encoding/json"
	"fmt"
	"time"
)

// cursor is the connector's position, stored as JSON under scope "".
type cursor struct {
	// Updated is the newest `updated` committed, in UTC (RFC 3339).
	Updated time.Time `json:"updated,omitzero"`
	// Seen holds the issues in the overlap window behind Updated, by key, with
	// their updated time in Unix milliseconds: re-reading them is not a change.
	Seen map[string]int64 `json:"seen,omitempty"`
	// Reconciled is when the key set was last listed in full.
	Reconciled time.Time `json:"reconciled,omitzero"`
	// JQL is the configured JQL the cursor was reached with: another JQL may
	// match issues older than Updated, so it starts over.
	JQL string `json:"jql,omitempty"`
}

func parseCursor(v string) (cursor, error) {
	var c cursor
	if v == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return cursor{}, fmt.Errorf("reading the cursor %q: %w", v, err)
	}
	c.Updated, c.Reconciled = c.Updated.UTC(), c.Reconciled.UTC()
	return c, nil
}

func (c cursor) encode() string {
	c.Updated, c.Reconciled = c.Updated.UTC(), c.Reconciled.UTC()
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of times and a map of int64 always marshals
	}
	return string(b)
}

// since is the lower bound to search from: the cursor minus the overlap,
// floored to the minute as JQL dates are (so it only ever reaches further back).
func since(updated time.Time, overlap time.Duration) time.Time {
	return updated.Add(-max(overlap, time.Minute)).Truncate(time.Minute)
}

// searchJQL is the configured JQL, restricted to issues updated since from
// when from is set, in the stable order paging needs. JQL dates are wall-clock
// minutes in the account's time zone: an instant formatted in UTC would be read
// as a different instant (hours off) unless the account is on UTC.
func searchJQL(configured string, from time.Time, zone *time.Location) string {
	q := "(" + configured + ")"
	if !from.IsZero() {
		q += fmt.Sprintf(` AND updated >= "%s"`, from.In(zone).Format("2006/01/02 15:04"))
	}
	return q + " ORDER BY updated ASC, key ASC"
}

// prune keeps in Seen only what the next search will read again.
func (c *cursor) prune(overlap time.Duration) {
	lo := since(c.Updated, overlap).UnixMilli()
	for k, ms := range c.Seen {
		if ms < lo {
			delete(c.Seen, k)
		}
	}
}

// keysJQL is the configured JQL in key order, for listing keys: unlike the
// updated order, edits made while the pages are read do not reorder it.
func keysJQL(configured string) string {
	return "(" + configured + ") ORDER BY key ASC"
}
