package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Decision is what a Policy says about one response.
type Decision struct {
	Retry bool          // worth trying again
	Wait  time.Duration // how long to wait first; 0 = use exponential backoff
	// Backoff, when set, is the first wait of the exponential backoff for
	// this kind of failure instead of the Transport's (e.g. seconds for a 502
	// where a rate limit wants a minute).
	Backoff time.Duration
}

// Policy classifies a response for retrying. A nil Policy retries 429 and 5xx.
type Policy func(*http.Response) Decision

// DefaultPolicy retries 429 (honouring Retry-After) and 5xx.
func DefaultPolicy(resp *http.Response) Decision {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return Decision{Retry: true, Wait: ParseRetryAfter(resp.Header, time.Now())}
	case resp.StatusCode >= 500:
		return Decision{Retry: true, Wait: ParseRetryAfter(resp.Header, time.Now())}
	}
	return Decision{}
}

// Transport sends a source's requests: only to the configured API origin,
// at most parallel at once, each attempt bounded in time and size, retrying
// responses its Policy says are worth retrying with capped exponential
// backoff. When the wait asked for exceeds MaxWait, or retries run out, it
// returns the last response unchanged so the client library reports it.
type Transport struct {
	Base           http.RoundTripper // nil = the shared network transport
	Policy         Policy
	MaxRetries     int           // default 3
	Backoff        time.Duration // first backoff, default 1s; doubles each time
	MaxBackoff     time.Duration // cap, default 60s
	MaxWait        time.Duration // longest wait it sleeps through, default 2m
	RequestTimeout time.Duration // per attempt, body included; default RequestTimeout
	MaxBody        int64         // largest response body; default MaxBody
	origin         string
	sem            chan struct{}
}

// NewTransport returns a Transport for the API at api allowing at most
// parallel requests at once. Every request through it carries the source's
// credentials (added above it), so it refuses any whose origin is not api's.
func NewTransport(base http.RoundTripper, api *url.URL, parallel int, policy Policy) *Transport {
	if parallel < 1 {
		parallel = 1
	}
	return &Transport{Base: base, Policy: policy, origin: Origin(api), sem: make(chan struct{}, parallel)}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.guard(req); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	ctx := req.Context()
	select {
	case t.sem <- struct{}{}:
		defer func() { <-t.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	base, policy := orNetwork(t.Base), t.Policy
	if policy == nil {
		policy = DefaultPolicy
	}
	timeout, limit := orDefault(t.RequestTimeout, RequestTimeout), t.MaxBody
	if limit <= 0 {
		limit = MaxBody
	}
	for try := 0; ; try++ {
		r := req
		if try > 0 && req.Body != nil {
			if req.GetBody == nil {
				return nil, fmt.Errorf("retrying %s %s: request body cannot be replayed", req.Method, req.URL.Path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := attempt(base, r, timeout, limit)
		if err != nil {
			return nil, err
		}
		d := policy(resp)
		if !d.Retry || try >= orDefaultInt(t.MaxRetries, 3) {
			return resp, nil
		}
		wait := d.Wait
		if wait == 0 {
			first := orDefault(d.Backoff, orDefault(t.Backoff, time.Second))
			wait = min(first<<min(try, 16), orDefault(t.MaxBackoff, time.Minute))
		}
		if wait > orDefault(t.MaxWait, 2*time.Minute) {
			return resp, nil
		}
		drain(resp)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// guard refuses a request to any origin but the API's, naming where a
// redirect came from.
func (t *Transport) guard(req *http.Request) error {
	to := Origin(req.URL)
	if to == t.origin {
		return nil
	}
	e := &OriginError{Allowed: t.origin, To: to}
	if req.Response != nil && req.Response.Request != nil {
		e.From = Origin(req.Response.Request.URL)
	}
	return e
}

// drain reads a little of a discarded response so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func orDefaultInt(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}
