package githubsim

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/apisim/fault"
)

const (
	docsRateLimits = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docsSecondary  = docsRateLimits + "#about-secondary-rate-limits"
)

// Stats are what the server has been asked, for tests and benchmarks.
type Stats struct {
	// Requests counts API requests by route, e.g.
	// "GET /repos/{owner}/{repo}/issues"; 304s and errors included.
	Requests map[string]int `json:"requests"`
	// NotModified counts 304 answers (which cost no quota).
	NotModified int `json:"not_modified"`
	// QuotaUsed is the quota charged, over all tokens.
	QuotaUsed int `json:"quota_used"`
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	out := s.stats
	out.Requests = make(map[string]int, len(s.stats.Requests))
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	return out
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.stats = Stats{Requests: map[string]int{}}
}

// quota is one token's primary rate limit window.
type quota struct {
	used  int
	reset time.Time
}

// SetRemaining sets how many requests token has left in its current window.
func (s *Server) SetRemaining(token string, remaining int) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	q := s.quota(token)
	q.used = max(0, s.opts.Quota-remaining)
}

// Remaining returns how many requests token has left and when its window resets.
func (s *Server) Remaining(token string) (int, time.Time) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	q := s.quota(token)
	return s.opts.Quota - q.used, q.reset
}

// quota returns token's window, starting a new one when the old has passed;
// callers hold s.ctlMu.
func (s *Server) quota(token string) *quota {
	now := s.clock()
	q, ok := s.quotas[token]
	if !ok {
		q = &quota{}
		s.quotas[token] = q
	}
	if !now.Before(q.reset) {
		q.used, q.reset = 0, now.Add(time.Hour)
	}
	return q
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /rate_limit", s.getRateLimit)
	s.mux.HandleFunc(accessTokensRoute, s.createAccessToken)
	s.mux.HandleFunc("GET /orgs/{org}/repos", s.listOrgRepos)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}", s.getRepo)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.listIssues)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/events", s.listRepoEvents)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/comments", s.listRepoComments)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}", s.getIssue)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/comments", s.listComments)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/events", s.listEvents)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/timeline", s.listTimeline)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by", s.listBlockedBy)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/sub_issues", s.listSubIssues)
	for _, owner := range []string{"orgs/{org}", "users/{username}"} {
		user := owner != "orgs/{org}"
		s.mux.HandleFunc("GET /"+owner+"/projectsV2/{number}/fields", func(w http.ResponseWriter, r *http.Request) { s.listProjectFields(w, r, user) })
		s.mux.HandleFunc("GET /"+owner+"/projectsV2/{number}/items", func(w http.ResponseWriter, r *http.Request) { s.listProjectItems(w, r, user) })
	}
}

// ServeHTTP answers like api.github.com: authentication, faults, quota,
// ETag and 304, rate-limit headers. Paths under /_sim/ are the control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !fault.Wait(r, s.opts.Latency) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.control(w, r)
		return
	}
	r = underEnterprisePrefix(r)
	_, route := s.mux.Handler(r)
	if route == "" {
		route = r.Method + " (unknown)"
	}
	s.ctlMu.Lock()
	s.stats.Requests[route]++
	s.ctlMu.Unlock()
	if route == accessTokensRoute { // a JWT, not a token; costs no quota
		s.mux.ServeHTTP(w, r)
		return
	}

	token, ok := s.authenticate(r)
	if !ok {
		setRateHeaders(w.Header(), 60, 0, s.clock().Add(time.Hour))
		writeError(w, http.StatusUnauthorized, "Requires authentication", "https://docs.github.com/rest")
		return
	}
	f := s.faults.Next(func(prefix string) bool { return strings.HasPrefix(r.URL.Path, prefix) })
	fault.Serve(f, w, r, s.failAs(token), func(w http.ResponseWriter) {
		s.serve(w, r, token, route != "GET /rate_limit")
	})
}

// authenticate returns the request's token and whether it is accepted.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	var token string
	for _, scheme := range []string{"Bearer ", "bearer ", "token ", "Token "} {
		if t, ok := strings.CutPrefix(h, scheme); ok {
			token = strings.TrimSpace(t)
		}
	}
	if token == "" {
		return "", false
	}
	if slices.Contains(s.opts.Tokens, token) {
		return token, true
	}
	s.ctlMu.Lock()
	expires, issued := s.issued[token]
	s.ctlMu.Unlock()
	if issued {
		return token, s.clock().Before(expires)
	}
	return token, len(s.opts.Tokens) == 0 && len(s.opts.Apps) == 0
}

