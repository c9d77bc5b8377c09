package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRollupLedgerSurvivesReopenPerChannel(t *testing.T) {
	ctx := context.Background()
	s := reopened(t, func(s *Store) {
		if done, err := s.RollupDone(ctx, "team:payments", ChannelEmail, "2026-W48"); done || err != nil {
			t.Fatalf("RollupDone before marking = %v, %v; want not done", done, err)
		}
		if err := s.MarkRollupSent(ctx, "team:payments", ChannelEmail, "2026-W48", now); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkRollupRefused(ctx, "org", ChannelSlack, "2026-W48", now, "channel_not_found"); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		group, channel, week string
		want                 bool
	}{
		{"team:payments", ChannelEmail, "2026-W48", true},
		{"org", ChannelSlack, "2026-W48", true}, // refused for good counts as done
		{"team:payments", ChannelSlack, "2026-W48", false},
		{"org", ChannelEmail, "2026-W48", false},
		{"team:payments", ChannelEmail, "2026-W49", false},
		{"team:core", ChannelEmail, "2026-W48", false},
	} {
		if done, err := s.RollupDone(ctx, tc.group, tc.channel, tc.week); done != tc.want || err != nil {
			t.Errorf("RollupDone(%s, %s, %s) after reopen = %v, %v; want %v", tc.group, tc.channel, tc.week, done, err, tc.want)
		}
	}
	var refused string
	if err := s.db.QueryRow(`SELECT refused FROM rollup_deliveries WHERE group_name = 'org' AND channel = 'slack'`).Scan(&refused); err != nil || refused != "channel_not_found" {
		t.Errorf("refusal reason = %q, %v; want channel_not_found", refused, err)
	}
	if err := s.MarkRollupRefused(ctx, "org", ChannelSlack, "2026-W49", now, ""); err == nil {
		t.Error("MarkRollupRefused without a reason succeeded, want an error")
	}
}

func TestMigrationKeepsEarlierRollupsAsEmail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	db := rawDB(t, path)
	stmts := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_ms BIGINT NOT NULL)`}
	for i, name := range []string{"migrations/0001_init.sql", "migrations/0002_bookkeeping.sql"} {
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(text), fmt.Sprintf(`INSERT INTO schema_version VALUES (%d, 0)`, i+1))
	}
	stmts = append(stmts, `INSERT INTO rollup_sent VALUES ('team:payments', '2026-W48', 1000)`)
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("building v2 fixture: %v", err)
		}
	}
	db.Close()

	s := openAt(t, path)
	ctx := context.Background()
	if done, err := s.RollupDone(ctx, "team:payments", ChannelEmail, "2026-W48"); !done || err != nil {
		t.Errorf("RollupDone(email) of a rollup sent before the migration = %v, %v; want done", done, err)
	}
	if done, err := s.RollupDone(ctx, "team:payments", ChannelSlack, "2026-W48"); done || err != nil {
		t.Errorf("RollupDone(slack) of a rollup only mailed before the migration = %v, %v; want not done", done, err)
	}
}

func TestWeekStatsRoundTripAndReplace(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if _, ok, err := s.WeekStats(ctx, "org", "2026-W47"); ok || err != nil {
		t.Fatalf("WeekStats before saving = %v, %v; want none", ok, err)
	}
	for _, data := range []string{`{"done":3,"stalled":1}`, `{"done":4,"title":"ü ✓"}`} {
		if err := s.SaveWeekStats(ctx, "org", "2026-W47", []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.WeekStats(ctx, "org", "2026-W47")
		if err != nil || !ok {
			t.Fatalf("WeekStats = %v, %v; want saved data", ok, err)
		}
		if diff := cmp.Diff(data, string(got)); diff != "" {
			t.Errorf("WeekStats (-want +got):\n%s", diff)
		}
	}
	if err := s.SaveWeekStats(ctx, "org", "2026-W47", []byte{0xff, 0}); err == nil || !strings.Contains(err.Error(), "not text") {
		t.Errorf("SaveWeekStats of binary data error = %v, want one saying it is not text", err)
	}
}

func TestRollupLedgerRejectsMalformedGroupOrWeek(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	for _, tc := range []struct{ group, week, want string }{
		{"payments", "2026-W48", `rollup group "payments"`},
		{"team:", "2026-W48", `rollup group "team:"`},
		{"org", "2026-48", `rollup week "2026-48"`},
		{"org", "", `rollup week ""`},
	} {
		for name, err := range map[string]error{
			"MarkRollupSent": s.MarkRollupSent(ctx, tc.group, ChannelEmail, tc.week, now),
			"SaveWeekStats":  s.SaveWeekStats(ctx, tc.group, tc.week, []byte("{}")),
		} {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s(%q, %q) error = %v, want one containing %q", name, tc.group, tc.week, err, tc.want)
			}
		}
	}
	if _, err := s.RollupDone(ctx, "org", "sms", "2026-W48"); err == nil || !strings.Contains(err.Error(), `rollup channel "sms"`) {
		t.Errorf("RollupDone on channel sms error = %v, want one naming the channel", err)
	}
}

func TestSyncRunsKeepLastSuccessAcrossFailures(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	t0 := now
	record := func(source string, start time.Time, errMsg string) {
		t.Helper()
		if err := s.RecordSyncRun(ctx, source, start, start.Add(time.Minute), errMsg); err != nil {
			t.Fatal(err)
		}
	}
	record("github", t0, "")
	record("github", t0.Add(time.Hour), "listing issues of acme/core: 401 Unauthorized")
	record("jira", t0, "timeout")

	got, err := s.LastSyncRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]SyncRun{
		"github": {Started: t0.Add(time.Hour), Finished: t0.Add(time.Hour + time.Minute),
			LastSuccess: t0.Add(time.Minute), Err: "listing issues of acme/core: 401 Unauthorized"},
		"jira": {Started: t0, Finished: t0.Add(time.Minute), Err: "timeout"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LastSyncRuns (-want +got):\n%s", diff)
	}

	record("jira", t0.Add(2*time.Hour), "")
	got, _ = s.LastSyncRuns(ctx)
	if j := got["jira"]; j.Err != "" || !j.LastSuccess.Equal(t0.Add(2*time.Hour+time.Minute)) {
		t.Errorf("jira after a success = %+v, want no error and LastSuccess at its finish", j)
	}
}
