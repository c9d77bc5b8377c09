package jirasim

import (
	"fmt"
	"math"
	"net/http"
	gosync "sync"
	"time"

	"github.com/batonhq/baton/apisim/fault"
	"github.com/batonhq/baton/apisim/hook"
)

// Options configure a simulated Jira. Zero values get the defaults noted.
type Options struct {
	Deployment string // Cloud (default) or DataCenter
	// Cloud: Basic auth with Email and Token. Data Center: Bearer Token (a
	// PAT), or Basic auth with Username and Token as its password.
	Email    string
	Username string // Data Center's basic-auth login; default "svc-baton"
	Token    string
	// AcceptBearer makes a Cloud site also take "Bearer <Token>" (as an OAuth
	// 2.0 access token).
	AcceptBearer bool
	// TimeZone is the account's zone from /myself; JQL dates are read in it.
	// Default America/Los_Angeles.
	TimeZone string
	// PageCap bounds every search page whatever maxResults asks: default 50 on
	// Cloud, 1000 on Data Center.
	PageCap int
	// KeyPageCap is Cloud's larger cap for pages asking for ids/keys only.
	// Default 5000.
	KeyPageCap int
	// EmbeddedHistories is how many of the newest histories expand=changelog
	// embeds. Default 40 on Cloud; all of them on Data Center, which caps
	// nothing (JRASERVER-60107: it builds the whole changelog) and has no
	// paged changelog resource to complete a capped one.
	EmbeddedHistories int
	// BulkChangelogCap bounds histories per bulkfetch page. Default 1000.
	BulkChangelogCap int
	// SprintField is the id of the sprint custom field. Default customfield_10020.
	SprintField string
	// EpicLinkField is the id of Data Center's Epic Link custom field (Cloud
	// has none: epics are parents there). Default customfield_10008.
	EpicLinkField string
	// Now is the initial simulated clock. Default 2026-11-27T00:00:00Z.
	Now time.Time
}

// Server is a simulated Jira site. It is an http.Handler; every method is safe
// for concurrent use.
type Server struct {
	opts Options
	zone *time.Location

	hook.Sender // webhook deliveries: SetWebhook, WaitDeliveries

	mu       gosync.RWMutex
	now      time.Time
	version  uint64            // bumped by every change, invalidates cached searches
	statuses map[string]string // name -> category key
	users    map[string]*User
	sprints  map[int]*Sprint
	issues   map[string]*record
	byID     map[int]*record
	order    []*record // insertion order, deleted ones removed lazily
	nextNum  map[string]int
	nextID   int
	nextHist int
	nextLink int
	cache    map[string]*cachedSearch
	// byUpdated is order sorted by (updated, key) at byUpdatedVersion.
	byUpdated        []*record
	byUpdatedVersion uint64
	requests         map[string]int
	faults           fault.Schedule
	// memos are the JSON of statuses, priorities, resolutions, users,
	// projects and the issue type as rendered for a request base (see
	// renderer.memo), dropped when a status or user changes.
	memos memos

	muxOnce gosync.Once
	handler *http.ServeMux
}

type record struct {
	Issue
	links []*Link
}

// New returns a simulated Jira with no issues, the usual statuses, and one user
// for the configured email.
func New(opts Options) (*Server, error) {
	if opts.Deployment == "" {
		opts.Deployment = Cloud
	}
	if opts.Deployment != Cloud && opts.Deployment != DataCenter {
		return nil, fmt.Errorf("jirasim: deployment %q: want %q or %q", opts.Deployment, Cloud, DataCenter)
	}
	if opts.Username == "" {
		opts.Username = "svc-baton"
	}
	if opts.TimeZone == "" {
		opts.TimeZone = "America/Los_Angeles"
	}
	zone, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("jirasim: time zone: %w", err)
	}
	if opts.PageCap <= 0 {
		opts.PageCap = 50
		if opts.Deployment == DataCenter {
			opts.PageCap = 1000
		}
	}
	if opts.KeyPageCap <= 0 {
		opts.KeyPageCap = 5000
	}
	if opts.EmbeddedHistories <= 0 {
		opts.EmbeddedHistories = 40
		if opts.Deployment == DataCenter {
			opts.EmbeddedHistories = math.MaxInt
		}
	}
	if opts.BulkChangelogCap <= 0 {
		opts.BulkChangelogCap = 1000
	}
	if opts.SprintField == "" {
		opts.SprintField = "customfield_10020"
	}
	if opts.EpicLinkField == "" {
		opts.EpicLinkField = "customfield_10008"
	}
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	}
	s := &Server{
		opts: opts, zone: zone, now: opts.Now.Truncate(time.Millisecond),
		statuses: map[string]string{
			"Backlog": CategoryNew, "To Do": CategoryNew, "Selected for Development": CategoryNew,
			"In Progress": CategoryIndeterminate, "In Review": CategoryIndeterminate, "Blocked": CategoryIndeterminate,
			"Done": CategoryDone, "Closed": CategoryDone, "Resolved": CategoryDone,
		},
		users: map[string]*User{}, sprints: map[int]*Sprint{}, issues: map[string]*record{}, byID: map[int]*record{},
		nextNum: map[string]int{}, nextID: 10000, nextHist: 100000, nextLink: 20000,
		cache: map[string]*cachedSearch{}, requests: map[string]int{},
	}
	s.users["sim"] = &User{AccountID: "sim", DisplayName: "Jira Simulator", Email: "sim@example.invalid"}
	if opts.Email != "" {
		s.users["self"] = &User{AccountID: "self", DisplayName: opts.Email, Email: opts.Email}
	}
	return s, nil
}

// Options returns the effective options (defaults filled in).
func (s *Server) Options() Options { return s.opts }

// Zone is the account's time zone.
func (s *Server) Zone() *time.Location { return s.zone }

// Now is the simulated clock.
func (s *Server) Now() time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.now
}

// SetNow sets the simulated clock (millisecond precision).
func (s *Server) SetNow(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = t.Truncate(time.Millisecond)
}

// Advance moves the simulated clock forward by d.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d).Truncate(time.Millisecond)
}
