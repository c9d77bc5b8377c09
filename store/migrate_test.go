package store

import (
	"context"
	"fmt"
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
			Links: []model.Link{{From: k1, To: k2, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "blocks"},
				{From: k1, To: "github:acme/other#9", Type: model.Blocks, Origin: model.OriginGitHubDependency, RawType: "blocked by"}}},
		{Key: k2, Source: "jira", System: model.Jira, URL: "u2", Title: "bad \xff utf-8", Status: model.StatusDone,
			RawStatus: "Done\n\r\b\f", Resolution: model.ResolutionCompleted, RawResolution: "\xfe\xff", Priority: 5,
			RawPriority: "<&>", Assignees: []string{"ann"}, Labels: []string{"a<b", "é"}, Components: []string{"core"},
			Created: now.Add(-72 * time.Hour), Updated: now.Add(-time.Hour), StatusChanged: now.Add(-2 * time.Hour),
			Closed: now.Add(-time.Hour), Due: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
			ActivityEvents: []time.Time{now.Add(-3 * time.Hour), time.UnixMilli(-5).UTC()},
			Links:          []model.Link{{From: k3, To: k2, Type: model.Blocks, Origin: model.OriginTextReference, RawType: "text"}}},
		{Key: k3, Source: "jira", System: model.Jira, URL: "u3", Title: "", Status: model.StatusTodo,
			Updated: time.UnixMilli(1).UTC(), Iteration: &model.Iteration{}, Mirrors: []string{k1},
			Links: []model.Link{{From: "jira:GONE-1", To: k3, Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"}}},
	}
}

// writeVersion writes issues into a new file at version 6 or 7 of the
// schema, laid out as that version laid them out.
func writeVersion(t *testing.T, path string, version int, issues []model.Issue) {
	t.Helper()
	db := rawDB(t, path)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:version] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("building the version %d file: %s: %v", version, m.name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_version VALUES (?, 0)`, m.version); err != nil {
			t.Fatal(err)
		}
	}
	for _, is := range issues {
		assignees, _ := jsonStrings(is.Assignees)
		labels, _ := jsonStrings(is.Labels)
		components, _ := jsonStrings(is.Components)
		mirrors, _ := jsonStrings(is.Mirrors)
		columns := "key, url, title, body, assignees, labels, components, activity_ms, mirrors, "
		args := []any{is.Key, is.URL, is.Title, is.Body, assignees, labels, components, jsonMillis(is.ActivityEvents), mirrors}
		switch version {
		case 6:
			var itName, itStart, itEnd, itState any
			if it := is.Iteration; it != nil {
				itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
			}
			columns += strings.Join(packedColumns, ", ")
			args = append(args, is.Source, string(is.System), string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
				is.Priority, is.RawPriority, millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), millis(is.Closed), millis(is.Due),
				itName, itStart, itEnd, itState)
		case 7:
			columns += "source, status, updated_ms, closed_ms, packed"
			args = append(args, is.Source, string(is.Status), is.Updated.UnixMilli(), millis(is.Closed), packed(&is, millis(is.Closed)))
		default:
			t.Fatalf("no layout for version %d", version)
		}
		if _, err := db.Exec(`INSERT INTO issues (`+columns+`) VALUES (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...); err != nil {
			t.Fatalf("writing %s at version %d: %v", is.Key, version, err)
		}
		for i, l := range is.Links {
			if _, err := db.Exec(`INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)`,
				is.Key, i, l.From, l.To, string(l.Type), string(l.Origin), l.RawType); err != nil {
				t.Fatalf("writing a link of %s at version %d: %v", is.Key, version, err)
			}
		}
	}
	db.Close()
}

func TestStoresOfVersions6And7LoadAfterUpgradingAsAFreshStoreDoes(t *testing.T) {
	for _, version := range []int{6, 7} {
		t.Run(fmt.Sprint(version), func(t *testing.T) { testUpgradeLoadsAsFresh(t, version) })
	}
}

func testUpgradeLoadsAsFresh(t *testing.T, version int) {
	ctx := context.Background()
	issues := oddIssues()
	path := filepath.Join(t.TempDir(), "old.db")
	writeVersion(t, path, version, issues)
	upgraded := openAt(t, path)
	fresh := openTestStore(t)
	if _, err := fresh.ApplyBatch(ctx, model.Batch{Source: "jira", Issues: oddIssues()}); err != nil {
		t.Fatal(err)
	}

	// Every issue, the recent ones with the closed one they link to (loaded
	// as a link end), and each one alone.
	load := func(s *Store) [][]model.Issue {
		t.Helper()
		var got [][]model.Issue
		for _, since := range []time.Time{{}, now} {
			all, err := s.LoadIssues(ctx, since)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, all)
		}
		for _, is := range issues {
			one, ok, err := s.Issue(ctx, is.Key)
			if err != nil || !ok {
				t.Fatalf("Issue(%s) = %v, %v", is.Key, ok, err)
			}
			got = append(got, []model.Issue{one})
		}
		return got
	}
	want := load(fresh)
	if diff := cmp.Diff(load(upgraded), want); diff != "" {
		t.Errorf("upgraded store loads differently from a fresh one (-upgraded +fresh):\n%s", diff)
	}
	if got := want[len(want)-3][0]; got.RawResolution != issues[0].RawResolution || len(got.Links) != 2 {
		t.Errorf("fresh store loads %q with %d links, want %q with 2", got.RawResolution, len(got.Links), issues[0].RawResolution)
	}
	if len(want[1]) != 3 {
		t.Errorf("LoadIssues(now) loaded %d issues, want 3 (the closed one as a link end)", len(want[1]))
	}
	rows := func(s *Store) string {
		return strings.Join(append(column(t, s, `SELECT key || ' ' || packed FROM issues ORDER BY key`),
			column(t, s, `SELECT owner || ' ' || seq || ' ' || from_key || ' ' || to_key || ' ' || type || ' ' || origin || ' ' || raw_type
				FROM links ORDER BY owner, seq`)...), "\n")
	}
	if got, want := rows(upgraded), rows(fresh); got != want {
		t.Errorf("rows as upgraded:\n%s\nwant as written by baton:\n%s", got, want)
	}

	// The links' foreign key survived the rebuild: deleting an issue drops
	// the links it declared.
	if _, err := upgraded.ApplyBatch(ctx, model.Batch{Source: "jira", Gone: []string{"jira:PAY-1"}}); err != nil {
		t.Fatal(err)
	}
	if got := column(t, upgraded, `SELECT owner FROM links ORDER BY owner`); !cmp.Equal(got, []string{"jira:PAY-2", "jira:PAY-3"}) {
		t.Errorf("link owners after deleting jira:PAY-1 = %q, want [jira:PAY-2 jira:PAY-3]", got)
	}
}
