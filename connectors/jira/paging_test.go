package jira

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// addFiller adds PAY-121 … PAY-600 to the fixture, updated a minute apart
// after PAY-120, so that a sync reads many pages.
func addFiller(t *testing.T, e *env) {
	t.Helper()
	for n := 121; n <= 600; n++ {
		if _, err := e.sim.AddIssue(jirasim.Issue{Key: fmt.Sprintf("PAY-%d", n), Summary: "filler", Status: "To Do",
			Created: at(0), Updated: at(10).Add(time.Duration(n) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
}

// touchAfterSearches edits the given issue after each numbered request to the
// deployment's search endpoint (counted from 1) whose parameters pass match:
// the edit dates the issue now, so it moves to the end of an updated-ordered
// result while the connector is between two pages.
func touchAfterSearches(t *testing.T, e *env, dep string, match func(*http.Request) bool, touch map[int]string) {
	t.Helper()
	path := map[string]string{jirasim.Cloud: "/rest/api/2/search/jql", jirasim.DataCenter: "/rest/api/2/search"}[dep]
	n := 0
	e.setServed(func(r *http.Request) {
		if r.URL.Path != path || !match(r) {
			return
		}
		n++
		if key, ok := touch[n]; ok {
			if err := e.sim.Touch(key); err != nil {
				t.Error(err)
			}
		}
	})
	t.Cleanup(func() { e.setServed(nil) })
}

func TestEditsDuringPagingSkipNoIssue(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			addFiller(t, e)
			// PAY-10 and PAY-20 were read on the first page when they change;
			// PAY-300 is read after its change.
			touchAfterSearches(t, e, dep, func(*http.Request) bool { return true },
				map[int]string{1: "PAY-10", 2: "PAY-20", 3: "PAY-300"})
			e.mustSync()
			first := e.emitted()
			checkCursorPassesNoUnread(t, e, first)
			e.setServed(nil)
			e.mustSync()
			for k, is := range e.emitted() {
				first[k] = is
			}
			if missing := notEmitted(e, first); len(missing) > 0 {
				t.Errorf("never emitted in two rounds: %v", missing)
			}
			for _, key := range []string{"PAY-10", "PAY-20", "PAY-300"} {
				if got := first["jira:"+key].Updated; !got.Equal(simNow) {
					t.Errorf("%s: emitted as updated %s, want its edit at %s", key, got, simNow)
				}
			}
		})
	}
}

func TestReconcileDuringEditsDeletesNothing(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{PageCap: 100, KeyPageCap: 100}, nil)
			addFiller(t, e)
			e.mustSync()
			e.emitted()
			e.now = e.now.Add(25 * time.Hour)
			e.sim.Advance(time.Hour)
			// Issues change while the keys are listed, after the first page.
			keysOnly := func(r *http.Request) bool { return r.URL.Query().Get("fields") == "key" }
			touchAfterSearches(t, e, dep, keysOnly, map[int]string{1: "PAY-10", 3: "PAY-250"})
			e.mustSync()
			last := e.batches[len(e.batches)-1]
			if last.Present == nil {
				t.Fatal("the reconciling sync listed no keys")
			}
			var want []string
			for _, k := range e.sim.Keys() {
				want = append(want, "jira:"+k)
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(last.Present.Keys))); diff != "" {
				t.Errorf("listed keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReconcileWithheldWhenTheListShifts(t *testing.T) {
	// Deleting an issue already listed moves every later key one position
	// forward; Data Center notices on the next page and lists again next round.
	e := newEnv(t, jirasim.DataCenter, jirasim.Options{PageCap: 100}, nil)
	addFiller(t, e)
	e.mustSync()
	e.emitted()
	e.now = e.now.Add(25 * time.Hour)
	n := 0
	e.setServed(func(r *http.Request) {
		if r.URL.Query().Get("fields") != "key" {
			return
		}
		if n++; n == 1 {
			if err := e.sim.Delete("CORE-1"); err != nil {
				t.Error(err)
			}
		}
	})
	e.mustSync()
	for _, b := range e.batches {
		if b.Present != nil {
			t.Fatalf("a key list read while the result shifted was sent: %d keys", len(b.Present.Keys))
		}
	}
	e.batches = nil
	e.setServed(nil)
	e.mustSync()
	last := e.batches[len(e.batches)-1]
	if last.Present == nil || len(last.Present.Keys) != 601 || slices.Contains(last.Present.Keys, "jira:CORE-1") {
		t.Fatalf("next round: got %v, want the 601 remaining keys", last.Present)
	}
}

func TestWidenedJQLImportsOlderIssues(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, func(s *config.Source) { config.SettingsOf[Config](*s).JQL = "project = PAY" })
			e.mustSync()
			if got := e.emitted(); len(got) != 120 {
				t.Fatalf("project = PAY: got %d issues, want 120", len(got))
			}
			wider, jc := e.cfg, *config.SettingsOf[Config](e.cfg)
			jc.JQL = "project in (PAY, CORE)"
			wider.Settings = &jc
			var err error
			if e.src, err = New(wider, e.opts); err != nil {
				t.Fatal(err)
			}
			e.mustSync()
			got := e.emitted()
			for _, k := range []string{"jira:CORE-1", "jira:CORE-2"} {
				if _, ok := got[k]; !ok {
					t.Errorf("after widening the JQL: %s was not imported (got %d issues)", k, len(got))
				}
			}
		})
	}
}

