package github

import (
	"context"
	"encoding/json"
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	_ "github.com/batonhq/baton/connectors/jira" // the generated configuration has a Jira source too
	"github.com/batonhq/baton/model"
)

const (
	repoEventsRoute   = "GET /repos/{owner}/{repo}/issues/events"
	repoCommentsRoute = "GET /repos/{owner}/{repo}/issues/comments"
)

// generatedOrg is a generated organisation's GitHub (two repositories, one
// team on labels and one on a board) and a way to make a source for it
// that reads the repository listings once probeAt timeline calls are
// needed.
type generatedOrg struct {
	sim *githubsim.Server
	src config.Source
	cfg *config.Config
}

func newGeneratedOrg(t *testing.T) *generatedOrg {
	t.Helper()
	org, err := apisim.Generate(apisim.Spec{Seed: 7, Issues: 3000, Teams: 2, Repos: 2, Projects: 1, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(org.GitHubHandler())
	t.Cleanup(hs.Close)
	path, err := org.WriteConfig(t.TempDir(), hs.URL+"/", "http://127.0.0.1:1/")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g := &generatedOrg{sim: org.GitHub, cfg: cfg}
	for _, s := range cfg.Sources {
		if s.Type == "github" {
			g.src = s
		}
	}
	return g
}

// source is a source on the organisation whose clock stays at t0, so that
// the activity window does not move between rounds however the
// simulator's clock is moved on to date edits.
func (g *generatedOrg) source(t *testing.T, probeAt int) *Source {
	t.Helper()
	s, err := New(g.src, Options{Status: g.cfg.Status.GitHub, Priority: g.cfg.Priority.GitHubLabels,
		Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	s.wideProbeAt = probeAt
	return s
}

// fullSync syncs a new source from nothing into a new store, returning the
// store and the requests by route.
func (g *generatedOrg) fullSync(t *testing.T, probeAt int) (*memStore, map[string]int) {
	t.Helper()
	store := newMemStore()
	g.sim.ResetStats()
	if err := g.source(t, probeAt).Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
		t.Fatal(err)
	}
	return store, g.sim.Stats().Requests
}

// TestRepositoryListingsGiveWhatTimelinesGive syncs a generated
// organisation once through a timeline per issue in progress and once
// through the repositories' event and comment listings: every issue must
// come out the same, status change times and activity included, for far
// fewer requests.
func TestRepositoryListingsGiveWhatTimelinesGive(t *testing.T) {
	g := newGeneratedOrg(t)
	timelines, narrow := g.fullSync(t, math.MaxInt)
	listings, wide := g.fullSync(t, 1)

	if diff := cmp.Diff(timelines.issues, listings.issues); diff != "" {
		t.Fatalf("issues read through timelines (-) and through the repository listings (+) differ:\n%s", diff)
	}
	busy := 0
	for _, is := range timelines.issues {
		if !is.StatusChanged.IsZero() && len(is.ActivityEvents) > 0 && is.Status == model.StatusInProgress {
			busy++
		}
	}
	if busy < 20 {
		t.Errorf("%d issues in progress with a status change and activity; the comparison needs more", busy)
	}
	if narrow[timelineRoute] < 200 || narrow[repoEventsRoute] != 0 {
		t.Errorf("timeline path: %d timelines, %d event pages; want hundreds and none", narrow[timelineRoute], narrow[repoEventsRoute])
	}
	if wide[timelineRoute] != 0 || wide[repoEventsRoute] == 0 || wide[repoCommentsRoute] == 0 {
		t.Errorf("listing path: %d timelines, %d event pages, %d comment pages; want none and some of each",
			wide[timelineRoute], wide[repoEventsRoute], wide[repoCommentsRoute])
	}
	if w := wide[repoEventsRoute] + wide[repoCommentsRoute]; w*4 > narrow[timelineRoute] {
		t.Errorf("listing path read %d pages of listings, timeline path %d timelines; want a quarter or less", w, narrow[timelineRoute])
	}
}

// TestRepositoryListingsAreOnlyReadWhenCheaper: with the default probe
// threshold a repository whose few issues in progress need fewer timelines
// than the listings have pages reads the timelines, and a generated one
// with hundreds reads the listings.
func TestRepositoryListingsAreOnlyReadWhenCheaper(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	must(t, e.sim.AddRepo("acme", "core"))
	for range wideProbeAt + 1 {
		add(t, e, "acme/core", githubsim.Issue{Title: "wip", Labels: []string{"in progress"}, CreatedAt: t0.Add(-time.Hour)})
	}
	// Comments within the window for 26 pages of the repository's listing.
	comments := make([]githubsim.Comment, 100)
	for i := range comments {
		comments[i] = githubsim.Comment{User: "bob", Body: "ping", CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(-time.Hour)}
	}
	for range 26 {
		add(t, e, "acme/core", githubsim.Issue{Title: "todo", CreatedAt: t0.Add(-2 * time.Hour), Comments: comments})
	}
	e.sim.ResetStats()
	e.mustSync(t)
	got := e.sim.Stats().Requests
	if got[timelineRoute] != wideProbeAt+1 || got[repoEventsRoute] != 1 || got[repoCommentsRoute] != 1 {
		t.Errorf("%d timelines, %d event pages, %d comment pages; want 21 timelines after page 1 of each listing says 27 pages",
			got[timelineRoute], got[repoEventsRoute], got[repoCommentsRoute])
	}

	g := newGeneratedOrg(t)
	_, wide := g.fullSync(t, wideProbeAt)
	if wide[repoEventsRoute] == 0 || wide[timelineRoute] > 2*(wide[repoEventsRoute]+wide[repoCommentsRoute]) {
		t.Errorf("generated organisation: %d timelines, %d event pages, %d comment pages; want the listings, and timelines no more than twice their pages",
			wide[timelineRoute], wide[repoEventsRoute], wide[repoCommentsRoute])
	}
}

// TestRefusedListingsLeaveTheRoundToTimelines: a 422 from the events
// listing (GitHub's answer to an endpoint it deems spammed) makes the round
// read timelines, with the same result, instead of failing the repository.
func TestRefusedListingsLeaveTheRoundToTimelines(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	must(t, e.sim.AddRepo("acme", "core"))
	var wip []int
	for range wideProbeAt + 5 {
		wip = append(wip, add(t, e, "acme/core", githubsim.Issue{Title: "wip", CreatedAt: t0.Add(-48 * time.Hour)}))
	}
	e.sim.SetNow(t0.Add(-24 * time.Hour))
	for _, n := range wip {
		must(t, e.sim.SetLabels(ref("acme/core", n), []string{"in progress"}))
	}
	e.sim.SetNow(t0)
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultUnprocessable, PathPrefix: "/repos/acme/core/issues/events"}))
	e.sim.ResetStats()
	e.mustSync(t)
	got := e.sim.Stats().Requests
	if got[repoEventsRoute] != 1 || got[repoCommentsRoute] != 0 || got[timelineRoute] != len(wip) {
		t.Errorf("%d event pages, %d comment pages, %d timelines; want the refused page, then a timeline each",
			got[repoEventsRoute], got[repoCommentsRoute], got[timelineRoute])
	}
	for _, n := range wip {
		if is := e.store.issues[model.GitHubKey("acme", "core", n)]; !is.StatusChanged.Equal(t0.Add(-24 * time.Hour)) {
			t.Fatalf("#%d status changed %v, want the label's %v", n, is.StatusChanged, t0.Add(-24*time.Hour))
		}
	}
}