// serve renders the route into a buffer, then answers 304 for free when the
// client already has it, or charges quota and sends it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, token string, charge bool) {
	s.ctlMu.Lock()
	q := s.quota(token)
	exhausted := charge && q.used >= s.opts.Quota
	s.ctlMu.Unlock()
	if exhausted {
		s.writeRate(w.Header(), token)
		writeError(w, cmp.Or(s.opts.PrimaryLimitStatus, http.StatusForbidden),
			"API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
			docsRateLimits+"#about-the-primary-rate-limit")
		return
	}
	key := token + "\x00" + requestURLs(r, s.opts.HTMLBase).api + r.URL.RequestURI()
	rec := &recorder{header: http.Header{}, status: http.StatusOK, body: bodies.Get().(*bytes.Buffer), known: func(version string) (string, bool) {
		etag, ok := s.pageETags.get(key, version)
		return etag, ok && matchesETag(r.Header.Get("If-None-Match"), etag)
	}}
	defer func() {
		rec.body.Reset()
		bodies.Put(rec.body)
	}()
	s.mux.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	if rec.status == http.StatusOK {
		etag := rec.etag
		if etag == "" {
			etag = tokenETag(token, body)
		}
		if rec.version != "" {
			s.pageETags.put(key, rec.version, etag)
		}
		w.Header().Set("ETag", etag)
		if matchesETag(r.Header.Get("If-None-Match"), etag) {
			s.ctlMu.Lock()
			s.stats.NotModified++
			s.ctlMu.Unlock()
			s.writeRate(w.Header(), token)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if charge {
		s.ctlMu.Lock()
		s.quota(token).used++
		s.stats.QuotaUsed++
		s.ctlMu.Unlock()
	}
	s.writeRate(w.Header(), token)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	_, _ = w.Write(body)
}

// enterprisePrefix is where GitHub Enterprise Server serves its REST API
// (https://HOST/api/v3/); the simulator serves it there as well as at the
// root, as api.github.com does, and links back under the prefix asked for.
const enterprisePrefix = "/api/v3"

type prefixKey struct{}

// underEnterprisePrefix returns r with the enterprise prefix taken off its
// path and remembered for the links rendered.
func underEnterprisePrefix(r *http.Request) *http.Request {
	rest, ok := strings.CutPrefix(r.URL.Path, enterprisePrefix+"/")
	if !ok {
		return r
	}
	r = r.WithContext(context.WithValue(r.Context(), prefixKey{}, enterprisePrefix))
	u := *r.URL
	u.Path, u.RawPath = "/"+rest, ""
	r.URL = &u
	return r
}

// tokenETag is the ETag of body as served to token. GitHub's ETags are
// bound to the credential (an ETag another token was given does not match:
// otterdog#201, github/docs#34689), so a GitHub App's new installation token
// pays in full for what the old one had cached.
func tokenETag(token string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(token))
	h.Write([]byte{0})
	h.Write(body)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

func matchesETag(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func (s *Server) writeRate(h http.Header, token string) {
	s.ctlMu.Lock()
	q := s.quota(token)
	used, reset := q.used, q.reset
	s.ctlMu.Unlock()
	setRateHeaders(h, s.opts.Quota, used, reset)
}

func setRateHeaders(h http.Header, limit, used int, reset time.Time) {
	h.Set("X-Ratelimit-Limit", strconv.Itoa(limit))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(max(0, limit-used)))
	h.Set("X-Ratelimit-Used", strconv.Itoa(used))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-Ratelimit-Resource", "core")
}

// writeError writes GitHub's error body.
func writeError(w http.ResponseWriter, status int, msg, docs string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": docs})
}

// bodies are the recorders' buffers, kept between requests: a page of
// issues is about 300 kB, which a new buffer would grow to again and again.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// recorder buffers a handler's response so its ETag can be computed.
type recorder struct {
	header http.Header
	status int
	body   *bytes.Buffer // from bodies

	// known is the ETag served before for the request and token, when
	// the page had the version given, and whether the client has it.
	known   func(version string) (string, bool)
	version string // what the page is rendered from, when the handler said (unchanged)
	etag    string // known's, when the client has the page: no body was rendered
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