// addBulk adds PAY-121 … PAY-220, all updated within one minute after
// PAY-120: more than a page of issues that asking afresh from their minute
// cannot page through, so Data Center goes on by position there.
func addBulk(t *testing.T, e *env) {
	t.Helper()
	for n := 121; n <= 220; n++ {
		if _, err := e.sim.AddIssue(jirasim.Issue{Key: fmt.Sprintf("PAY-%d", n), Summary: "bulk edit", Status: "To Do",
			Created: at(0), Updated: at(11).Add(time.Duration(n-120) * 500 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
}

// touchOnPositionalPages edits the next of keys after each Data Center search
// asked from a position past the first.
func touchOnPositionalPages(t *testing.T, e *env, keys ...string) {
	t.Helper()
	e.setServed(func(r *http.Request) {
		if start, _ := strconv.Atoi(r.URL.Query().Get("startAt")); r.URL.Path != "/rest/api/2/search" || start == 0 || len(keys) == 0 {
			return
		}
		if err := e.sim.Touch(keys[0]); err != nil {
			t.Error(err)
		}
		keys = keys[1:]
	})
	t.Cleanup(func() { e.setServed(nil) })
}

func TestEditsDuringPagingWithinOneMinuteSkipNoIssue(t *testing.T) {
	e := newEnv(t, jirasim.DataCenter, jirasim.Options{PageCap: 30}, nil)
	addBulk(t, e)
	touchOnPositionalPages(t, e, "PAY-125")
	e.mustSync()
	got := e.emitted()
	if missing := notEmitted(e, got); len(missing) > 0 {
		t.Errorf("not emitted: %v", missing)
	}
	if !got["jira:PAY-125"].Updated.Equal(simNow) {
		t.Errorf("PAY-125: emitted as updated %s, want its edit at %s", got["jira:PAY-125"].Updated, simNow)
	}
}

func TestSearchThatKeepsShiftingFails(t *testing.T) {
	e := newEnv(t, jirasim.DataCenter, jirasim.Options{PageCap: 30}, nil)
	addBulk(t, e)
	var keys []string
	for n := 121; n <= 140; n++ {
		keys = append(keys, fmt.Sprintf("PAY-%d", n))
	}
	touchOnPositionalPages(t, e, keys...)
	err := e.sync()
	if err == nil || !strings.Contains(err.Error(), "shifted between pages 10 times in a row") {
		t.Fatalf("got %v, want an error saying the result shifted 10 times in a row", err)
	}
	got := e.emitted()
	checkCursorPassesNoUnread(t, e, got)
}

// checkCursorPassesNoUnread fails for every simulated issue missing from got
// although the committed cursor is already past its last update.
func checkCursorPassesNoUnread(t *testing.T, e *env, got map[string]model.Issue) {
	t.Helper()
	cur, err := parseCursor(e.cursors[""])
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range e.sim.Keys() {
		is, _ := e.sim.Issue(key)
		if _, ok := got["jira:"+key]; !ok && !is.Updated.After(cur.Updated) {
			t.Errorf("%s (updated %s) was not read, yet the cursor is at %s", key, is.Updated, cur.Updated)
		}
	}
}

// notEmitted lists the simulated issues missing from got.
func notEmitted(e *env, got map[string]model.Issue) []string {
	var missing []string
	for _, key := range e.sim.Keys() {
		if _, ok := got["jira:"+key]; !ok {
			missing = append(missing, key)
		}
	}
	return missing
}