// TestIncrementalAfterEditsEqualsFullThroughListings: after a full sync
// through the listings, a comment, a label moved, an issue closed and one
// reopened are read by an incremental round (through timelines: few issues
// changed) to the same store a new full sync makes, and the round after
// costs nothing.
func TestIncrementalAfterEditsEqualsFullThroughListings(t *testing.T) {
	g := newGeneratedOrg(t)
	src := g.source(t, 1)
	store := newMemStore()
	if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
		t.Fatal(err)
	}
	var wip, blocked, closed []githubsim.IssueRef
	for _, k := range store.keys() {
		is := store.issues[k]
		key, _ := model.ParseKey(k)
		r := githubsim.IssueRef{Repo: key.Place, Number: key.Number}
		switch {
		case is.RawStatus == "open/in progress":
			wip = append(wip, r)
		case is.RawStatus == "open/blocked":
			blocked = append(blocked, r)
		case is.Status == model.StatusDone && is.Closed.After(t0.Add(-10*24*time.Hour)):
			closed = append(closed, r)
		}
	}
	if len(wip) < 3 || len(blocked) < 1 || len(closed) < 1 {
		t.Fatalf("%d in progress, %d blocked, %d closed lately on labels; want more", len(wip), len(blocked), len(closed))
	}
	g.sim.SetNow(t0.Add(time.Hour))
	must(t, g.sim.AddComment(wip[0], "bob", "still on it"))
	must(t, g.sim.SetLabels(wip[1], []string{"blocked"}))
	must(t, g.sim.Close(wip[2], "completed"))
	must(t, g.sim.SetLabels(blocked[0], []string{"in progress"}))
	must(t, g.sim.Reopen(closed[0]))
	must(t, g.sim.SetLabels(closed[0], []string{"in progress"}))
	g.sim.SetNow(t0.Add(2 * time.Hour))
	g.sim.ResetStats()
	src = g.source(t, wideProbeAt)
	if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
		t.Fatal(err)
	}
	if got := g.sim.Stats().Requests; got[repoEventsRoute] != 0 || got[timelineRoute] == 0 {
		t.Errorf("incremental round: %d event pages, %d timelines; want timelines only", got[repoEventsRoute], got[timelineRoute])
	}

	full, _ := g.fullSync(t, 1)
	if diff := cmp.Diff(full.issues, store.issues); diff != "" {
		t.Errorf("incremental store (+) differs from a full sync (-):\n%s", diff)
	}
	if is := store.issues[githubKey(wip[0])]; len(is.ActivityEvents) == 0 || !slices.Contains(is.ActivityEvents, t0.Add(time.Hour)) {
		t.Errorf("commented issue's activity %v lacks the new comment", is.ActivityEvents)
	}
	if is := store.issues[githubKey(closed[0])]; is.Status != model.StatusInProgress || !is.StatusChanged.Equal(t0.Add(time.Hour)) {
		t.Errorf("reopened issue: %s since %v; want in progress since the edit", is.Status, is.StatusChanged)
	}

	g.sim.ResetStats()
	n := len(store.batches)
	if err := src.Sync(context.Background(), store.cursorCopy(), store.emit); err != nil {
		t.Fatal(err)
	}
	if len(store.batches) != n || g.sim.Stats().QuotaUsed != 0 {
		t.Errorf("re-poll: %d batches, %d quota; want none", len(store.batches)-n, g.sim.Stats().QuotaUsed)
	}
}

