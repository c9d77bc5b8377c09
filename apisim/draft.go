package apisim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// state is the generated state of an issue; stDropped is done without the work
// (GitHub not_planned, Jira Won't Do / Duplicate / Cannot Reproduce).
type state uint8

const (
	stTodo state = iota
	stProgress
	stBlocked
	stDone
	stDropped
)

func (s state) open() bool { return s < stDone }

// draft is one issue as the generator decides it, before it is written into
// the GitHub or Jira simulator.
type draft struct {
	place    int // repository or project index
	title    string
	body     string
	state    state
	raw      string // Jira status name; "" picks the usual one for state
	reso     string // Jira resolution of a done issue; "" picks the usual one
	pri      int    // 1 highest … 5 lowest, 0 none
	assignee string
	created  time.Time
	updated  time.Time
	changed  time.Time // last status transition
	closed   time.Time
	due      time.Time // Jira due date
	iter     int       // milestone number (GitHub) or sprint id (Jira), 0 none
	comments []time.Time
	edits    []time.Time // Jira field edits that are not status changes
	labels   []string
	blocked  []githubsim.IssueRef // GitHub native blocked-by dependencies
	subs     []githubsim.IssueRef // GitHub sub-issues
	pr       bool
}

var (
	jiraPriorities = []string{"", "Highest", "High", "Medium", "Low", "Lowest"}
	commentBodies  = []string{"Looking into this.", "Any update?", "Pushed a fix for review.", "Still seeing this on staging.", "Moving this to next sprint."}
)

// addGitHub writes d as the next number of its repository and returns the
// issue's reference.
func (g *generator) addGitHub(d *draft) (githubsim.IssueRef, error) {
	r := d.place
	ref := githubsim.IssueRef{Repo: g.l.fullRepo(r), Number: g.ghNext[r]}
	is := githubsim.Issue{
		Title: d.title, Body: d.body, User: g.l.teams[g.l.repoTeam[r]].users[0],
		PullRequest: d.pr, State: "open", Labels: d.labels, Milestone: d.iter,
		CreatedAt: d.created, UpdatedAt: d.updated, BlockedBy: d.blocked, SubIssues: d.subs,
	}
	if d.pri > 0 {
		is.Labels = append(is.Labels, fmt.Sprintf("P%d", min(d.pri, 4)))
	}
	if d.assignee != "" {
		is.Assignees = []string{d.assignee}
	}
	board, onBoard := g.l.boardOf(r)
	onBoard = onBoard && !d.pr
	switch {
	case d.state == stProgress && !onBoard:
		is.Labels = append(is.Labels, "in progress")
		is.Events = []githubsim.Event{{Event: "labeled", Label: "in progress", Actor: d.assignee, CreatedAt: d.changed}}
	case d.state == stBlocked && !onBoard:
		is.Labels = append(is.Labels, "blocked")
		is.Events = []githubsim.Event{{Event: "labeled", Label: "blocked", Actor: d.assignee, CreatedAt: d.changed}}
	case d.state == stDone || d.state == stDropped:
		is.State, is.StateReason, is.ClosedAt = "closed", "completed", d.closed
		if d.state == stDropped {
			is.StateReason = "not_planned"
		}
		is.Events = []githubsim.Event{{Event: "closed", Actor: is.User, CreatedAt: d.closed}}
	}
	for i, t := range d.comments {
		is.Comments = append(is.Comments, githubsim.Comment{User: is.User, Body: commentBodies[i%len(commentBodies)], CreatedAt: t, UpdatedAt: t})
	}
	n, err := g.gh.AddIssue(ref.Repo, is)
	if err != nil {
		return ref, fmt.Errorf("writing %s: %w", ref, err)
	}
	if n != ref.Number {
		return ref, fmt.Errorf("writing %s: simulator numbered it %d", ref, n)
	}
	if onBoard && d.state.open() {
		if err := g.placeOnBoard(board, ref, d); err != nil {
			return ref, err
		}
	}
	g.ghNext[r]++
	g.countGitHub(d)
	return ref, nil
}

