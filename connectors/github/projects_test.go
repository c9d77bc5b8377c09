package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

const (
	itemsRoute = "GET /orgs/{org}/projectsV2/{number}/items"
	issueRoute = "GET /repos/{owner}/{repo}/issues/{number}"
)

var (
	board7   = githubsim.Board{Owner: "acme", Number: 7}
	options  = []string{"Todo", "In progress", "In review", "Blocked", "Done"}
	project7 = config.GitHubProject{Owner: "acme", Number: 7, Field: "Status",
		InProgress: []string{"in progress", "In review"}, Blocked: []string{"Blocked"}, Done: []string{"Done"}}
)

// newBoardEnv is acme/core with four issues (#1–#4, none labelled) and the
// board acme/7 with options, read for status as projects says.
func newBoardEnv(t *testing.T, projects ...config.GitHubProject) *env {
	t.Helper()
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 4)
	if err := e.sim.AddProject(githubsim.Project{Owner: "acme", Number: 7, Options: options}); err != nil {
		t.Fatal(err)
	}
	e.src.opts.Status.Projects = projects
	return e
}

func (e *env) setItem(t *testing.T, b githubsim.Board, n int, option string) {
	t.Helper()
	if err := e.sim.SetItem(b, githubsim.IssueRef{Repo: "acme/core", Number: n}, option); err != nil {
		t.Fatal(err)
	}
}

func (e *env) setLabels(t *testing.T, n int, labels ...string) {
	t.Helper()
	if err := e.sim.SetLabels(githubsim.IssueRef{Repo: "acme/core", Number: n}, labels); err != nil {
		t.Fatal(err)
	}
}

func (e *env) issue(t *testing.T, n int) model.Issue {
	t.Helper()
	is, ok := e.store.issues[model.GitHubKey("acme", "core", n)]
	if !ok {
		t.Fatalf("acme/core#%d not stored; have %v", n, e.store.keys())
	}
	return is
}

func TestBoardColumnGivesStatusAndBeatsLabels(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setLabels(t, 2, "in progress") // the board says blocked
	e.setLabels(t, 4, "in progress") // on no board: the label decides
	e.setItem(t, board7, 1, "In review")
	e.setItem(t, board7, 2, "Blocked")
	e.setItem(t, board7, 3, "Done")
	e.sim.Advance(time.Hour)
	e.mustSync(t)
	for _, c := range []struct {
		n      int
		status model.Status
		raw    string
		since  time.Time
	}{
		{1, model.StatusInProgress, "open/In review", t0},
		{2, model.StatusBlocked, "open/Blocked", t0},
		{3, model.StatusDone, "open/Done", t0},
		{4, model.StatusInProgress, "open/in progress", t0}, // its label's event
	} {
		is := e.issue(t, c.n)
		if is.Status != c.status || is.RawStatus != c.raw || !is.StatusChanged.Equal(c.since) {
			t.Errorf("#%d: status %s (%q) since %v, want %s (%q) since %v", c.n, is.Status, is.RawStatus, is.StatusChanged, c.status, c.raw, c.since)
		}
	}
}

func TestTodoColumnBeatsAnInProgressLabel(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setLabels(t, 1, "in progress")
	e.setItem(t, board7, 1, "Todo")
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusTodo || is.RawStatus != "open/Todo" {
		t.Errorf("#1 on Todo with an in-progress label: %s (%q), want todo (open/Todo)", is.Status, is.RawStatus)
	}
}

func TestFirstConfiguredBoardWins(t *testing.T) {
	e := newBoardEnv(t, project7, config.GitHubProject{Owner: "acme", Number: 8, Field: "Status", Done: []string{"Done"}})
	if err := e.sim.AddProject(githubsim.Project{Owner: "acme", Number: 8, Options: options}); err != nil {
		t.Fatal(err)
	}
	board8 := githubsim.Board{Owner: "acme", Number: 8}
	e.setItem(t, board8, 1, "Done")
	e.setItem(t, board7, 1, "In progress")
	e.setItem(t, board8, 2, "Done")
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusInProgress {
		t.Errorf("#1 in progress on acme/7 and done on acme/8: %s, want in_progress (the first board listed)", is.Status)
	}
	if is := e.issue(t, 2); is.Status != model.StatusDone {
		t.Errorf("#2 done on acme/8 only: %s, want done", is.Status)
	}
}

