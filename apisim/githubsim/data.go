// Package githubsim is a simulated api.github.com (REST v3) for tests, the demo
// and benchmarks: repositories holding issues and pull requests with the real
// field names, native dependencies, sub-issues, comments and events, served
// with authentication, per-token quota, rate-limit headers, Link paging,
// strong ETags with 304s that cost no quota, and faults on demand.
//
// Data is added and changed through the Go API of *Server (goroutine-safe) or
// through its control endpoints under /_sim/. JSON is rendered on request; the
// server keeps only the data, so it holds 100,000 issues in little memory.
package githubsim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Issue is an issue or pull request as stored. Number, the id and the
// dependency summaries are the server's to set.
type Issue struct {
	Number      int
	Title       string
	Body        string
	User        string // author login
	PullRequest bool
	State       string // open | closed
	StateReason string // completed | not_planned | duplicate | reopened | ""
	Labels      []string
	Assignees   []string
	Milestone   int // number of a milestone of the repo, 0 for none
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
	Comments    []Comment
	Events      []Event
	BlockedBy   []IssueRef // native "blocked by" dependencies; may cross repos
	SubIssues   []IssueRef
}

// Comment is an issue comment.
type Comment struct {
	ID        int64
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Event is an issue event such as "labeled", "unlabeled", "closed", "reopened".
type Event struct {
	ID        int64
	Event     string
	Label     string // for labeled / unlabeled
	Actor     string
	CreatedAt time.Time
}

// Milestone is a repository milestone.
type Milestone struct {
	Number    int
	Title     string
	State     string // open | closed
	DueOn     time.Time
	CreatedAt time.Time
}

// IssueRef names an issue: Repo is "owner/name".
type IssueRef struct {
	Repo   string `json:"repo"`
	Number int    `json:"number"`
}

func (r IssueRef) String() string { return fmt.Sprintf("%s#%d", r.Repo, r.Number) }

// key is the case-insensitive identity of a reference.
func (r IssueRef) key() IssueRef { return IssueRef{Repo: strings.ToLower(r.Repo), Number: r.Number} }

// same reports whether r and o name the same issue, as their keys do; the
// numbers are compared first, which a board of thousands of items, searched
// item by item, needs to stay fast.
func (r IssueRef) same(o IssueRef) bool { return r.Number == o.Number && r.key() == o.key() }

// repo is a repository and everything in it. issues[n-1] is number n.
type repo struct {
	id         int64
	owner      string
	name       string
	full       string // owner/name, which every issue rendered names
	lower      string // full in lower case: the repository's key
	createdAt  time.Time
	archived   bool
	noIssues   bool // has_issues: false; listing its issues answers 410
	issues     []*issue
	milestones []Milestone

	// byUpdated is issues ordered by (updated_at, number) and msIssues the
	// open and closed issues of each milestone (index number-1), built on
	// first use and dropped by any change (which happens under the write
	// lock).
	cacheMu   sync.Mutex
	byUpdated []*issue
	msIssues  [][2]int
	// listed is the last listing's filter result and listedBy its filters:
	// a sync pages through one listing, and filtering walks every issue
	// updated since its cursor for each page.
	listed   []*issue
	listedBy string
	// events are the events of r's live issues, newest id first, as the
	// repository's event listing serves them.
	events []issueEvent
	// comments are the last repository comment listing's comments and
	// commentsBy its filters.
	comments   []issueComment
	commentsBy string

	// gen counts the changes to r's issues and milestones; a board page's
	// version names the generation of each of its issues' repositories
	// (appendRenderKey).
	gen uint64
}

// changed drops what was derived from r's issues and milestones; callers
// hold the server's write lock.
func (r *repo) changed() {
	r.byUpdated, r.msIssues, r.listed, r.listedBy, r.events = nil, nil, nil, "", nil
	r.comments, r.commentsBy = nil, ""
	r.gen++
}

// milestoneIssues returns the open and closed issues of each milestone of
// r; callers hold the server's read lock. Counting walks every issue, so it
// is done once per change rather than once per request.
func (r *repo) milestoneIssues() [][2]int {
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	if r.msIssues == nil {
		r.msIssues = make([][2]int, len(r.milestones))
		for _, is := range r.issues {
			if is.Milestone == 0 || is.deleted || is.movedTo.Repo != "" {
				continue
			}
			if is.State == "open" {
				r.msIssues[is.Milestone-1][0]++
			} else {
				r.msIssues[is.Milestone-1][1]++
			}
		}
	}
	return r.msIssues
}

// updatedOrder returns r's issues ordered by (updated_at, number); callers
// hold the server's read lock.
func (r *repo) updatedOrder() []*issue {
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	if r.byUpdated == nil {
		r.byUpdated = slices.Clone(r.issues)
		// by number among equal times, as a stable sort of issues (in number
		// order) would leave them, but sorted faster
		slices.SortFunc(r.byUpdated, func(a, b *issue) int {
			if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.Number, b.Number)
		})
	}
	return r.byUpdated
}

func (r *repo) fullName() string { return r.full }

// issue is a stored issue and what became of it.
type issue struct {
	Issue
	id      int64
	deleted bool
	movedTo IssueRef // set when transferred away
}

