package github

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
	"golang.org/x/oauth2"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// newClient builds the go-github client: the source's credential (a token,
// or a GitHub App installation token), over the guard of the quota reserve, over httpapi's
// guarded, bounded, retrying transport with GitHub's rate-limit policy, over
// base (see package httpapi).
func newClient(src config.Source, base http.RoundTripper, opts Options) (*github.Client, error) {
	apiURL, err := apiBase(cmp.Or(src.URL, defaultAPI))
	if err != nil || apiURL.Host == "" {
		return nil, fmt.Errorf("source %q: url %q is not an absolute URL", src.Name, src.URL)
	}
	retry := httpapi.NewTransport(base, apiURL, src.Parallel, githubPolicy(opts.Now, opts.MaxWait))
	retry.Backoff = opts.Backoff
	retry.MaxBackoff = 4 * opts.Backoff
	retry.MaxWait = opts.MaxWait
	retry.MaxBody = src.MaxResponseBytes
	keep, err := parseReserve(config.SettingsOf[Config](src).QuotaReserve)
	if err != nil {
		return nil, fmt.Errorf("source %q: quota_reserve %w", src.Name, err)
	}
	guard := &reserveGuard{base: retry, reserve: keep, now: opts.Now}
	auth, err := authTransport(src, apiURL, guard)
	if err != nil {
		return nil, err
	}
	c := github.NewClient(&http.Client{Transport: auth})
	c.BaseURL, c.UploadURL = apiURL, apiURL
	return c, nil
}

const defaultAPI = "https://api.github.com/"

// apiBase is the API base for a configured url: with a trailing slash, and,
// for a GitHub Enterprise Server given by its host alone
// (https://ghe.example.com), with GHES's api/v3/ path, as go-github's
// WithEnterpriseURLs adds it. Hosts named api.* or *.api.* serve the API at
// their root (api.github.com, GHE.com's api.SUBDOMAIN.ghe.com), and http
// URLs, which only reach this machine (simulators, proxies), are taken as
// given.
func apiBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && strings.Trim(u.Path, "/") == "" &&
		!strings.HasPrefix(host, "api.") && !strings.Contains(host, ".api.") {
		u.Path = "/api/v3"
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// authTransport authenticates each request over base: as a GitHub App
// installation when the source names an app (ghinstallation fetches the
// installation token from api and renews it before it expires), else with
// the source's token. base refuses any request that is not for api's origin.
func authTransport(src config.Source, api *url.URL, base http.RoundTripper) (http.RoundTripper, error) {
	if app := config.SettingsOf[Config](src); app.AppID != 0 {
		key := app.PrivateKey.Reveal()
		if key == "" {
			return nil, fmt.Errorf("source %q: GitHub App %d has no private key", src.Name, app.AppID)
		}
		tr, err := ghinstallation.New(base, app.AppID, app.InstallationID, []byte(key))
		if err != nil { // its text may describe the key; name the problem only
			return nil, fmt.Errorf("source %q: GitHub App %d: the private key is not a PEM RSA private key", src.Name, app.AppID)
		}
		tr.BaseURL = strings.TrimSuffix(api.String(), "/")
		return &appAuth{tr: tr, origin: httpapi.Origin(api), app: app.AppID, installation: app.InstallationID}, nil
	}
	token := src.Token.Reveal()
	if token == "" {
		return nil, fmt.Errorf("source %q: no token", src.Name)
	}
	return &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}), Base: base}, nil
}

// appAuth is ghinstallation's transport with its failures made plain: a
// refused installation token request becomes an *appAuthError carrying the
// status and GitHub's message, its response body read and closed, and one
// redirected to another origin (which ghinstallation does not follow) an
// *httpapi.OriginError naming both.
type appAuth struct {
	tr                *ghinstallation.Transport
	origin            string // the API's
	app, installation int64
}