func TestItemMovedBetweenColumnsIsReadAgainInTheNextRound(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setItem(t, board7, 1, "In progress")
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	e.setItem(t, board7, 1, "Blocked") // the issue's updated_at stays
	e.sim.ResetStats()
	bs := e.mustSync(t)
	if got := emittedKeys(bs); strings.Join(got, " ") != "github:acme/core#1" {
		t.Fatalf("emitted %v after a move, want only #1", got)
	}
	if is := e.issue(t, 1); is.Status != model.StatusBlocked || !is.StatusChanged.Equal(t0.Add(time.Hour)) {
		t.Errorf("#1 after its move: %s since %v, want blocked since %v", is.Status, is.StatusChanged, t0.Add(time.Hour))
	}
	if n := e.sim.Stats().Requests[issueRoute]; n != 1 {
		t.Errorf("%d reads of single issues, want 1 (the moved one)", n)
	}
	e.sim.ResetStats()
	if bs := e.mustSync(t); len(emittedKeys(bs)) != 0 {
		t.Errorf("a round after the move emitted %v again", emittedKeys(bs))
	}
}

func TestIssueRemovedFromTheBoardFallsBackToItsLabels(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setLabels(t, 1, "blocked")
	e.setItem(t, board7, 1, "In progress")
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusInProgress {
		t.Fatalf("#1 on the board: %s, want in_progress", is.Status)
	}
	if err := e.sim.RemoveItem(board7, githubsim.IssueRef{Repo: "acme/core", Number: 1}); err != nil {
		t.Fatal(err)
	}
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusBlocked || is.RawStatus != "open/blocked" {
		t.Errorf("#1 off the board: %s (%q), want blocked by its label", is.Status, is.RawStatus)
	}
}

func TestUnchangedBoardIsReadAgainForFree(t *testing.T) {
	e := newBoardEnv(t, project7)
	for n := 1; n <= 4; n++ {
		e.setItem(t, board7, n, "In progress")
	}
	e.mustSync(t)
	e.sim.ResetStats()
	if bs := e.mustSync(t); len(emittedKeys(bs)) != 0 {
		t.Errorf("an unchanged round emitted %v", emittedKeys(bs))
	}
	st := e.sim.Stats()
	if st.QuotaUsed != 0 || st.Requests[itemsRoute] == 0 || st.NotModified < st.Requests[itemsRoute] {
		t.Errorf("unchanged round: quota %d, %d item listings, %d answered 304; want 0 quota, every listing 304",
			st.QuotaUsed, st.Requests[itemsRoute], st.NotModified)
	}
}

func TestBoardPagesFollowTheLinkCursor(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 250)
	if err := e.sim.AddProject(githubsim.Project{Owner: "acme", Number: 7, Options: options}); err != nil {
		t.Fatal(err)
	}
	e.src.opts.Status.Projects = []config.GitHubProject{project7}
	for n := 1; n <= 250; n++ {
		e.setItem(t, board7, n, "Blocked") // every fifth is a pull request, which is not read
	}
	e.mustSync(t)
	blocked := 0
	for _, is := range e.store.issues {
		if is.Status == model.StatusBlocked {
			blocked++
		}
	}
	if blocked != 200 || e.sim.Stats().Requests[itemsRoute] != 3 {
		t.Errorf("%d blocked over %d item pages, want 200 over 3", blocked, e.sim.Stats().Requests[itemsRoute])
	}
}

func TestUserOwnedBoard(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 2)
	mona := githubsim.Board{Owner: "mona", User: true, Number: 3}
	if err := e.sim.AddProject(githubsim.Project{Owner: "mona", User: true, Number: 3, Options: options}); err != nil {
		t.Fatal(err)
	}
	e.setItem(t, mona, 2, "Blocked")
	e.src.opts.Status.Projects = []config.GitHubProject{{Owner: "mona", Number: 3, Field: "status", Blocked: []string{"BLOCKED"}}}
	e.mustSync(t)
	if is := e.issue(t, 2); is.Status != model.StatusBlocked {
		t.Errorf("#2 blocked on mona's board: %s", is.Status)
	}
}

