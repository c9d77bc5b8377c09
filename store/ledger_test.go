package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRollupLedgerSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	sent := now.Add(123 * time.Millisecond)
	s := reopened(t, func(s *Store) {
		if _, ok, err := s.RollupSent(ctx, "team:payments", "2026-W48"); ok || err != nil {
			t.Fatalf("RollupSent before marking = %v, %v; want not sent", ok, err)
		}
		if err := s.MarkRollupSent(ctx, "team:payments", "2026-W48", sent); err != nil {
			t.Fatal(err)
		}
	})

	at, ok, err := s.RollupSent(ctx, "team:payments", "2026-W48")
	if err != nil || !ok || !at.Equal(sent) {
		t.Errorf("RollupSent after reopen = %v, %v, %v; want %v, true", at, ok, err, sent)
	}
	for _, other := range [][2]string{{"org", "2026-W48"}, {"team:payments", "2026-W49"}, {"team:core", "2026-W48"}} {
		if _, ok, _ := s.RollupSent(ctx, other[0], other[1]); ok {
			t.Errorf("RollupSent(%s, %s) = sent, want not sent", other[0], other[1])
		}
	}
	resent := sent.Add(time.Hour)
	if err := s.MarkRollupSent(ctx, "team:payments", "2026-W48", resent); err != nil {
		t.Fatal(err)
	}
	if at, _, _ := s.RollupSent(ctx, "team:payments", "2026-W48"); !at.Equal(resent) {
		t.Errorf("RollupSent after a forced resend = %v, want %v", at, resent)
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
			"MarkRollupSent": s.MarkRollupSent(ctx, tc.group, tc.week, now),
			"SaveWeekStats":  s.SaveWeekStats(ctx, tc.group, tc.week, []byte("{}")),
		} {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s(%q, %q) error = %v, want one containing %q", name, tc.group, tc.week, err, tc.want)
			}
		}
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
