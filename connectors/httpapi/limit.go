package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// BodyLimitError is a response whose body is larger than the limit: read no
// further, so one hostile or runaway answer cannot exhaust memory.
type BodyLimitError struct {
	URL   string // method and URL, without the query
	Limit int64  // bytes
}

func (e *BodyLimitError) Error() string {
	return fmt.Sprintf("the response to %s is larger than the limit of %s", e.URL, byteSize(e.Limit))
}

// Permanent: the same request will bring the same answer.
func (e *BodyLimitError) Permanent() bool { return true }

// DeadlineError is an attempt that brought no complete answer in time.
type DeadlineError struct {
	URL     string // method and URL, without the query
	Timeout time.Duration
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("%s: no complete answer within the %s per-request deadline", e.URL, e.Timeout)
}

func (e *DeadlineError) Unwrap() error { return context.DeadlineExceeded }

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// describe names a request in errors: its method and URL without the query,
// which may carry a JQL or, misconfigured, a credential.
func describe(req *http.Request) string {
	u := url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: req.URL.Path}
	return req.Method + " " + u.String()
}

// attempt sends req once under its own deadline, which covers reading the
// body, and bounds the body at limit bytes.
func attempt(base http.RoundTripper, req *http.Request, timeout time.Duration, limit int64) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		defer cancel()
		if expired(ctx, req.Context()) {
			return nil, &DeadlineError{URL: describe(req), Timeout: timeout}
		}
		return nil, err
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		cancel()
		return nil, &BodyLimitError{URL: describe(req), Limit: limit}
	}
	resp.Body = &boundedBody{body: resp.Body, left: limit, limit: limit, req: req, ctx: ctx, cancel: cancel, timeout: timeout}
	return resp, nil
}

// expired reports whether the attempt's own deadline, not its caller's
// context, ended it.
func expired(attempt, caller context.Context) bool {
	return errors.Is(attempt.Err(), context.DeadlineExceeded) && caller.Err() == nil
}

// boundedBody reads at most left more bytes and ends the attempt's deadline
// when closed.
type boundedBody struct {
	body    io.ReadCloser
	left    int64 // bytes still allowed
	limit   int64
	req     *http.Request
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.body.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), 0
		return n, &BodyLimitError{URL: describe(b.req), Limit: b.limit}
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF && expired(b.ctx, b.req.Context()) {
		err = &DeadlineError{URL: describe(b.req), Timeout: b.timeout}
	}
	return n, err
}

func (b *boundedBody) Close() error {
	defer b.cancel()
	return b.body.Close()
}
