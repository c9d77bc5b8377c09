package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

func storedKeys(t *testing.T, s *Store) []string {
	t.Helper()
	return column(t, s, `SELECT key FROM issues ORDER BY key`)
}

func linkOwners(t *testing.T, s *Store) []string {
	t.Helper()
	return column(t, s, `SELECT DISTINCT owner FROM links ORDER BY owner`)
}

// column returns the one text column query selects, row by row.
func column(t *testing.T, s *Store, query string) []string {
	t.Helper()
	rows, err := s.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestApplyBatchPresentDeletesOnlyMissingKeysOfSourceAndPrefix(t *testing.T) {
	s := openTestStore(t)
	withLink := func(key, source string) model.Issue {
		is := minimalIssue(key, source, now)
		is.Links = []model.Link{{From: key, To: "github:acme/web#1", Type: model.Blocks, Origin: model.OriginGitHubDependency}}
		return is
	}
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{
		withLink("github:acme/core#1", "gh"), withLink("github:acme/core#2", "gh"),
		withLink("github:acme/core#3", "gh"), withLink("github:acme/core#30", "gh"),
		withLink("github:acme/core-x#2", "gh"), withLink("github:acme/web#1", "gh"),
	}})
	apply(t, s, model.Batch{Source: "gh-enterprise", Issues: []model.Issue{withLink("github:acme/core#9", "gh-enterprise")}})

	// #3 is in the batch but not the listing: it was just fetched, so it stays.
	n := apply(t, s, model.Batch{Source: "gh",
		Issues:  []model.Issue{minimalIssue("github:acme/core#3", "gh", now.Add(time.Minute))},
		Present: &model.KeySet{Prefix: "github:acme/core#", Keys: []string{"github:acme/core#1", "github:acme/core#404"}}})
	if n.Deleted != 2 || n.Upserted != 1 {
		t.Errorf("Applied = %+v, want 1 upserted and 2 deleted (#2 and #30)", n)
	}
	want := []string{"github:acme/core#1", "github:acme/core#3", "github:acme/core#9", "github:acme/core-x#2", "github:acme/web#1"}
	if diff := cmp.Diff(want, storedKeys(t, s)); diff != "" {
		t.Errorf("stored keys (-want +got):\n%s", diff)
	}
	// #3 was re-upserted without links; the deleted ones lost theirs.
	wantOwners := []string{"github:acme/core#1", "github:acme/core#9", "github:acme/core-x#2", "github:acme/web#1"}
	if diff := cmp.Diff(wantOwners, linkOwners(t, s)); diff != "" {
		t.Errorf("link owners (-want +got):\n%s", diff)
	}
}

func TestApplyBatchPresentWithEmptyPrefixCoversWholeSource(t *testing.T) {
	s := openTestStore(t)
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{
		minimalIssue("jira:A-1", "jira", now), minimalIssue("jira:B-1", "jira", now)}})
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{minimalIssue("github:a/b#1", "gh", now)}})
	n := apply(t, s, model.Batch{Source: "jira", Present: &model.KeySet{Keys: []string{"jira:B-1"}}})
	if n.Deleted != 1 {
		t.Errorf("Deleted = %d, want 1", n.Deleted)
	}
	if diff := cmp.Diff([]string{"github:a/b#1", "jira:B-1"}, storedKeys(t, s)); diff != "" {
		t.Errorf("stored keys (-want +got):\n%s", diff)
	}
}