// AddRepo creates the repository owner/name. Repositories are listed by their
// organisation in the order they were added.
func (s *Server) AddRepo(owner, name string) error {
	if owner == "" || name == "" || strings.ContainsAny(owner+name, "/# ") {
		return fmt.Errorf("adding repo %q/%q: invalid name", owner, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(owner + "/" + name)
	if _, ok := s.repos[k]; ok {
		return fmt.Errorf("adding repo %s/%s: already exists", owner, name)
	}
	s.nextRepoID++
	r := &repo{id: s.nextRepoID, owner: owner, name: name, full: owner + "/" + name, lower: k, createdAt: s.clock()}
	s.repos[k] = r
	s.repoOrder = append(s.repoOrder, r)
	return nil
}

// SetRepoState archives repo ("owner/name") or not, and turns its issues
// off (has_issues: false) or on.
func (s *Server) SetRepoState(repoName string, archived, issuesDisabled bool) error {
	return s.editRepo(repoName, "setting the state of", func(r *repo) error {
		r.archived, r.noIssues = archived, issuesDisabled
		return nil
	})
}

// AddMilestone adds a milestone to repo ("owner/name") and returns its number.
func (s *Server) AddMilestone(repoName string, m Milestone) (int, error) {
	err := s.editRepo(repoName, "adding milestone to", func(r *repo) error {
		m.Number = len(r.milestones) + 1
		if m.State == "" {
			m.State = "open"
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = s.clock()
		}
		r.milestones = append(r.milestones, m)
		r.changed()
		return nil
	})
	if err != nil {
		return 0, err
	}
	return m.Number, nil
}

// AddIssue stores a copy of is as the next number of repo ("owner/name") and
// returns that number. Zero times default to the server clock, an empty State
// to open. BlockedBy and SubIssues may name issues that are added later.
func (s *Server) AddIssue(repoName string, is Issue) (int, error) {
	var n int
	err := s.editRepo(repoName, "adding issue to", func(r *repo) error {
		if is.Milestone < 0 || is.Milestone > len(r.milestones) {
			return fmt.Errorf("no milestone %d", is.Milestone)
		}
		now := s.clock()
		if is.CreatedAt.IsZero() {
			is.CreatedAt = now
		}
		if is.UpdatedAt.IsZero() {
			is.UpdatedAt = is.CreatedAt
		}
		if is.State == "" {
			is.State = "open"
		}
		if is.State == "closed" && is.ClosedAt.IsZero() {
			is.ClosedAt = is.UpdatedAt
		}
		if is.User == "" {
			is.User = "octocat"
		}
		is = is.copied()
		for i := range is.Comments {
			if is.Comments[i].ID == 0 {
				is.Comments[i].ID = s.nextID()
			}
		}
		for i := range is.Events {
			if is.Events[i].ID == 0 {
				is.Events[i].ID = s.nextID()
			}
		}
		s.place(r, &issue{Issue: is})
		for _, b := range is.BlockedBy {
			s.blocking[b.key()]++
		}
		n = r.issues[len(r.issues)-1].Number
		return nil
	})
	return n, err
}

// place appends is to r with the next number and a fresh id.
func (s *Server) place(r *repo, is *issue) {
	is.Number = len(r.issues) + 1
	is.id = r.id*10_000_000 + int64(is.Number)
	r.issues = append(r.issues, is)
	r.changed()
	s.parents.stale()
}

func (s *Server) nextID() int64 {
	s.lastID++
	return s.lastID
}

// editRepo runs edit on repo name ("owner/name") under s.mu, prefixing
// its errors with what was being done.
func (s *Server) editRepo(name, doing string, edit func(*repo) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(name)
	if err == nil {
		err = edit(r)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", doing, name, err)
	}
	return nil
}

// repo returns the repository named "owner/name"; callers hold s.mu.
func (s *Server) repo(name string) (*repo, error) {
	r, ok := s.repos[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("no repo %q", name)
	}
	return r, nil
}

// lookup returns the stored issue ref names, deleted and moved ones included;
// callers hold s.mu.
func (s *Server) lookup(ref IssueRef) (*repo, *issue, error) {
	r, err := s.repo(ref.Repo)
	if err != nil {
		return nil, nil, err
	}
	if ref.Number < 1 || ref.Number > len(r.issues) {
		return nil, nil, fmt.Errorf("no issue %s", ref)
	}
	return r, r.issues[ref.Number-1], nil
}

// live returns the issue ref names, following transfers, unless deleted;
// callers hold s.mu.
func (s *Server) live(ref IssueRef) (*repo, *issue, bool) {
	for range 10 {
		r, is, err := s.lookup(ref)
		if err != nil || is.deleted {
			return nil, nil, false
		}
		if is.movedTo.Repo == "" {
			return r, is, true
		}
		ref = is.movedTo
	}
	return nil, nil, false
}

// Repos returns the full names of all repositories, in the order added.
func (s *Server) Repos() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, len(s.repoOrder))
	for i, r := range s.repoOrder {
		out[i] = r.fullName()
	}
	return out
}

// Get returns a copy of the issue ref names (after transfers) and whether it
// exists and is not deleted.
func (s *Server) Get(ref IssueRef) (Issue, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, is, ok := s.live(ref)
	if !ok {
		return Issue{}, false
	}
	return is.copied(), true
}

// copied returns is with slices of its own, so the copy and the stored
// issue never share elements.
func (is Issue) copied() Issue {
	is.Labels = clone(is.Labels)
	is.Assignees = clone(is.Assignees)
	is.Comments = clone(is.Comments)
	is.Events = clone(is.Events)
	is.BlockedBy = clone(is.BlockedBy)
	is.SubIssues = clone(is.SubIssues)
	return is
}

func clone[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append([]T(nil), s...)
}