func TestBadBoardsStopTheSourceAtStartNamingWhatExists(t *testing.T) {
	for _, c := range []struct {
		name    string
		project config.GitHubProject
		want    string
	}{
		{"missing project", config.GitHubProject{Owner: "acme", Number: 9, Field: "Status", Done: []string{"Done"}},
			`project acme/9: no such organisation or user project, or the token cannot see it (it needs Projects: read)`},
		{"unknown field", config.GitHubProject{Owner: "acme", Number: 7, Field: "Stage", Done: []string{"Done"}},
			`project acme/7: no field "Stage"; its fields are "Title", "Assignees", "Status"`},
		{"unknown option", config.GitHubProject{Owner: "acme", Number: 7, Field: "Status", InProgress: []string{"Doing"}},
			`project acme/7: field "Status" has no option "Doing"; its options are "Todo", "In progress", "In review", "Blocked", "Done"`},
		{"not a single select", config.GitHubProject{Owner: "acme", Number: 7, Field: "Title", Done: []string{"Done"}},
			`project acme/7: field "Title" is title, not a single select`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newBoardEnv(t, c.project)
			_, err := e.sync(t)
			if err == nil || err.Error() != c.want || !isPermanent(err) {
				t.Fatalf("sync: %v, want the permanent error %q", err, c.want)
			}
			if len(e.store.issues) != 0 {
				t.Errorf("%d issues stored with a bad board", len(e.store.issues))
			}
		})
	}
}

func TestForbiddenBoardSaysWhichPermission(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 1)
	if err := e.sim.AddProject(githubsim.Project{Owner: "acme", Number: 7, Options: options, Forbidden: true}); err != nil {
		t.Fatal(err)
	}
	e.src.opts.Status.Projects = []config.GitHubProject{project7}
	_, err := e.sync(t)
	if err == nil || !strings.Contains(err.Error(), "project acme/7: forbidden") || !strings.Contains(err.Error(), "Projects: read") || !isPermanent(err) {
		t.Fatalf("sync: %v, want a permanent error naming the project and Projects: read", err)
	}
}

func isPermanent(err error) bool {
	p, ok := err.(interface{ Permanent() bool })
	return ok && p.Permanent()
}

// The source is a sync.Source: its context is honoured by the board reads too.
func TestBoardReadStopsWithItsContext(t *testing.T) {
	e := newBoardEnv(t, project7)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.src.Sync(ctx, nil, e.store.emit); err == nil {
		t.Fatal("sync with a cancelled context succeeded")
	}
}

func TestUnchangedBoardIsFreeForANewProcessToo(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setItem(t, board7, 1, "In progress")
	e.setItem(t, board7, 2, "Todo")
	e.mustSync(t)
	restarted := connect(t, e.sim, e.src.src)
	restarted.store = e.store
	restarted.src.opts.Status.Projects = []config.GitHubProject{project7}
	e.sim.ResetStats()
	if bs := restarted.mustSync(t); len(bs) != 0 {
		t.Errorf("a new process emitted %d batches for an unchanged org", len(bs))
	}
	if st := e.sim.Stats(); st.QuotaUsed != 0 {
		t.Errorf("a new process spent %d of the quota on an unchanged org (requests %v), want 0", st.QuotaUsed, st.Requests)
	}
	e.sim.Advance(time.Hour)
	e.setItem(t, board7, 2, "Blocked")
	restarted.mustSync(t)
	if is := e.issue(t, 2); is.Status != model.StatusBlocked {
		t.Errorf("#2 moved to Blocked: %s after the restart", is.Status)
	}
}