func githubKey(r githubsim.IssueRef) string {
	owner, name, _ := strings.Cut(r.Repo, "/")
	return model.GitHubKey(owner, name, r.Number)
}

// TestRepositoryListingsFoldOddItemsAsNothing: null items, an event with a
// null issue or label, and comments whose issue_url names no issue are
// skipped, not folded in under some number.
func TestRepositoryListingsFoldOddItemsAsNothing(t *testing.T) {
	s := vendorSource(t, t0)
	var events []repoEvent
	if err := json.Unmarshal([]byte(`[null,
		{"id":1,"event":"closed","created_at":"2026-01-01T00:00:00Z","issue":null},
		{"id":2,"event":"labeled","created_at":"2026-01-01T00:00:00Z","label":null,"issue":{"number":3,"repository_url":"https://api.github.com/repos/o/r"}},
		{"id":3,"event":"closed","created_at":"2026-01-01T00:00:00Z"}]`), &events); err != nil {
		t.Fatal(err)
	}
	var comments []repoComment
	if err := json.Unmarshal([]byte(`[null,
		{"id":4,"created_at":"2026-01-01T00:00:00Z","issue_url":null},
		{"id":5,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/"},
		{"id":6,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/-2"},
		{"id":7,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/9"}]`), &comments); err != nil {
		t.Fatal(err)
	}
	f := wideFold{repo: "https://api.github.com/repos/o/r", changed: map[int]time.Time{}, activity: map[int]map[activityID]time.Time{}}
	from := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	f.events(s, events, from)
	f.comments(s, comments, from)
	if len(f.changed) != 0 {
		t.Errorf("status changes folded from odd events: %v", f.changed)
	}
	want := map[int]map[activityID]time.Time{
		3: {{id: 2}: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},                // a labeled event without its label is activity, as on a timeline
		9: {{comment: true, id: 7}: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, // the one comment on an issue
	}
	if diff := cmp.Diff(want, f.activity, cmp.AllowUnexported(activityID{})); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
}

// TestRepositoryListingWhoseLinkLoopsIsLeftToTimelines: a listing whose
// Link names as next the page just read would be read forever; the round
// reads it once and leaves the issues to their timelines.
func TestRepositoryListingWhoseLinkLoopsIsLeftToTimelines(t *testing.T) {
	const events = "/repos/acme/core/issues/events"
	as := &answerServer{answers: map[string]servedAnswer{
		events + "?1":                        {body: "[]", link: "2"},
		events + "?2":                        {body: "[]", link: "2"}, // page 2's next is page 2
		"/repos/acme/core/issues/comments?1": {body: "[]"},
	}}
	src := newAnswerSource(t, as)
	w := src.newWideActivity(repoName{owner: "acme", name: "core"})
	must(t, w.prepare(context.Background(), w.probeAt, "https://api.github.com/repos/acme/core"))
	if n := as.requests.Load(); !w.off || w.bought || n != 3 {
		t.Errorf("off %v, bought %v after %d requests; want off, not bought, after the two first pages and page 2 once", w.off, w.bought, n)
	}
}

// TestRepositoryListingsSkipItemsOfAnotherRepository: events and comments
// whose issue is of another repository are not filed under its number.
func TestRepositoryListingsSkipItemsOfAnotherRepository(t *testing.T) {
	var events []repoEvent
	must(t, json.Unmarshal([]byte(`[
		{"id":1,"event":"commented","created_at":"2026-01-01T00:00:00Z","issue":{"number":3,"repository_url":"https://api.github.com/repos/acme/core"}},
		{"id":2,"event":"commented","created_at":"2026-01-01T00:00:00Z","issue":{"number":3,"repository_url":"https://api.github.com/repos/acme/other"}},
		{"id":3,"event":"closed","created_at":"2026-01-01T00:00:00Z","issue":{"number":4,"repository_url":"https://api.github.com/repos/acme/other"}},
		{"id":4,"event":"closed","created_at":"2026-01-01T00:00:00Z","issue":{"number":4}}]`), &events))
	var comments []repoComment
	must(t, json.Unmarshal([]byte(`[
		{"id":5,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/acme/core/issues/3"},
		{"id":6,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/acme/other/issues/3"},
		{"id":7,"created_at":"2026-01-01T00:00:00Z","issue_url":"https://api.github.com/repos/acme/core-old/issues/4"}]`), &comments))
	f := wideFold{repo: "https://api.github.com/repos/acme/core", changed: map[int]time.Time{}, activity: map[int]map[activityID]time.Time{}}
	from := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	s := vendorSource(t, t0)
	f.events(s, events, from)
	f.comments(s, comments, from)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := map[int]map[activityID]time.Time{3: {{id: 1}: at, {comment: true, id: 5}: at}}
	if diff := cmp.Diff(want, f.activity, cmp.AllowUnexported(activityID{})); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
	if len(f.changed) != 0 {
		t.Errorf("status changes from another repository's events: %v", f.changed)
	}
}
