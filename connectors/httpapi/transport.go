package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

// Transport bounds the number of requests in flight on one credential and
// retries responses its Policy says are worth retrying, with capped
// exponential backoff. When the wait asked for exceeds MaxWait, or retries run
// out, it returns the last response unchanged so the client library reports it.
type Transport struct {
	Base       http.RoundTripper // nil = http.DefaultTransport
	Policy     Policy
	MaxRetries int           // default 3
	Backoff    time.Duration // first backoff, default 1s; doubles each time
	MaxBackoff time.Duration // cap, default 60s
	MaxWait    time.Duration // longest wait it sleeps through, default 2m
	sem        chan struct{}
}

// NewTransport returns a Transport allowing at most parallel requests at once.
func NewTransport(base http.RoundTripper, parallel int, policy Policy) *Transport {
	if parallel < 1 {
		parallel = 1
	}
	return &Transport{Base: base, Policy: policy, sem: make(chan struct{}, parallel)}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.sem != nil {
		select {
		case t.sem <- struct{}{}:
			defer func() { <-t.sem }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	base, policy := t.Base, t.Policy
	if base == nil {
		base = http.DefaultTransport
	}
	if policy == nil {
		policy = DefaultPolicy
	}
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 && req.Body != nil {
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
		resp, err := base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		d := policy(resp)
		if !d.Retry || attempt >= orDefaultInt(t.MaxRetries, 3) {
			return resp, nil
		}
		wait := d.Wait
		if wait == 0 {
			first := orDefault(d.Backoff, orDefault(t.Backoff, time.Second))
			wait = min(first<<min(attempt, 16), orDefault(t.MaxBackoff, time.Minute))
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