func TestBoardIssueQuietForLongerThanTheActivityWindowCostsNoTimeline(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	if err := e.sim.AddRepo("acme", "core"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AddProject(githubsim.Project{Owner: "acme", Number: 7, Options: options}); err != nil {
		t.Fatal(err)
	}
	e.src.opts.Status.Projects = []config.GitHubProject{project7}
	for _, ago := range []time.Duration{40 * 24 * time.Hour, 2 * 24 * time.Hour} { // #1 quiet, #2 recent
		at := t0.Add(-ago)
		n, err := e.sim.AddIssue("acme/core", githubsim.Issue{Title: "work", CreatedAt: at, UpdatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.sim.SetItemAt(board7, githubsim.IssueRef{Repo: "acme/core", Number: n}, "In progress", at); err != nil {
			t.Fatal(err)
		}
	}
	e.mustSync(t)
	if n := e.sim.Stats().Requests[timelineRoute]; n != 1 {
		t.Errorf("%d timeline calls, want 1 (#2's; #1 has had no activity within the window)", n)
	}
	if is := e.issue(t, 1); is.Status != model.StatusInProgress || !is.StatusChanged.Equal(t0.Add(-40*24*time.Hour)) {
		t.Errorf("#1: %s since %v, want in progress since its move 40 days ago", is.Status, is.StatusChanged)
	}
}

func TestItemMovedWhileARoundListsIssuesIsReadInTheNext(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setItem(t, board7, 1, "In progress")
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	if err := e.sim.Touch(githubsim.IssueRef{Repo: "acme/core", Number: 2}); err != nil { // so the round lists acme/core
		t.Fatal(err)
	}
	moved := false
	e.afterResponse = func(req *http.Request) {
		if !moved && strings.HasSuffix(req.URL.Path, "/repos/acme/core/issues") { // the boards were read already
			moved = true
			e.setItem(t, board7, 1, "Blocked")
		}
	}
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusInProgress {
		t.Fatalf("#1 during the round of its move: %s, want in_progress as the board was read", is.Status)
	}
	e.afterResponse = nil
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusBlocked || !is.StatusChanged.Equal(t0.Add(time.Hour)) {
		t.Errorf("#1 a round after its move: %s since %v, want blocked since %v", is.Status, is.StatusChanged, t0.Add(time.Hour))
	}
}

// A board whose answers keep giving a cursor already read stops with an
// error instead of paging forever.
func TestBoardPagesStopAtARepeatedCursor(t *testing.T) {
	requests := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		next := *r.URL
		next.Scheme, next.Host = "http", r.Host
		next.RawQuery = "per_page=100&after=abc"
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
		w.Write([]byte("[]"))
	}))
	t.Cleanup(hs.Close)
	src, err := New(config.Source{Name: "gh", Type: "github", URL: hs.URL + "/", Token: token, Settings: &Config{Repos: []string{"acme/core"}}, Parallel: 1},
		Options{Now: func() time.Time { return t0 }, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	b := &board{cfg: project7, path: "orgs/acme/projectsV2/7", fieldID: 1}
	err = src.boardItems(context.Background(), b, map[string]boardPage{}, func(string, boardPage) {})
	if err == nil || !strings.Contains(err.Error(), `cursor "abc" was already read`) || requests != 2 {
		t.Errorf("after %d requests: %v, want a repeated-cursor error after 2", requests, err)
	}
}

// A quiet round keeps the boards' places and cursor as they are, but only
// when the cursor is the one the source committed: a move read in a round
// whose repositories failed (so the projects cursor was not written) is
// emitted in the next round, although the boards did not change between
// the two.
func TestMoveReadInAFailedRoundIsEmittedInTheNext(t *testing.T) {
	e := newBoardEnv(t, project7)
	e.setItem(t, board7, 1, "In progress")
	e.mustSync(t)
	e.setItem(t, board7, 1, "Blocked")
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultUnprocessable, PathPrefix: "/repos/acme/core/issues"}))
	if _, err := e.sync(t); err == nil {
		t.Fatal("the round with a failing listing succeeded")
	}
	if is := e.issue(t, 1); is.Status != model.StatusInProgress {
		t.Fatalf("#1 after the failed round: %s, want in_progress still", is.Status)
	}
	e.mustSync(t)
	if is := e.issue(t, 1); is.Status != model.StatusBlocked {
		t.Errorf("#1 a round after: %s, want blocked", is.Status)
	}
	e.sim.ResetStats()
	if bs := e.mustSync(t); len(emittedKeys(bs)) != 0 || len(bs) != 0 {
		t.Errorf("the quiet round after emitted %d batches (%v), want none", len(bs), emittedKeys(bs))
	}
}
