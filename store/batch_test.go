package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// fullIssue has every field set, times at millisecond precision.
func fullIssue(key string, updated time.Time) model.Issue {
	ms := func(d time.Duration) time.Time { return now.Add(d).Add(123 * time.Millisecond) }
	return model.Issue{
		Key: key, Source: "jira", System: model.Jira, URL: "https://acme.atlassian.net/browse/PAY-1",
		Title: "Ship it — «quoted» 'title'", Body: "Blocked by CORE-2\nline two",
		Status: model.StatusDone, RawStatus: "Closed", Resolution: model.ResolutionDropped, RawResolution: "Won't Do",
		Assignees: []string{"ana", "bo"}, Priority: 2, RawPriority: "High",
		Labels: []string{"team:payments", "q4"}, Components: []string{"api", "db"},
		Created: ms(-30 * 24 * time.Hour), Updated: updated, StatusChanged: ms(-2 * time.Hour),
		Closed: ms(-time.Hour), Due: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Iteration:      &model.Iteration{Name: "Sprint 48", Start: ms(-7 * 24 * time.Hour), End: ms(7 * 24 * time.Hour), State: "active"},
		ActivityEvents: []time.Time{ms(-5 * time.Hour), ms(-3 * time.Hour)},
		Mirrors:        []string{"github:acme/core#7"},
		Links: []model.Link{
			{From: "jira:CORE-2", To: key, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"},
			{From: key, To: "jira:PAY-9", Type: model.Parent, Origin: model.OriginJiraLink},
			{From: key, To: "github:acme/core#7", Type: model.Relates, Origin: model.OriginTextReference, RawType: "see #7"},
		},
	}
}

// minimalIssue has only what the store requires.
func minimalIssue(key, source string, updated time.Time) model.Issue {
	return model.Issue{Key: key, Source: source, Status: model.StatusTodo, Updated: updated}
}

func apply(t *testing.T, s *Store, b model.Batch) Applied {
	t.Helper()
	n, err := s.ApplyBatch(context.Background(), b)
	if err != nil {
		t.Fatalf("ApplyBatch: %v", err)
	}
	return n
}

func storedIssue(t *testing.T, s *Store, key string) (model.Issue, bool) {
	t.Helper()
	is, ok, err := s.Issue(context.Background(), key)
	if err != nil {
		t.Fatalf("Issue(%s): %v", key, err)
	}
	return is, ok
}

func TestApplyBatchRoundTripsEveryField(t *testing.T) {
	s := openTestStore(t)
	full := fullIssue("jira:PAY-1", now)
	minimal := minimalIssue("jira:PAY-2", "jira", now)
	noName := minimalIssue("jira:PAY-3", "jira", now)
	noName.Iteration = &model.Iteration{}
	want := []model.Issue{full, minimal, noName}
	if n := apply(t, s, model.Batch{Source: "jira", Issues: want}); n.Upserted != 3 {
		t.Errorf("Upserted = %d, want 3", n.Upserted)
	}
	for _, w := range want {
		got, ok := storedIssue(t, s, w.Key)
		if !ok {
			t.Fatalf("Issue(%s) not found", w.Key)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("Issue(%s) mismatch (-want +got):\n%s", w.Key, diff)
		}
	}
	loaded, err := s.LoadIssues(context.Background(), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	full.Body = "" // LoadIssues leaves Body out
	if diff := cmp.Diff([]model.Issue{full, minimal, noName}, loaded); diff != "" {
		t.Errorf("LoadIssues mismatch (-want +got):\n%s", diff)
	}
}

// dump is every row of issues, links and cursors as text, to compare whole stores.
func dump(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT key || '|' || title || '|' || updated_ms FROM issues ORDER BY key`,
		`SELECT owner || '|' || seq || '|' || from_key || '|' || to_key FROM links ORDER BY owner, seq`,
		`SELECT source || '|' || scope || '|' || value FROM cursors ORDER BY source, scope`,
	} {
		out = append(out, column(t, s, q)...)
	}
	return out
}

func TestApplyBatchTwiceKeepsSameRows(t *testing.T) {
	s := openTestStore(t)
	b := model.Batch{Source: "jira",
		Issues:  []model.Issue{fullIssue("jira:PAY-1", now), fullIssue("jira:PAY-2", now)},
		Cursors: map[string]string{"PAY": "2026-11-26T12:00"}}
	apply(t, s, b)
	first := dump(t, s)
	if len(first) != 2+6+1 {
		t.Fatalf("after one batch got %d rows, want 9:\n%s", len(first), strings.Join(first, "\n"))
	}
	if n := apply(t, s, b); n.Upserted != 2 {
		t.Errorf("second Upserted = %d, want 2 (equal Updated is rewritten)", n.Upserted)
	}
	if diff := cmp.Diff(first, dump(t, s)); diff != "" {
		t.Errorf("rows changed by re-applying the batch (-first +second):\n%s", diff)
	}
}

func TestApplyBatchKeepsStrictlyNewerStoredIssue(t *testing.T) {
	s := openTestStore(t)
	newer := fullIssue("jira:PAY-1", now)
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{newer}})

	older := fullIssue("jira:PAY-1", now.Add(-time.Minute))
	older.Title, older.Links = "stale title", []model.Link{{From: "jira:X-1", To: "jira:PAY-1", Type: model.Blocks}}
	if n := apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{older}}); n.Upserted != 0 {
		t.Errorf("Upserted = %d for an older issue, want 0", n.Upserted)
	}
	got, _ := storedIssue(t, s, "jira:PAY-1")
	if diff := cmp.Diff(newer, got); diff != "" {
		t.Errorf("older upsert changed the stored issue (-want +got):\n%s", diff)
	}

	same := fullIssue("jira:PAY-1", now)
	same.Title = "edited at the same millisecond"
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{same}})
	if got, _ := storedIssue(t, s, "jira:PAY-1"); got.Title != same.Title {
		t.Errorf("title = %q after an upsert with equal Updated, want %q", got.Title, same.Title)
	}
}

func TestApplyBatchReplacesLinksOfReupsertedIssue(t *testing.T) {
	s := openTestStore(t)
	is := fullIssue("jira:PAY-1", now)
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{is}})

	is.Updated = now.Add(time.Minute)
	is.Links = []model.Link{{From: is.Key, To: "jira:NEW-1", Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "blocks"}}
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{is}})
	got, _ := storedIssue(t, s, is.Key)
	if diff := cmp.Diff(is.Links, got.Links); diff != "" {
		t.Errorf("links after re-upsert (-want +got):\n%s", diff)
	}

	is.Updated, is.Links = now.Add(2*time.Minute), nil
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{is}})
	if got, _ := storedIssue(t, s, is.Key); got.Links != nil {
		t.Errorf("links after re-upsert without links = %v, want none", got.Links)
	}
}

// TestApplyBatchMatchesApplyingIssueByIssue writes a batch of more issues
// than one link delete covers, with keys repeated (a newer write replacing
// links, an older one kept out), and wants the rows and count that applying
// its issues one batch each gives.
func TestApplyBatchMatchesApplyingIssueByIssue(t *testing.T) {
	var issues []model.Issue
	for i := range 250 {
		is := fullIssue(fmt.Sprintf("jira:PAY-%d", i), now)
		if i%3 == 0 {
			is.Links = nil
		}
		issues = append(issues, is)
	}
	relinked := fullIssue("jira:PAY-7", now.Add(time.Minute))
	relinked.Links = []model.Link{{From: "jira:PAY-7", To: "jira:PAY-8", Type: model.Blocks, Origin: model.OriginJiraLink}}
	unlinked := fullIssue("jira:PAY-10", now.Add(time.Minute))
	unlinked.Links = nil
	older := fullIssue("jira:PAY-7", now.Add(-time.Minute))
	older.Title = "stale"
	issues = append(issues, relinked, unlinked, older)

	one, byOne := openTestStore(t), openTestStore(t)
	// Links stored before the batch must be replaced, not added to.
	for _, s := range []*Store{one, byOne} {
		apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{fullIssue("jira:PAY-7", now.Add(-time.Hour)), fullIssue("jira:PAY-150", now.Add(-time.Hour))}})
	}
	got := apply(t, one, model.Batch{Source: "jira", Issues: issues})
	var want Applied
	for _, is := range issues {
		n := apply(t, byOne, model.Batch{Source: "jira", Issues: []model.Issue{is}})
		want.Upserted += n.Upserted
	}
	if got != want || want.Upserted != 252 {
		t.Errorf("Applied = %+v, want %+v (252 upserted)", got, want)
	}
	if diff := cmp.Diff(dump(t, byOne), dump(t, one)); diff != "" {
		t.Errorf("rows of one batch differ from issue by issue (-byOne +one):\n%s", diff)
	}
	if is, _ := storedIssue(t, one, "jira:PAY-7"); !cmp.Equal(is.Links, relinked.Links) {
		t.Errorf("links of PAY-7 = %v, want those of its newest write %v", is.Links, relinked.Links)
	}
}

// TestApplyBatchLeftKeepsLinksToItAndGoneDropsThem deletes one issue as
// Left (it exists but left the source's scope) and one as Gone (deleted at
// the tracker): the link a third issue declares to the Left one stays, as a
// full sync would store it, and the link to the Gone one goes, as the
// tracker dropped it.
func TestApplyBatchLeftKeepsLinksToItAndGoneDropsThem(t *testing.T) {
	s := openTestStore(t)
	holder := minimalIssue("jira:PAY-1", "jira", now)
	holder.Links = []model.Link{
		{From: "jira:PAY-2", To: holder.Key, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"},
		{From: "jira:PAY-3", To: holder.Key, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"},
	}
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{
		holder, minimalIssue("jira:PAY-2", "jira", now), minimalIssue("jira:PAY-3", "jira", now),
	}})
	n := apply(t, s, model.Batch{Source: "jira", Left: []string{"jira:PAY-2", "jira:PAY-9"}, Gone: []string{"jira:PAY-3"}})
	if n.Deleted != 2 {
		t.Errorf("deleted %d, want 2 (PAY-9 was never stored)", n.Deleted)
	}
	for _, k := range []string{"jira:PAY-2", "jira:PAY-3"} {
		if _, ok := storedIssue(t, s, k); ok {
			t.Errorf("%s still stored", k)
		}
	}
	got, _ := storedIssue(t, s, holder.Key)
	if diff := cmp.Diff(holder.Links[:1], got.Links); diff != "" {
		t.Errorf("links of PAY-1 (-want +got):\n%s", diff)
	}
}

func TestApplyBatchWaitingForAnotherGivesUpWhenItsContextEnds(t *testing.T) {
	s := openTestStore(t)
	s.writing <- struct{}{} // another batch is being written
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.ApplyBatch(ctx, model.Batch{Source: "jira", Issues: []model.Issue{minimalIssue("jira:PAY-1", "jira", now)}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ApplyBatch while another writes, its context ended: err = %v, want context.Canceled", err)
	}
	<-s.writing
	if got := storedKeys(t, s); len(got) != 0 {
		t.Errorf("stored %v, want nothing", got)
	}
}
