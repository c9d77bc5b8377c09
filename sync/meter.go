package sync

import (
	"net/http"
	"strconv"
	"sync/atomic"
)

// Meter counts the HTTP requests of one source and remembers the quota the API
// last reported, for the per-round log line and progress display.
type Meter struct {
	base      http.RoundTripper
	requests  atomic.Int64
	quotaLeft atomic.Int64 // -1 until a response says
}

// NewMeter wraps base (nil = http.DefaultTransport).
func NewMeter(base http.RoundTripper) *Meter {
	if base == nil {
		base = http.DefaultTransport
	}
	m := &Meter{base: base}
	m.quotaLeft.Store(-1)
	return m
}

// RoundTrip implements http.RoundTripper.
func (m *Meter) RoundTrip(req *http.Request) (*http.Response, error) {
	m.requests.Add(1)
	resp, err := m.base.RoundTrip(req)
	if err == nil {
		if v := resp.Header.Get("X-Ratelimit-Remaining"); v != "" {
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil {
				m.quotaLeft.Store(n)
			}
		}
	}
	return resp, err
}

// Requests is the number of requests sent so far.
func (m *Meter) Requests() int64 { return m.requests.Load() }

// QuotaLeft is the remaining quota last reported, if any response said.
func (m *Meter) QuotaLeft() (int64, bool) {
	q := m.quotaLeft.Load()
	return q, q >= 0
}