// placeOnBoard puts an open issue of a team that uses a board in the column
// of its state, moved there when its status last changed (or when it was
// created, for todo). Closed issues are off the board, as its auto-archive
// workflow leaves them.
func (g *generator) placeOnBoard(b githubsim.Board, ref githubsim.IssueRef, d *draft) error {
	option, at := "Todo", d.created
	switch d.state {
	case stProgress:
		option, at = "In progress", d.changed
	case stBlocked:
		option, at = "Blocked", d.changed
	}
	if err := g.gh.SetItemAt(b, ref, option, at); err != nil {
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	return nil
}

// addJira writes d as the next issue of its project and returns its key
// (PROJECT-N).
func (g *generator) addJira(d *draft) (string, error) {
	p := d.place
	key := fmt.Sprintf("%s-%d", g.l.projects[p], g.jiraNext[p])
	is := jirasim.Issue{
		Key: key, Project: g.l.projects[p], Summary: d.title, Description: d.body,
		Status: d.raw, Priority: jiraPriorities[d.pri], Assignee: d.assignee,
		Created: d.created, Updated: d.updated, Labels: d.labels,
	}
	if is.Priority == "" {
		is.Priority = "Medium"
	}
	if !d.due.IsZero() {
		is.Due = d.due.Format(time.DateOnly)
	}
	if d.iter > 0 {
		is.Sprints = []int{d.iter}
	}
	g.jiraStatus(d, &is)
	is.Histories = g.jiraHistories(d)
	for i, t := range d.comments {
		is.Comments = append(is.Comments, jirasim.Comment{Author: is.Assignee, Created: t, Body: commentBodies[i%len(commentBodies)]})
		if is.Assignee == "" {
			is.Comments[i].Author = g.l.teams[g.l.projTeam[p]].users[0]
		}
	}
	if _, err := g.jira.AddIssue(is); err != nil {
		return key, fmt.Errorf("writing %s: %w", key, err)
	}
	g.jiraNext[p]++
	g.countJira(d)
	return key, nil
}

// jiraStatus fills the status and resolution a state has in Jira.
func (g *generator) jiraStatus(d *draft, is *jirasim.Issue) {
	if is.Status == "" {
		is.Status = [...]string{stTodo: "To Do", stProgress: "In Progress", stBlocked: "Blocked", stDone: "Done", stDropped: "Won't Do"}[d.state]
	}
	if d.state.open() {
		return
	}
	is.Resolution, is.Resolved = d.reso, d.closed
	if is.Resolution == "" {
		is.Resolution = "Done"
		if d.state == stDropped {
			is.Resolution = "Won't Do"
		}
	}
}

// jiraHistories is the changelog of d: its status transitions and field edits,
// oldest first.
func (g *generator) jiraHistories(d *draft) []jirasim.History {
	author := d.assignee
	if author == "" {
		author = "sim"
	}
	var hs []jirasim.History
	status := func(at time.Time, from, to string) {
		hs = append(hs, jirasim.History{Author: author, Created: at, Items: []jirasim.Change{{Field: "status", FieldType: "jira", FromString: from, ToString: to}}})
	}
	final := d.raw
	if final == "" {
		final = [...]string{"To Do", "In Progress", "Blocked", "Done", "Won't Do"}[d.state]
	}
	switch d.state {
	case stProgress:
		status(d.changed, "To Do", final)
	case stBlocked:
		status(d.created.Add(d.changed.Sub(d.created)/2), "To Do", "In Progress")
		status(d.changed, "In Progress", final)
	case stDone, stDropped:
		status(d.created.Add(d.closed.Sub(d.created)/2), "To Do", "In Progress")
		status(d.closed, "In Progress", final)
	}
	for _, t := range d.edits {
		hs = append(hs, jirasim.History{Author: author, Created: t, Items: []jirasim.Change{{Field: "labels", FieldType: "jira", FromString: "", ToString: "needs-triage"}}})
	}
	slices.SortStableFunc(hs, func(a, b jirasim.History) int { return a.Created.Compare(b.Created) })
	return hs
}

// githubModelKey and jiraModelKey are the model keys the connectors give the
// issues written above.
func githubModelKey(ref githubsim.IssueRef) string {
	owner, repo, _ := strings.Cut(ref.Repo, "/")
	return model.GitHubKey(owner, repo, ref.Number)
}

func jiraModelKey(key string) string { return model.JiraKey(key) }

// jiraLink adds a link as if made at the given time: the simulator stamps the
// link's history and both issues' updated time with its clock.
func (g *generator) jiraLink(typ, from, to string, at time.Time) error {
	g.jira.SetNow(at)
	if _, err := g.jira.AddLink(typ, from, to); err != nil {
		return fmt.Errorf("linking %s to %s: %w", from, to, err)
	}
	return nil
}

func (g *generator) countGitHub(d *draft) {
	if d.pr {
		g.stats.GitHub.PullRequests++
		return
	}
	g.stats.GitHub.add(d.state)
}

func (g *generator) countJira(d *draft) { g.stats.Jira.add(d.state) }

func (c *Counts) add(s state) {
	c.Issues++
	switch s {
	case stTodo:
		c.Todo++
	case stProgress:
		c.InProgress++
	case stBlocked:
		c.Blocked++
	case stDone:
		c.Done++
	case stDropped:
		c.Dropped++
	}
}

// randDur is a uniformly random duration in [0, d), whole seconds.
func randDur(rng *rand.Rand, d time.Duration) time.Duration {
	if d < time.Second {
		return 0
	}
	return time.Duration(rng.Int64N(int64(d/time.Second))) * time.Second
}

// weighted picks an index with the given relative weights.
func weighted(rng *rand.Rand, w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := rng.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func sortTimes(ts []time.Time) { slices.SortFunc(ts, time.Time.Compare) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
