package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// oddIssues are issues with the values a packed field can trip on: NULL
// times, empty lists, an iteration without a start, unicode, quotes,
// backslashes, control characters and bytes that are not UTF-8.
func oddIssues() []model.Issue {
	k1, k2, k3 := "jira:PAY-1", "jira:PAY-2", "jira:PAY-3"
	return []model.Issue{
		{Key: k1, Source: "jira", System: model.Jira, URL: "u1", Title: "Équipe 🚀 \"quoted\"", Body: "body",
			Status: model.StatusInProgress, RawStatus: "En cours ✓", Resolution: model.ResolutionNone,
			RawResolution: "say \"hi\" \\ back\\slash", Priority: 0, RawPriority: "tab\there\x01\x1f\x7f",
			Updated: now, Iteration: &model.Iteration{Name: "Sprint \"48\"", End: now.Add(time.Hour), State: "active"},
			Links: []model.Link{{From: k1, To: k2, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "blocks"}}},
		{Key: k2, Source: "jira", System: model.Jira, URL: "u2", Title: "bad \xff utf-8", Status: model.StatusDone,
			RawStatus: "Done\n\r\b\f", Resolution: model.ResolutionCompleted, RawResolution: "\xfe\xff", Priority: 5,
			RawPriority: "<&>", Assignees: []string{"ann"}, Labels: []string{"a<b", "é"}, Components: []string{"core"},
			Created: now.Add(-72 * time.Hour), Updated: now.Add(-time.Hour), StatusChanged: now.Add(-2 * time.Hour),
			Closed: now.Add(-time.Hour), Due: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), Mirrors: []string{k3},
			ActivityEvents: []time.Time{now.Add(-3 * time.Hour), time.UnixMilli(-5).UTC()},
			Links:          []model.Link{{From: k3, To: k2, Type: model.Blocks, Origin: model.OriginTextReference, RawType: "text"}}},
		{Key: k3, Source: "jira", System: model.Jira, URL: "u3", Title: "", Status: model.StatusTodo,
			Updated: time.UnixMilli(1).UTC(), Iteration: &model.Iteration{}},
	}
}

// writeVersion6 writes issues as version 6 of the schema laid them out,
// into a new file at that version.
func writeVersion6(t *testing.T, path string, issues []model.Issue) {
	t.Helper()
	db := rawDB(t, path)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:6] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("building the version 6 file: %s: %v", m.name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_version VALUES (?, 0)`, m.version); err != nil {
			t.Fatal(err)
		}
	}
	columns := "key, url, title, body, assignees, labels, components, activity_ms, mirrors, " + strings.Join(packedColumns, ", ")
	for _, is := range issues {
		var itName, itStart, itEnd, itState any
		if it := is.Iteration; it != nil {
			itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
		}
		assignees, _ := jsonStrings(is.Assignees)
		labels, _ := jsonStrings(is.Labels)
		components, _ := jsonStrings(is.Components)
		mirrors, _ := jsonStrings(is.Mirrors)
		args := []any{is.Key, is.URL, is.Title, is.Body, assignees, labels, components, jsonMillis(is.ActivityEvents), mirrors,
			is.Source, string(is.System), string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
			is.Priority, is.RawPriority, millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), millis(is.Closed), millis(is.Due),
			itName, itStart, itEnd, itState}
		if _, err := db.Exec(`INSERT INTO issues (`+columns+`) VALUES (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...); err != nil {
			t.Fatalf("writing %s at version 6: %v", is.Key, err)
		}
		for i, l := range is.Links {
			if _, err := db.Exec(`INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)`,
				is.Key, i, l.From, l.To, string(l.Type), string(l.Origin), l.RawType); err != nil {
				t.Fatalf("writing a link of %s at version 6: %v", is.Key, err)
			}
		}
	}
	db.Close()
}

func TestVersion6StoreLoadsAfterPackingAsAFreshStoreDoes(t *testing.T) {
	ctx := context.Background()
	issues := oddIssues()
	path := filepath.Join(t.TempDir(), "v6.db")
	writeVersion6(t, path, issues)
	upgraded := openAt(t, path)
	fresh := openTestStore(t)
	if _, err := fresh.ApplyBatch(ctx, model.Batch{Source: "jira", Issues: oddIssues()}); err != nil {
		t.Fatal(err)
	}

	load := func(s *Store) []model.Issue {
		t.Helper()
		got, err := s.LoadIssues(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range issues {
			one, ok, err := s.Issue(ctx, is.Key)
			if err != nil || !ok {
				t.Fatalf("Issue(%s) = %v, %v", is.Key, ok, err)
			}
			got = append(got, one)
		}
		return got
	}
	want := load(fresh)
	if diff := cmp.Diff(load(upgraded), want); diff != "" {
		t.Errorf("upgraded store loads differently from a fresh one (-upgraded +fresh):\n%s", diff)
	}
	if want[len(want)-3].RawResolution != issues[0].RawResolution || want[len(want)-2].Title != issues[1].Title {
		t.Errorf("fresh store loads %q and %q, want %q and %q",
			want[len(want)-3].RawResolution, want[len(want)-2].Title, issues[0].RawResolution, issues[1].Title)
	}
	packedText := func(s *Store) string {
		return strings.Join(column(t, s, `SELECT key || ' ' || packed FROM issues ORDER BY key`), "\n")
	}
	if got, want := packedText(upgraded), packedText(fresh); got != want {
		t.Errorf("packed as migrated by SQLite:\n%s\nwant as written by baton:\n%s", got, want)
	}

	// The links' foreign key survived the rebuild: deleting an issue drops
	// the links it declared.
	if _, err := upgraded.ApplyBatch(ctx, model.Batch{Source: "jira", Gone: []string{"jira:PAY-1"}}); err != nil {
		t.Fatal(err)
	}
	if got := column(t, upgraded, `SELECT owner FROM links ORDER BY owner`); !cmp.Equal(got, []string{"jira:PAY-2"}) {
		t.Errorf("link owners after deleting jira:PAY-1 = %q, want [jira:PAY-2]", got)
	}
}
