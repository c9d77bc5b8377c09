// Package jirasim is a simulated Jira REST API (Cloud or Data Center) backed by
// an in-memory organisation that tests, the demo and benchmarks fill and mutate
// through a Go API or an HTTP control endpoint. It reproduces the behaviours
// that break naive sync code: the account time zone of JQL dates, capped pages,
// truncated embedded changelogs, the removed legacy search on Cloud, faults.
package jirasim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // account zones must resolve in minimal containers too
)

// Deployments, spelled as in baton's `deployment:` setting.
const (
	Cloud      = "cloud"
	DataCenter = "server"
)

// Status categories, as Jira's statusCategory.key.
const (
	CategoryNew           = "new"
	CategoryIndeterminate = "indeterminate"
	CategoryDone          = "done"
)

// Link type names the simulator knows (ids "10000" and "10003", as in a fresh site).
const (
	LinkBlocks  = "Blocks"
	LinkRelates = "Relates"
)

// User is a Jira account.
type User struct {
	AccountID   string
	DisplayName string
	Email       string
}

// Sprint is a board sprint. State is active, closed or future.
type Sprint struct {
	ID    int
	Name  string // may hold commas: Data Center writes it unquoted
	State string
	Goal  string
	Start time.Time
	End   time.Time
}

// Comment is a comment on an issue. Author is an account id.
type Comment struct {
	Author  string
	Created time.Time
	Body    string
}

// Change is one item of a changelog history, with Jira's field names.
type Change struct {
	Field      string
	FieldType  string // "jira" or "custom"
	From       string
	FromString string
	To         string
	ToString   string
}

// History is one changelog entry. ID 0 gets the next id when added.
type History struct {
	ID      int
	Author  string
	Created time.Time
	Items   []Change
}

// Issue is one simulated issue as the Go API reads and writes it. Times are
// kept at millisecond precision, as Jira does.
type Issue struct {
	Key         string // PROJECT-N; empty on AddIssue = next number of Project
	Project     string
	ID          int // assigned on add
	Summary     string
	Description string
	Status      string // a status name known to the server
	Priority    string // Highest, High, Medium, Low, Lowest (or any name)
	Assignee    string // account id, empty = unassigned
	Due         string // YYYY-MM-DD, empty = none
	Resolution  string // empty = unresolved
	Resolved    time.Time
	Created     time.Time
	Updated     time.Time
	Labels      []string
	Components  []string
	Comments    []Comment
	Sprints     []int // sprint ids
	// Parent is the key of a sub-task's parent, rendered as the parent field
	// on both deployments.
	Parent string
	// Epic is the key of the issue's epic: Cloud renders it as the parent
	// field (which replaced Epic Link there), Data Center as the Epic Link
	// custom field's value.
	Epic      string
	Histories []History
}

// Link is an issue link: From blocks To for Blocks; From relates to To otherwise.
type Link struct {
	ID   int
	Type string
	From string
	To   string
}

// AddStatus adds or changes a status and its category (new, indeterminate, done).
func (s *Server) AddStatus(name, category string) error {
	switch category {
	case CategoryNew, CategoryIndeterminate, CategoryDone:
	default:
		return fmt.Errorf("jirasim: status %q: unknown category %q", name, category)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[name] = category
	s.memos.clear()
	return nil
}

// AddUser adds or replaces an account.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.AccountID] = &u
	s.memos.clear()
}

// AddSprint adds or replaces a sprint.
func (s *Server) AddSprint(sp Sprint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp.Start, sp.End = sp.Start.Truncate(time.Millisecond), sp.End.Truncate(time.Millisecond)
	s.sprints[sp.ID] = &sp
}

// AddIssue stores an issue as given (its histories, comments and times are
// kept; zero Created/Updated become now) and returns its key.
func (s *Server) AddIssue(is Issue) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is.Key == "" {
		if is.Project == "" {
			return "", fmt.Errorf("jirasim: adding issue: neither key nor project given")
		}
		s.nextNum[is.Project]++
		is.Key = fmt.Sprintf("%s-%d", is.Project, s.nextNum[is.Project])
	}
	proj, num, ok := splitKey(is.Key)
	if !ok {
		return "", fmt.Errorf("jirasim: adding issue: malformed key %q", is.Key)
	}
	if _, dup := s.issues[is.Key]; dup {
		return "", fmt.Errorf("jirasim: adding issue: %s exists", is.Key)
	}
	if is.Status == "" {
		is.Status = "To Do"
	}
	if _, ok := s.statuses[is.Status]; !ok {
		return "", fmt.Errorf("jirasim: adding issue %s: unknown status %q", is.Key, is.Status)
	}
	is.Project = proj
	s.nextNum[proj] = max(s.nextNum[proj], num)
	s.nextID++
	is.ID = s.nextID
	is.Created = orNow(is.Created, s.now)
	is.Updated = orNow(is.Updated, is.Created)
	is.Resolved = is.Resolved.Truncate(time.Millisecond)
	for i := range is.Histories {
		if is.Histories[i].ID == 0 {
			s.nextHist++
			is.Histories[i].ID = s.nextHist
		}
		is.Histories[i].Created = is.Histories[i].Created.Truncate(time.Millisecond)
	}
	for i := range is.Comments {
		is.Comments[i].Created = is.Comments[i].Created.Truncate(time.Millisecond)
	}
	r := &record{Issue: is}
	s.issues[is.Key] = r
	s.byID[r.ID] = r
	s.order = append(s.order, r)
	s.version++
	return is.Key, nil
}

// Issue returns a copy of the issue with the given key.
func (s *Server) Issue(key string) (Issue, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.issues[key]
	if !ok {
		return Issue{}, false
	}
	c := r.Issue
	c.Histories = slices.Clone(c.Histories)
	c.Comments = slices.Clone(c.Comments)
	return c, true
}

// Keys returns the keys of every existing issue, in insertion order.
func (s *Server) Keys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.issues))
	for _, r := range s.order {
		keys = append(keys, r.Key)
	}
	return keys
}

// Links returns the links of an issue (either end).
func (s *Server) Links(key string) []Link {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.issues[key]
	if !ok {
		return nil
	}
	out := make([]Link, len(r.links))
	for i, l := range r.links {
		out[i] = *l
	}
	return out
}

func splitKey(key string) (string, int, bool) {
	i := strings.LastIndexByte(key, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(key[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return key[:i], n, true
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.Truncate(time.Millisecond)
}