func TestApplyBatchFailureKeepsOldCursorAndNoRows(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	badLink := minimalIssue("jira:PAY-4", "jira", now)
	badLink.Links = []model.Link{{From: "jira:PAY-4", Type: model.Blocks}}
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		bad     model.Issue
		wantErr string
	}{
		{"empty key", context.Background(), minimalIssue("", "jira", now), `issue 2 (""): key is empty`},
		{"other source", context.Background(), minimalIssue("jira:PAY-4", "gh", now), `source is "gh", want the batch's "jira"`},
		{"no updated time", context.Background(), minimalIssue("jira:PAY-4", "jira", time.Time{}), "updated time is missing"},
		{"link without end", context.Background(), badLink, `link 0 (blocks "jira:PAY-4" -> "") has an empty end`},
		{"cancelled context", cancelled, minimalIssue("jira:PAY-4", "jira", now), "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTestStore(t)
			apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{minimalIssue("jira:PAY-1", "jira", now)},
				Cursors: map[string]string{"PAY": "c1"}})
			before := dump(t, s)

			_, err := s.ApplyBatch(tc.ctx, model.Batch{Source: "jira",
				Issues:  []model.Issue{minimalIssue("jira:PAY-2", "jira", now), fullIssue("jira:PAY-3", now), tc.bad},
				Present: &model.KeySet{Prefix: "jira:", Keys: nil},
				Cursors: map[string]string{"PAY": "c2", "CORE": "c9"}})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ApplyBatch error = %v, want one containing %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(before, dump(t, s)); diff != "" {
				t.Errorf("failed batch left changes (-before +after):\n%s", diff)
			}
			c, err := s.Cursors(context.Background(), "jira")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]string{"PAY": "c1"}, c); diff != "" {
				t.Errorf("cursors after a failed batch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyBatchRejectsBatchWithoutSource(t *testing.T) {
	s := openTestStore(t)
	_, err := s.ApplyBatch(context.Background(), model.Batch{Issues: []model.Issue{minimalIssue("jira:A-1", "", now)}})
	if err == nil || !strings.Contains(err.Error(), "source is empty") {
		t.Errorf("error = %v, want one saying the source is empty", err)
	}
}

func TestCursorsAndCountsBySource(t *testing.T) {
	s := openTestStore(t)
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{minimalIssue("jira:A-1", "jira", now), minimalIssue("jira:A-2", "jira", now)},
		Cursors: map[string]string{"": "whole", "A": "a1"}})
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{minimalIssue("github:a/b#1", "gh", now)}, Cursors: map[string]string{"a/b": "g1"}})
	apply(t, s, model.Batch{Source: "jira", Cursors: map[string]string{"A": "a2"}})

	ctx := context.Background()
	c, err := s.Cursors(ctx, "jira")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"": "whole", "A": "a2"}, c); diff != "" {
		t.Errorf("Cursors(jira) (-want +got):\n%s", diff)
	}
	counts, err := s.CountBySource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"jira": 2, "gh": 1}, counts); diff != "" {
		t.Errorf("CountBySource (-want +got):\n%s", diff)
	}
}