func (a *appAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := a.tr.RoundTrip(req)
	var he *ghinstallation.HTTPError
	if err == nil || !errors.As(err, &he) || he.Response == nil {
		return resp, err
	}
	defer he.Response.Body.Close()
	if loc, err := he.Response.Location(); err == nil && httpapi.Origin(loc) != a.origin {
		return nil, &httpapi.OriginError{Allowed: a.origin, From: a.origin, To: httpapi.Origin(loc)}
	}
	var body struct {
		Message string `json:"message"`
	}
	_ = json.NewDecoder(io.LimitReader(he.Response.Body, 64<<10)).Decode(&body)
	return nil, &appAuthError{app: a.app, installation: a.installation, status: he.Response.StatusCode, msg: body.Message}
}

// appAuthError is GitHub's refusal of an installation token.
type appAuthError struct {
	app, installation int64
	status            int
	msg               string // GitHub's message
}

func (e *appAuthError) Error() string {
	return fmt.Sprintf("GitHub App authentication failed (app %d, installation %d): HTTP %d: %s", e.app, e.installation, e.status, e.msg)
}

// do sends req as go-github's Do does, decoding a successful answer into v
// with httpapi.DecodeJSON rather than encoding/json; an empty answer leaves
// v as it was, as Do does.
func (s *Source) do(ctx context.Context, req *http.Request, v any) (*github.Response, error) {
	resp, err := s.client.BareDo(ctx, req)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	if err := httpapi.DecodeJSON(resp.Body, v); err != nil && err != io.EOF {
		return resp, err
	}
	return resp, nil
}

// serverErrorBackoff is the first wait after a 5xx: a flaky proxy or a
// deploy, not a rate limit, so seconds rather than Backoff's minute.
const serverErrorBackoff = time.Second

// githubPolicy says which responses the transport retries: 429 and secondary
// rate limits (Retry-After, else exponential backoff), 5xx, and an exhausted
// primary limit when its reset is no further than maxWait away. GitHub
// answers an exhausted primary limit with 403 or 429, either way with
// x-ratelimit-remaining: 0 and the reset time; a retry-after comes first.
func githubPolicy(now func() time.Time, maxWait time.Duration) httpapi.Policy {
	return func(resp *http.Response) httpapi.Decision {
		switch {
		case resp.StatusCode >= 500:
			return httpapi.Decision{Retry: true, Wait: httpapi.ParseRetryAfter(resp.Header, now()), Backoff: serverErrorBackoff}
		case resp.StatusCode == http.StatusTooManyRequests && (resp.Header.Get("Retry-After") != "" || !exhausted(resp.Header)):
			return httpapi.Decision{Retry: true, Wait: httpapi.ParseRetryAfter(resp.Header, now())}
		case resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests:
			return httpapi.Decision{}
		case exhausted(resp.Header):
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

// exhausted reports whether the primary rate limit is used up.
func exhausted(h http.Header) bool {
	q, ok := httpapi.QuotaOf(h)
	return ok && q.Remaining == 0
}

// untilReset is how long until the rate limit resets, at least a second; 0
// when the response does not say.
func untilReset(h http.Header, now time.Time) time.Duration {
	q, _ := httpapi.QuotaOf(h)
	if q.Reset.IsZero() {
		return 0
	}
	return max(q.Reset.Sub(now), time.Second)
}

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
	var app *appAuthError
	var keep *reserveError
	switch {
	case errors.As(err, &keep):
		e.Err, e.Wait = keep, max(keep.reset.Sub(s.opts.Now()), time.Second)
	case errors.As(err, &app):
		e.Status, e.Msg, e.Err = app.status, fmt.Sprintf("GitHub App authentication failed (app %d, installation %d): %s",
			app.app, app.installation, app.msg), nil
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
		switch {
		case e.Status == http.StatusTooManyRequests && er.Response.Header.Get("Retry-After") == "" && exhausted(er.Response.Header):
			// go-github makes a RateLimitError of a 403 only; a 429 over
			// the primary limit waits for its reset all the same.
			e.Wait = untilReset(er.Response.Header, s.opts.Now())
		case e.Status == http.StatusTooManyRequests:
			e.Wait = max(httpapi.ParseRetryAfter(er.Response.Header, s.opts.Now()), s.opts.Backoff)
		}
	}
	return e
}
