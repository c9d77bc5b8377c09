package githubsim

import (
	"net/http"
	"sync"
	"time"

	"github.com/batonhq/baton/apisim/fault"
	"github.com/batonhq/baton/apisim/hook"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Now is the server clock (default time.Now); SetNow and Advance replace it.
	Now func() time.Time
	// Quota is the number of requests per token per hour (default 5000).
	Quota int
	// Tokens are the accepted tokens; when empty (and no Apps are given) any
	// non-empty token is.
	Tokens []string
	// Apps are the GitHub Apps whose JWTs POST /app/installations/{id}/access_tokens
	// accepts; the installation tokens it issues are accepted until they expire.
	Apps []App
	// HTMLBase is the web address issues link to (default https://github.com).
	HTMLBase string
	// Latency is added to every request.
	Latency time.Duration
	// PrimaryLimitStatus is the status of a request over the primary rate
	// limit: 403 (default) or 429, both of which GitHub sends with
	// x-ratelimit-remaining: 0 ("Exceeding the primary rate limit",
	// docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
	PrimaryLimitStatus int
}

// Server is the simulated GitHub API. It is an http.Handler; create it with New.
type Server struct {
	opts Options

	clockMu sync.Mutex
	now     func() time.Time

	mu         sync.RWMutex // guards the data below
	repos      map[string]*repo
	repoOrder  []*repo
	nextRepoID int64
	lastID     int64
	blocking   map[IssueRef]int    // how many issues name the key as a blocker
	projects   map[string]*project // boards by projectKey
	parents    parentIndex
	pageETags  pageETags
	fragments  fragments

	hook.Sender // webhook deliveries: SetWebhook, WaitDeliveries

	ctlMu  sync.Mutex // guards quota, issued tokens and stats
	quotas map[string]*quota
	issued map[string]time.Time // installation token → when it expires
	stats  Stats
	faults fault.Schedule

	mux *http.ServeMux
}

// New returns an empty Server.
func New(opts Options) *Server {
	if opts.Quota <= 0 {
		opts.Quota = 5000
	}
	if opts.HTMLBase == "" {
		opts.HTMLBase = "https://github.com"
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		opts:     opts,
		now:      now,
		repos:    map[string]*repo{},
		blocking: map[IssueRef]int{},
		quotas:   map[string]*quota{},
		issued:   map[string]time.Time{},
		stats:    Stats{Requests: map[string]int{}},
	}
	s.routes()
	return s
}

// Now is the server clock's current time, in UTC and truncated to seconds as
// GitHub's timestamps are.
func (s *Server) Now() time.Time { return s.clock() }

func (s *Server) clock() time.Time {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	return s.now().UTC().Truncate(time.Second)
}

// SetNow stops the clock at t.
func (s *Server) SetNow(t time.Time) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	s.now = func() time.Time { return t }
}

// Advance moves the clock forward by d.
func (s *Server) Advance(d time.Duration) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	prev := s.now
	s.now = func() time.Time { return prev().Add(d) }
}
