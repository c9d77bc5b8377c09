package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

func closedIssue(key string, closed time.Time, links ...model.Link) model.Issue {
	is := minimalIssue(key, "jira", closed)
	is.Status, is.Closed, is.Links = model.StatusDone, closed, links
	return is
}

func keysOf(issues []model.Issue) []string {
	keys := make([]string, len(issues))
	for i := range issues {
		keys[i] = issues[i].Key
	}
	return keys
}

func TestLoadIssuesSelectsOpenRecentlyClosedAndLinkEnds(t *testing.T) {
	s := openTestStore(t)
	since := now.Add(-14 * 24 * time.Hour)
	longAgo := now.Add(-90 * 24 * time.Hour)
	blocks := func(from, to string) model.Link {
		return model.Link{From: from, To: to, Type: model.Blocks, Origin: model.OriginJiraLink}
	}
	open := minimalIssue("jira:A-1", "jira", now)
	open.Links = []model.Link{blocks("jira:OLD-1", "jira:A-1"), blocks("jira:A-1", "jira:OUT-1")}
	issues := []model.Issue{
		open,
		closedIssue("jira:OLD-1", longAgo, blocks("jira:OLD-1", "jira:OLD-2")), // closed blocker of an open issue
		closedIssue("jira:OLD-2", longAgo),                                     // only linked from OLD-1: not loaded
		closedIssue("jira:OLD-3", longAgo, blocks("jira:OLD-3", "jira:A-1")),   // its own link does not pull it in
		closedIssue("jira:RECENT-1", since, blocks("jira:RECENT-1", "jira:OLD-4")),
		closedIssue("jira:OLD-4", longAgo),
		closedIssue("jira:RECENT-0", since.Add(-time.Millisecond)),
	}
	apply(t, s, model.Batch{Source: "jira", Issues: issues})

	got, err := s.LoadIssues(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Issue{open, issues[1], issues[5], issues[4]} // by key: A-1, OLD-1, OLD-4, RECENT-1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadIssues (-want +got):\n%s", diff)
	}
}

func TestLoadIssuesKeepsTwinsHoweverLongAgoTheyClosed(t *testing.T) {
	s := openTestStore(t)
	since := now.Add(-14 * 24 * time.Hour)
	longAgo := now.Add(-120 * 24 * time.Hour)
	openJira := minimalIssue("jira:PAY-3", "jira", now) // its twin says so, it does not
	closedTwin := closedIssue("jira:PAY-9", longAgo)    // says nothing; its open twin does
	closedGitHub := closedIssue("jira:GH-1", longAgo)
	closedGitHub.Mirrors = []string{"jira:PAY-3"}
	openWithTwin := minimalIssue("jira:PAY-4", "jira", now)
	openWithTwin.Mirrors = []string{"jira:PAY-9"}
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{openJira, closedTwin, closedGitHub, openWithTwin, closedIssue("jira:OLD-1", longAgo)}})

	got, err := s.LoadIssues(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"jira:GH-1", "jira:PAY-3", "jira:PAY-4", "jira:PAY-9"}, keysOf(got)); diff != "" {
		t.Errorf("loaded keys (-want +got):\n%s", diff)
	}
}

func TestLoadIssuesFetchesLinkEndsInChunks(t *testing.T) {
	s := openTestStore(t)
	ends := 2*inChunk + 7
	hub := minimalIssue("jira:HUB-1", "jira", now)
	var batch []model.Issue
	for i := range ends {
		key := fmt.Sprintf("jira:END-%d", i)
		hub.Links = append(hub.Links, model.Link{From: key, To: hub.Key, Type: model.Blocks})
		if i%2 == 0 { // half the ends are stored (long closed), half are outside the synced scope
			batch = append(batch, closedIssue(key, now.Add(-365*24*time.Hour)))
		}
	}
	apply(t, s, model.Batch{Source: "jira", Issues: append(batch, hub)})

	got, err := s.LoadIssues(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1+len(batch) {
		t.Fatalf("LoadIssues returned %d issues, want %d", len(got), 1+len(batch))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Key >= got[i].Key {
			t.Fatalf("not sorted by key: %s before %s", got[i-1].Key, got[i].Key)
		}
	}
	if h := got[len(got)-1]; h.Key != hub.Key || len(h.Links) != ends {
		t.Errorf("last issue %s has %d links, want %s with %d", h.Key, len(h.Links), hub.Key, ends)
	}
}

func TestLoadIssuesOmitsBody(t *testing.T) {
	s := openTestStore(t)
	is := minimalIssue("jira:A-1", "jira", now)
	is.Body = "long text"
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{is}})
	got, err := s.LoadIssues(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"jira:A-1"}, keysOf(got)); diff != "" {
		t.Fatalf("LoadIssues keys (-want +got):\n%s", diff)
	}
	if got[0].Body != "" {
		t.Errorf("LoadIssues body = %q, want it left out", got[0].Body)
	}
	if full, _ := storedIssue(t, s, "jira:A-1"); full.Body != "long text" {
		t.Errorf("Issue body = %q, want %q", full.Body, "long text")
	}
}

