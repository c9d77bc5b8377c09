package github

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
)

// TestTimelineGivesStatusChangeAndActivityOnlyForWorkInProgress: one
// timeline call per in-progress or blocked issue (more only past 100 items),
// none for todo issues however commented; the status changes with the last
// status label added or removed; comments and other edits within the window
// are activity; an unchanged re-sync costs nothing.
func TestTimelineGivesStatusChangeAndActivityOnlyForWorkInProgress(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	must(t, e.sim.AddRepo("acme", "core"))
	day := 24 * time.Hour
	start := t0.Add(-60 * day)
	e.sim.SetNow(start)
	wip := add(t, e, "acme/core", githubsim.Issue{Title: "in progress", CreatedAt: start})
	todo := add(t, e, "acme/core", githubsim.Issue{Title: "todo", CreatedAt: start})
	busy := add(t, e, "acme/core", githubsim.Issue{Title: "busy", CreatedAt: start})
	at := func(d time.Duration, f func() error) {
		t.Helper()
		e.sim.SetNow(t0.Add(-d))
		must(t, f())
	}
	at(40*day, func() error { return e.sim.AddComment(ref("acme/core", wip), "bob", "before the window") })
	at(10*day, func() error { return e.sim.SetLabels(ref("acme/core", wip), []string{"in progress"}) })
	at(5*day, func() error { return e.sim.AddComment(ref("acme/core", wip), "bob", "any news?") })
	at(3*day, func() error { return e.sim.SetLabels(ref("acme/core", wip), []string{"in progress", "blocked"}) })
	at(2*day, func() error { return e.sim.SetLabels(ref("acme/core", wip), []string{"in progress"}) })
	at(day, func() error { return e.sim.SetLabels(ref("acme/core", wip), []string{"in progress", "ux"}) })
	at(3*day, func() error { return e.sim.AddComment(ref("acme/core", todo), "bob", "anyone?") })
	at(20*day, func() error { return e.sim.SetLabels(ref("acme/core", busy), []string{"blocked"}) })
	for i := range 120 {
		at(time.Duration(119-i)*time.Hour, func() error { return e.sim.AddComment(ref("acme/core", busy), "bob", "ping") })
	}
	e.sim.SetNow(t0)
	e.sim.ResetStats()

	e.mustSync(t)

	if got := e.sim.Stats().Requests[timelineRoute]; got != 3 {
		t.Errorf("%d timeline requests, want 3: one for the in-progress issue, two pages of the blocked one's 121 items, none for todo", got)
	}
	got := e.store.issues["github:acme/core#1"]
	if !got.StatusChanged.Equal(t0.Add(-2 * day)) {
		t.Errorf("in-progress issue status changed %v, want %v (blocked removed)", got.StatusChanged, t0.Add(-2*day))
	}
	if diff := cmp.Diff([]time.Time{t0.Add(-5 * day), t0.Add(-day)}, got.ActivityEvents); diff != "" {
		t.Errorf("in-progress activity (-want +got):\n%s", diff)
	}
	if todo := e.store.issues["github:acme/core#2"]; todo.ActivityEvents != nil || !todo.StatusChanged.IsZero() {
		t.Errorf("todo issue: activity %v, status changed %v; want neither", todo.ActivityEvents, todo.StatusChanged)
	}
	blocked := e.store.issues["github:acme/core#3"]
	if n := len(blocked.ActivityEvents); n != 120 || !blocked.ActivityEvents[n-1].Equal(t0) {
		t.Errorf("blocked issue: %d activity events, want 120 ending at %v: %v", n, t0, blocked.ActivityEvents)
	}
	if !blocked.StatusChanged.Equal(t0.Add(-20 * day)) {
		t.Errorf("blocked issue status changed %v, want %v", blocked.StatusChanged, t0.Add(-20*day))
	}

	e.sim.ResetStats()
	if bs := e.mustSync(t); len(bs) != 0 || e.sim.Stats().QuotaUsed != 0 {
		t.Errorf("unchanged re-sync: %d batches, %d quota; want none", len(bs), e.sim.Stats().QuotaUsed)
	}
}

// TestALongTimelineKeepsItsNewestEnd: past ten pages the timeline is read as
// its first page and its newest nine, so a status change after a thousand
// comments is not lost.
func TestALongTimelineKeepsItsNewestEnd(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	must(t, e.sim.AddRepo("acme", "core"))
	start := t0.Add(-10 * 24 * time.Hour)
	e.sim.SetNow(start)
	n := add(t, e, "acme/core", githubsim.Issue{Title: "long", CreatedAt: start, Labels: []string{"blocked"}})
	for i := range 1150 {
		e.sim.SetNow(start.Add(time.Duration(i) * time.Minute))
		must(t, e.sim.AddComment(ref("acme/core", n), "bob", "ping"))
	}
	moved := start.Add(2000 * time.Minute)
	e.sim.SetNow(moved)
	must(t, e.sim.SetLabels(ref("acme/core", n), []string{"in progress"}))
	e.sim.SetNow(t0)
	e.sim.ResetStats()

	e.mustSync(t)

	if got := e.sim.Stats().Requests[timelineRoute]; got != maxTimelinePages {
		t.Errorf("%d timeline requests, want %d", got, maxTimelinePages)
	}
	got := e.store.issues["github:acme/core#1"]
	if !got.StatusChanged.Equal(moved) {
		t.Errorf("status changed %v, want %v (the label change after 1,150 comments)", got.StatusChanged, moved)
	}
	if last := got.ActivityEvents[len(got.ActivityEvents)-1]; !last.Equal(start.Add(1149 * time.Minute)) {
		t.Errorf("newest activity %v, want the last comment at %v", last, start.Add(1149*time.Minute))
	}
}
