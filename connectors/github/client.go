package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"golang.org/x/oauth2"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// RateLimit is the primary rate limit as the last response reported it.
type RateLimit struct {
	Limit     int
	Remaining int
	Used      int
	Reset     time.Time
	Resource  string
}

// cacheEntries bounds the conditional-request cache of issue sub-resources.
const cacheEntries = 2000

// newClient builds the go-github client: oauth2 bearer auth, over the
// conditional-request cache of issue sub-resources, over httpapi's bounded,
// retrying transport with GitHub's rate-limit policy, over a transport that
// records rate-limit headers, over base.
func newClient(src config.Source, base http.RoundTripper, opts Options, rate *rateWatch) (*github.Client, error) {
	token := src.Token.Reveal()
	if token == "" {
		return nil, fmt.Errorf("source %q: no token", src.Name)
	}
	retry := httpapi.NewTransport(rate.wrap(base), src.Parallel, githubPolicy(opts.Now, opts.MaxWait))
	retry.Backoff = opts.Backoff
	retry.MaxBackoff = 4 * opts.Backoff
	retry.MaxWait = opts.MaxWait
	hc := &http.Client{Transport: &oauth2.Transport{
		Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
		Base:   newETagCache(retry, cacheEntries),
	}}
	c := github.NewClient(hc)
	if src.URL != "" {
		u := src.URL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		parsed, err := c.BaseURL.Parse(u)
		if err != nil || parsed.Host == "" {
			return nil, fmt.Errorf("source %q: url %q is not an absolute URL", src.Name, src.URL)
		}
		c.BaseURL, c.UploadURL = parsed, parsed
	}
	return c, nil
}

// serverErrorBackoff is the first wait after a 5xx: a flaky proxy or a
// deploy, not a rate limit, so seconds rather than Backoff's minute.
const serverErrorBackoff = time.Second

// githubPolicy says which responses the transport retries: 429 and secondary
// rate limits (Retry-After, else exponential backoff), 5xx, and an exhausted
// primary limit when its reset is no further than maxWait away.
func githubPolicy(now func() time.Time, maxWait time.Duration) httpapi.Policy {
	return func(resp *http.Response) httpapi.Decision {
		switch {
		case resp.StatusCode >= 500:
			return httpapi.Decision{Retry: true, Wait: httpapi.ParseRetryAfter(resp.Header, now()), Backoff: serverErrorBackoff}
		case resp.StatusCode == http.StatusTooManyRequests:
			return httpapi.Decision{Retry: true, Wait: httpapi.ParseRetryAfter(resp.Header, now())}
		case resp.StatusCode != http.StatusForbidden:
			return httpapi.Decision{}
		case resp.Header.Get("X-Ratelimit-Remaining") == "0":
			wait := untilReset(resp.Header, now())
			return httpapi.Decision{Retry: wait > 0 && wait <= maxWait, Wait: wait}
		case secondaryLimit(resp):
			return httpapi.Decision{Retry: true, Wait: httpapi.ParseRetryAfter(resp.Header, now())}
		}
		return httpapi.Decision{}
	}
}

// secondaryLimit reports whether a 403 is a secondary rate limit, leaving the
// body readable.
func secondaryLimit(resp *http.Response) bool {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	var e struct {
		DocumentationURL string `json:"documentation_url"`
	}
	_ = json.Unmarshal(body, &e)
	return strings.HasSuffix(e.DocumentationURL, "secondary-rate-limits") ||
		strings.HasSuffix(e.DocumentationURL, "#abuse-rate-limits")
}

// untilReset is how long until x-ratelimit-reset, at least a second.
func untilReset(h http.Header, now time.Time) time.Duration {
	secs, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64)
	if err != nil {
		return 0
	}
	return max(time.Unix(secs, 0).Sub(now), time.Second)
}

// rateWatch remembers the rate-limit headers of the latest response.
type rateWatch struct {
	mu   sync.Mutex
	last RateLimit
}

func (w *rateWatch) wrap(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if err == nil && resp.Header.Get("X-Ratelimit-Limit") != "" {
			w.observe(resp.Header)
		}
		return resp, err
	})
}

func (w *rateWatch) observe(h http.Header) {
	atoi := func(k string) int { n, _ := strconv.Atoi(h.Get(k)); return n }
	reset, _ := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.last = RateLimit{
		Limit: atoi("X-Ratelimit-Limit"), Remaining: atoi("X-Ratelimit-Remaining"), Used: atoi("X-Ratelimit-Used"),
		Reset: time.Unix(reset, 0).UTC(), Resource: h.Get("X-Ratelimit-Resource"),
	}
}

func (w *rateWatch) get() RateLimit {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// apiError turns what go-github returned into an *httpapi.APIError the sync
// engine can classify (rate limits carry their wait), or the context's error.
func (s *Source) apiError(ctx context.Context, op string, resp *github.Response, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	e := &httpapi.APIError{Op: op, Err: err}
	if resp != nil && resp.Response != nil {
		e.Status = resp.StatusCode
	}
	var rle *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	switch {
	case errors.As(err, &rle):
		e.Status, e.Msg, e.Err = http.StatusForbidden, rle.Message, nil
		e.Wait = max(rle.Rate.Reset.Time.Sub(s.opts.Now()), time.Second)
	case errors.As(err, &abuse):
		e.Status, e.Msg, e.Err = http.StatusForbidden, abuse.Message, nil
		e.Wait = s.opts.Backoff
		if abuse.RetryAfter != nil && *abuse.RetryAfter > 0 {
			e.Wait = *abuse.RetryAfter
		}
	case errors.As(err, &er):
		e.Msg, e.Err = er.Message, nil
		if e.Status == http.StatusTooManyRequests {
			e.Wait = max(httpapi.ParseRetryAfter(er.Response.Header, s.opts.Now()), s.opts.Backoff)
		}
	}
	return e
}