func TestSortByKeyAppliesEveryPermutationOfFour(t *testing.T) {
	want := []string{"a", "b", "c", "d"}
	var permute func(prefix []string, rest []string)
	permute = func(prefix, rest []string) {
		if len(rest) == 0 {
			issues := make([]model.Issue, len(prefix))
			for i, k := range prefix {
				issues[i] = model.Issue{Key: k, Title: "title of " + k}
			}
			sortByKey(issues)
			for i, is := range issues {
				if is.Key != want[i] || is.Title != "title of "+want[i] {
					t.Errorf("sortByKey(%v)[%d] = %s/%q, want %s with its own title", prefix, i, is.Key, is.Title, want[i])
				}
			}
			return
		}
		for i := range rest {
			next := append(append([]string{}, rest[:i]...), rest[i+1:]...)
			permute(append(append([]string{}, prefix...), rest[i]), next)
		}
	}
	permute(nil, want)
}

// TestLoadedIssuesShareTheirListsAndIterations: a large load holds one copy
// of each assignee list, label list and iteration that issues share, and an
// append to one issue's list leaves the others' alone.
func TestLoadedIssuesShareTheirListsAndIterations(t *testing.T) {
	s := openTestStore(t)
	var issues []model.Issue
	for _, key := range []string{"jira:S-1", "jira:S-2"} {
		is := minimalIssue(key, "jira", now)
		is.Assignees, is.Labels = []string{"alice", "bob"}, []string{"backend"}
		is.Iteration = &model.Iteration{Name: "Sprint 4", Start: now.Add(-time.Hour), End: now.Add(time.Hour), State: "active"}
		issues = append(issues, is)
	}
	apply(t, s, model.Batch{Source: "jira", Issues: issues})
	got, err := s.LoadIssues(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(issues, got); diff != "" {
		t.Fatalf("LoadIssues (-want +got):\n%s", diff)
	}
	a, b := &got[0], &got[1]
	if &a.Assignees[0] != &b.Assignees[0] || &a.Labels[0] != &b.Labels[0] || a.Iteration != b.Iteration {
		t.Error("two issues with the same assignees, labels and iteration hold copies of them")
	}
	a.Assignees = append(a.Assignees, "carol")
	if len(b.Assignees) != 2 || b.Assignees[1] != "bob" || a.Assignees[1] != "bob" {
		t.Errorf("after appending to one issue's assignees: %v and %v", a.Assignees, b.Assignees)
	}
}

// manyIssues stores n open issues that differ in every field a row
// converts, more than queryIssues' reader scans ahead of its converter.
func manyIssues(t *testing.T, s *Store, n int) []model.Issue {
	t.Helper()
	issues := make([]model.Issue, n)
	for i := range issues {
		is := minimalIssue(fmt.Sprintf("jira:A-%04d", i), "jira", now.Add(time.Duration(i)*time.Millisecond))
		is.Title, is.Priority, is.Labels = fmt.Sprint("issue ", i), i%5, []string{fmt.Sprint("l", i%7)}
		is.ActivityEvents = []time.Time{now.Add(-time.Duration(i) * time.Minute)}
		issues[i] = is
	}
	apply(t, s, model.Batch{Source: "jira", Issues: issues})
	return issues
}

func TestLoadIssuesConvertsEveryRowOfManyBatches(t *testing.T) {
	s := openTestStore(t)
	want := manyIssues(t, s, 2*rowBatches*rowBatchSize+5)
	got, err := s.LoadIssues(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadIssues (-want +got):\n%s", diff)
	}
}

func TestLoadIssuesReportsARowItCannotReadAfterManyBatches(t *testing.T) {
	s := openTestStore(t)
	issues := manyIssues(t, s, 2*rowBatches*rowBatchSize+5)
	bad := issues[len(issues)-10].Key
	if _, err := s.db.Exec(`UPDATE issues SET activity_ms = 'x' WHERE key = ?`, bad); err != nil {
		t.Fatal(err)
	}
	_, err := s.LoadIssues(context.Background(), now)
	if want := "reading activity of issue " + bad; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("LoadIssues error = %v, want one saying %q", err, want)
	}
}
