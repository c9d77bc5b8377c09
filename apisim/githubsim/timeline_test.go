package githubsim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const timelineRoute = "GET /repos/{owner}/{repo}/issues/{number}/timeline"

// timelineEntry is what a timeline item carries, by GitHub's field names.
type timelineEntry struct {
	Event     string `json:"event"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at,omitempty"`
	Body      string `json:"body,omitempty"`
	User      *struct {
		Login string `json:"login"`
	} `json:"user,omitempty"`
	Actor struct {
		Login string `json:"login"`
	} `json:"actor"`
	Label *struct {
		Name  string `json:"name"`
		Color string `json:"color"`
	} `json:"label,omitempty"`
}

// TestTimelineMergesCommentsAndEventsOldestFirst lists an issue's timeline
// over plain HTTP: comments as "commented" with their user and body, label
// changes with label objects, closing and reopening, in time order.
func TestTimelineMergesCommentsAndEventsOldestFirst(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 1)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	ref := IssueRef{"acme/core", 1}
	s.SetNow(at(1))
	must(t, s.SetLabels(ref, []string{"in progress"}))
	s.SetNow(at(2))
	must(t, s.AddComment(ref, "bob", "any news?"))
	s.SetNow(at(3))
	must(t, s.Close(ref, "completed"))
	s.SetNow(at(4))
	must(t, s.Reopen(ref))
	s.SetNow(at(5))
	must(t, s.SetLabels(ref, []string{"blocked"}))

	r := get(t, hs, "/repos/acme/core/issues/1/timeline")
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	var got []timelineEntry
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	summary := make([]string, len(got))
	for i, e := range got {
		summary[i] = e.CreatedAt + " " + e.Event + " by " + e.Actor.Login
		if e.Label != nil {
			summary[i] += " label " + e.Label.Name
			if len(e.Label.Color) != 6 {
				t.Errorf("%s: label colour %q, want six hex digits", summary[i], e.Label.Color)
			}
		}
		if e.User != nil {
			summary[i] += " user " + e.User.Login + " body " + e.Body + " updated " + e.UpdatedAt
		}
	}
	want := []string{
		"2026-11-20T11:00:00Z labeled by octocat label in progress",
		"2026-11-20T12:00:00Z commented by bob user bob body any news? updated 2026-11-20T12:00:00Z",
		"2026-11-20T13:00:00Z closed by octocat",
		"2026-11-20T14:00:00Z reopened by octocat",
		"2026-11-20T15:00:00Z unlabeled by octocat label in progress",
		"2026-11-20T15:00:00Z labeled by octocat label blocked",
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
}

// TestTimelinePagesCostQuotaAndAnswer304 pages a long timeline with Link
// headers, then re-asks with the ETag: 304, no quota, counted per route.
func TestTimelinePagesCostQuotaAndAnswer304(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 2)
	ref := IssueRef{"acme/core", 2}
	for i := range 150 {
		s.SetNow(t0.Add(time.Duration(i+1) * time.Minute))
		must(t, s.AddComment(ref, "bob", "ping"))
	}
	first := get(t, hs, "/repos/acme/core/issues/2/timeline?per_page=100")
	link := first.header.Get("Link")
	if !strings.Contains(link, "/repos/acme/core/issues/2/timeline?page=2&per_page=100>; rel=\"next\"") {
		t.Errorf("Link = %q, want a next link to page 2", link)
	}
	second := get(t, hs, "/repos/acme/core/issues/2/timeline?per_page=100&page=2")
	var p1, p2 []timelineEntry
	must(t, json.Unmarshal(first.body, &p1))
	must(t, json.Unmarshal(second.body, &p2))
	if len(p1) != 100 || len(p2) != 50 || p2[49].CreatedAt != "2026-11-20T12:30:00Z" {
		t.Fatalf("pages of %d and %d items, last %+v; want 100 and 50 ending at 12:30", len(p1), len(p2), p2[len(p2)-1])
	}
	again := get(t, hs, "/repos/acme/core/issues/2/timeline?per_page=100&page=2", "If-None-Match", second.header.Get("ETag"))
	if again.status != http.StatusNotModified {
		t.Errorf("re-ask with ETag: status %d, want 304", again.status)
	}
	if r := get(t, hs, "/repos/acme/core/issues/9/timeline"); r.status != http.StatusNotFound {
		t.Errorf("missing issue: status %d, want 404", r.status)
	}
	st := s.Stats()
	if st.Requests[timelineRoute] != 4 || st.QuotaUsed != 3 || st.NotModified != 1 {
		t.Errorf("stats = %+v, want 4 timeline requests, quota 3 (two pages and the 404), 1 not modified", st)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