// TestDeletingAnIssueDropsTheLinksOthersDeclaredToIt deletes a blocker and a
// parent through a listing: the links other issues (of any source) declared
// to them go in the same batch, as the tracker dropped them, and Holders
// names their holders beforehand; a text reference to a deleted issue stays
// (its text does), and so does a link to an issue that was never stored.
func TestDeletingAnIssueDropsTheLinksOthersDeclaredToIt(t *testing.T) {
	s := openTestStore(t)
	linked := func(key, source string, links ...model.Link) model.Issue {
		is := minimalIssue(key, source, now)
		is.Links = links
		return is
	}
	blocker, parent := "jira:PAY-1", "jira:PAY-2"
	apply(t, s, model.Batch{Source: "jira", Issues: []model.Issue{
		minimalIssue(blocker, "jira", now), minimalIssue(parent, "jira", now),
		linked("jira:PAY-3", "jira",
			model.Link{From: blocker, To: "jira:PAY-3", Type: model.Blocks, Origin: model.OriginJiraLink},
			model.Link{From: "jira:OPS-9", To: "jira:PAY-3", Type: model.Blocks, Origin: model.OriginJiraLink},
			model.Link{From: parent, To: "jira:PAY-3", Type: model.Parent, Origin: model.OriginJiraLink}),
	}})
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{
		linked("github:acme/core#1", "gh",
			model.Link{From: blocker, To: "github:acme/core#1", Type: model.Blocks, Origin: model.OriginTextReference}),
		linked("github:acme/core#2", "gh",
			model.Link{From: "github:acme/core#2", To: parent, Type: model.Relates, Origin: model.OriginGitHubDependency}),
	}})

	listing := model.Batch{Source: "jira", Present: &model.KeySet{Prefix: "jira:", Keys: []string{"jira:PAY-3"}}}
	missing, _, err := s.Missing(context.Background(), listing)
	if err != nil {
		t.Fatal(err)
	}
	holders, err := s.Holders(context.Background(), missing)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{"gh": {"github:acme/core#2"}, "jira": {"jira:PAY-3"}}, holders); diff != "" {
		t.Errorf("Holders (-want +got):\n%s", diff)
	}
	if n := apply(t, s, listing); n.Deleted != 2 {
		t.Errorf("Deleted = %d, want 2", n.Deleted)
	}
	got := column(t, s, `SELECT owner || ': ' || from_key || ' -> ' || to_key FROM links ORDER BY owner, seq`)
	want := []string{"github:acme/core#1: jira:PAY-1 -> github:acme/core#1", "jira:PAY-3: jira:OPS-9 -> jira:PAY-3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

func TestMissingListsWhatApplyBatchWouldDeleteWithoutDeleting(t *testing.T) {
	s := openTestStore(t)
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{
		minimalIssue("github:acme/core#1", "gh", now), minimalIssue("github:acme/core#2", "gh", now),
		minimalIssue("github:acme/core#3", "gh", now), minimalIssue("github:acme/web#1", "gh", now),
	}})
	b := model.Batch{Source: "gh", Issues: []model.Issue{minimalIssue("github:acme/core#3", "gh", now)},
		Present: &model.KeySet{Prefix: "github:acme/core#", Keys: []string{"github:acme/core#2"}}}
	missing, stored, err := s.Missing(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"github:acme/core#1"}, missing); diff != "" || stored != 3 {
		t.Errorf("Missing: %d stored (want 3), missing (-want +got):\n%s", stored, diff)
	}
	if got := storedKeys(t, s); len(got) != 4 {
		t.Errorf("after Missing, stored %v, want all four", got)
	}
}

// Another source's issues under the same prefix are neither missing nor
// counted, and a prefix whose key range has no end (all 0xff bytes) holds
// only the keys that start with it.
func TestMissingKeepsToItsSourceAndPrefix(t *testing.T) {
	s := openTestStore(t)
	apply(t, s, model.Batch{Source: "gh", Issues: []model.Issue{
		minimalIssue("github:acme/core#1", "gh", now), minimalIssue("github:acme/core#2", "gh", now),
		minimalIssue("github:acme/core", "gh", now), minimalIssue("github:acme/core$1", "gh", now),
		minimalIssue("\xff", "gh", now), minimalIssue("\xff\x00", "gh", now), minimalIssue("\xfe\xff", "gh", now),
	}})
	apply(t, s, model.Batch{Source: "mirror", Issues: []model.Issue{
		minimalIssue("github:acme/core#3", "mirror", now), minimalIssue("\xff\xff", "mirror", now),
	}})
	for _, c := range []struct {
		prefix      string
		wantMissing []string
	}{
		{"github:acme/core#", []string{"github:acme/core#1", "github:acme/core#2"}},
		{"\xff", []string{"\xff", "\xff\x00"}},
	} {
		b := model.Batch{Source: "gh", Present: &model.KeySet{Prefix: c.prefix}}
		missing, stored, err := s.Missing(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.wantMissing, missing); diff != "" || stored != len(c.wantMissing) {
			t.Errorf("Missing under %q: %d stored (want %d), missing (-want +got):\n%s", c.prefix, stored, len(c.wantMissing), diff)
		}
	}
}
