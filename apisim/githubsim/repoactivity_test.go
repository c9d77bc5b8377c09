package githubsim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRepositoryEventsCarryTheirIssuePullRequestsIncluded: the repository's
// event listing holds the events of issues and pull requests alike, each
// with its issue (pull_request set on a pull request's), 100 a page at
// most, with a Link header naming the last page, and answers 304 for free
// to its own ETag.
func TestRepositoryEventsCarryTheirIssuePullRequestsIncluded(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 150)
	for n := 1; n <= 150; n++ {
		must(t, s.SetLabels(IssueRef{"acme/core", n}, []string{"in progress"}))
	}
	r := get(t, hs, "/repos/acme/core/issues/events?per_page=500")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Link"), `page=2&per_page=500>; rel="last"`) {
		t.Fatalf("status %d, Link %q; want 200 and a last page 2", r.status, r.header.Get("Link"))
	}
	var page []struct {
		Event string `json:"event"`
		Issue struct {
			Number      int       `json:"number"`
			PullRequest *struct{} `json:"pull_request"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	pulls := 0
	for _, e := range page {
		if e.Event != "labeled" || e.Issue.Number == 0 {
			t.Fatalf("event %+v: want labeled with its issue", e)
		}
		if e.Issue.PullRequest != nil {
			pulls++
		}
	}
	if len(page) != 100 || pulls == 0 {
		t.Errorf("%d events, %d of pull requests; want 100, some of pull requests", len(page), pulls)
	}
	s.ResetStats()
	again := get(t, hs, "/repos/acme/core/issues/events?per_page=500", "If-None-Match", r.header.Get("ETag"))
	if again.status != http.StatusNotModified || s.Stats().QuotaUsed != 0 {
		t.Errorf("re-poll: status %d, quota %d; want a free 304", again.status, s.Stats().QuotaUsed)
	}
}

// TestRepositoryCommentsSinceSortedByCreation: since keeps the comments
// updated at or after it (an old comment edited since included), sort and
// direction order them, and every comment names its issue.
func TestRepositoryCommentsSinceSortedByCreation(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 5)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	for i, n := range []int{3, 1, 5, 2} {
		s.SetNow(at(i + 1))
		must(t, s.AddComment(IssueRef{"acme/core", n}, "bob", "ping"))
	}
	since := at(2).Format(time.RFC3339)
	r := get(t, hs, "/repos/acme/core/issues/comments?sort=created&direction=desc&since="+since)
	var got []struct {
		IssueURL  string `json:"issue_url"`
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, c := range got {
		numbers = append(numbers, c.IssueURL[strings.LastIndexByte(c.IssueURL, '/')+1:])
	}
	if strings.Join(numbers, ",") != "2,5,1" {
		t.Errorf("comments on issues %v, want 2,5,1: since at hour 2, newest first", numbers)
	}
	// the listing is kept between pages: a comment added since is in it
	s.SetNow(at(5))
	must(t, s.AddComment(IssueRef{"acme/core", 4}, "bob", "ping"))
	r = get(t, hs, "/repos/acme/core/issues/comments?sort=created&direction=desc&since="+since)
	if err := json.Unmarshal(r.body, &got); err != nil || len(got) != 4 || !strings.HasSuffix(got[0].IssueURL, "/4") {
		t.Errorf("after a comment on #4: %d comments, first %+v (%v), want 4, the first on #4", len(got), got[0], err)
	}
	if r := get(t, hs, "/repos/acme/core/issues/comments?sort=size"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("sort=size: status %d, want 422", r.status)
	}
}
