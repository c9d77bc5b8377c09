package httpapi

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Meter is the bottom of a source's transport stack, the one place its API
// traffic is observed: it counts every request sent by the status of its
// answer and remembers the rate-limit window the API last reported. The sync
// engine (requests and quota of a round), metrics (baton_api_*) and readiness
// all read its Snapshot; none of them parses a header.
type Meter struct {
	base http.RoundTripper

	mu       sync.Mutex
	requests map[string]int64
	quota    Quota
}

// Snapshot is what a Meter has seen so far.
type Snapshot struct {
	// Requests counts requests by the status code of their answer ("200",
	// "304" for a conditional request answered from cache), or "error" when
	// no answer arrived.
	Requests map[string]int64
	Quota    Quota // the latest window reported; Known is false until one was
}

// Total is the number of requests sent.
func (s Snapshot) Total() int64 {
	var n int64
	for _, c := range s.Requests {
		n += c
	}
	return n
}

// Quota is a rate-limit window as the X-RateLimit-* headers of GitHub and Jira
// Cloud report it.
type Quota struct {
	Known     bool
	Remaining int64
	Limit     int64     // 0 when not reported
	Reset     time.Time // when the window resets; zero when not reported
}

// NewMeter wraps base (nil = the shared network transport, with its timeouts).
func NewMeter(base http.RoundTripper) *Meter {
	return &Meter{base: orNetwork(base), requests: map[string]int64{}}
}

// RoundTrip implements http.RoundTripper.
func (m *Meter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.base.RoundTrip(req)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[code]++
	if err == nil {
		if q, ok := QuotaOf(resp.Header); ok {
			m.quota = q
		}
	}
	return resp, err
}

// Snapshot returns a copy of the counts and the latest quota.
func (m *Meter) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Snapshot{Requests: maps.Clone(m.requests), Quota: m.quota}
}

// QuotaOf reads the rate-limit window from a response's headers: remaining
// (required), limit and reset, the latter as GitHub's Unix seconds or Jira
// Cloud's ISO 8601 minute ("2026-12-04T15:00Z").
// GitHub: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
// (x-ratelimit-reset "in UTC epoch seconds"); Jira Cloud:
// https://developer.atlassian.com/cloud/jira/platform/rate-limiting
// (X-RateLimit-Reset "in the format: yyyy-MM-ddTHH:mmZ").
func QuotaOf(h http.Header) (Quota, bool) {
	remaining, err := strconv.ParseInt(h.Get("X-RateLimit-Remaining"), 10, 64)
	if err != nil {
		return Quota{}, false
	}
	q := Quota{Known: true, Remaining: remaining}
	q.Limit, _ = strconv.ParseInt(h.Get("X-RateLimit-Limit"), 10, 64)
	q.Reset = parseReset(h.Get("X-RateLimit-Reset"))
	return q, true
}

func parseReset(v string) time.Time {
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC()
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
