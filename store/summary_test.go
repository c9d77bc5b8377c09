package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

func generation(t *testing.T, s *Store) int64 {
	t.Helper()
	g, err := s.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestTheDataGenerationMovesWithEveryWriteAnAnalysisReads: every write to
// the issues, links or acks moves it; writes of nothing an analysis reads
// (cursors, a stored newer issue kept, an unknown ack) and failed batches
// leave it.
func TestTheDataGenerationMovesWithEveryWriteAnAnalysisReads(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	issue := func(key string, updated time.Time, links ...model.Link) model.Issue {
		return model.Issue{Key: key, Source: "jira", System: model.Jira, Title: key, Status: model.StatusTodo, Updated: updated, Links: links}
	}
	var ackID int64
	for _, w := range []struct {
		name  string
		write func() error
		moves bool
	}{
		{"issues inserted", batch(ctx, s, model.Batch{Source: "jira", Issues: []model.Issue{
			issue("jira:G-1", now), issue("jira:G-2", now), issue("jira:G-3", now), issue("jira:G-4", now)}}), true},
		{"an issue updated", batch(ctx, s, model.Batch{Source: "jira", Issues: []model.Issue{issue("jira:G-1", now.Add(time.Minute))}}), true},
		{"a link added", batch(ctx, s, model.Batch{Source: "jira", Issues: []model.Issue{issue("jira:G-1", now.Add(time.Minute),
			model.Link{From: "jira:G-2", To: "jira:G-1", Type: model.Blocks, Origin: model.OriginJiraLink})}}), true},
		{"an older copy of a stored issue, kept", batch(ctx, s, model.Batch{Source: "jira", Issues: []model.Issue{issue("jira:G-1", now)}}), false},
		{"only a cursor", batch(ctx, s, model.Batch{Source: "jira", Cursors: map[string]string{"": "c1"}}), false},
		{"a batch that fails", func() error {
			_, err := s.ApplyBatch(ctx, model.Batch{Source: "jira", Issues: []model.Issue{issue("jira:G-5", now), {Key: "jira:G-6", Source: "jira"}}})
			if err == nil {
				t.Error("a batch with an issue without an updated time applied")
			}
			return nil
		}, false},
		{"an issue gone", batch(ctx, s, model.Batch{Source: "jira", Gone: []string{"jira:G-4"}}), true},
		{"an issue left", batch(ctx, s, model.Batch{Source: "jira", Left: []string{"jira:G-3"}}), true},
		{"an issue missing from a listing", batch(ctx, s, model.Batch{Source: "jira", Present: &model.KeySet{Prefix: "jira:G-", Keys: []string{"jira:G-1"}}}), true},
		{"a listing with every issue", batch(ctx, s, model.Batch{Source: "jira", Present: &model.KeySet{Prefix: "jira:G-", Keys: []string{"jira:G-1"}}}), false},
		{"an ack added", func() (err error) {
			ackID, err = s.AddAck(ctx, model.Ack{Issue: "jira:G-1", Until: now.Add(time.Hour), Reason: "r", Created: now})
			return err
		}, true},
		{"an ack removed", func() error { _, err := s.RemoveAck(ctx, ackID); return err }, true},
		{"an ack that is not there removed", func() error { _, err := s.RemoveAck(ctx, ackID); return err }, false},
	} {
		before := generation(t, s)
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if moved := generation(t, s) != before; moved != w.moves {
			t.Errorf("%s: the generation moved %v, want %v", w.name, moved, w.moves)
		}
	}
}

// batch returns what applies b.
func batch(ctx context.Context, s *Store, b model.Batch) func() error {
	return func() error { _, err := s.ApplyBatch(ctx, b); return err }
}

func TestAnAnalysisSummaryReadsBackHoldingNoLongerThanSaved(t *testing.T) {
	ctx := context.Background()
	s := reopened(t, func(s *Store) {
		if _, ok, err := s.AnalysisSummary(ctx); ok || err != nil {
			t.Errorf("a new store's summary: %v, %v; want none", ok, err)
		}
		sum := AnalysisSummary{Generation: 7, Fingerprint: "f", At: now.Add(1500 * time.Microsecond),
			ValidUntil: now.Add(time.Hour + 1500*time.Microsecond), Issues: 3, Findings: 1}
		for range 2 { // saved twice: replaced
			if err := s.SaveAnalysisSummary(ctx, sum); err != nil {
				t.Fatal(err)
			}
		}
	})
	got, ok, err := s.AnalysisSummary(ctx)
	want := AnalysisSummary{Generation: 7, Fingerprint: "f", At: now.Add(2 * time.Millisecond),
		ValidUntil: now.Add(time.Hour + time.Millisecond), Issues: 3, Findings: 1}
	if !ok || err != nil || got != want {
		t.Errorf("summary read back %+v, %v, %v; want %+v", got, ok, err, want)
	}
}

// TestEveryMigrationMovesTheDataGeneration: a store upgraded from version
// 8 has no summary, and a summary saved before any later migration is of
// another generation after it.
func TestEveryMigrationMovesTheDataGeneration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	writeVersion(t, path, 8, nil)
	s := openAt(t, path)
	if _, ok, err := s.AnalysisSummary(ctx); ok || err != nil {
		t.Errorf("summary of a store upgraded from version 8: %v, %v; want none", ok, err)
	}
	before := generation(t, s)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	next := migration{version: len(ms) + 1, name: "next.sql", sql: `CREATE TABLE next (x INTEGER)`}
	if err := applyMigrations(ctx, s.db, path, now, append(ms, next)); err != nil {
		t.Fatal(err)
	}
	if generation(t, s) == before {
		t.Errorf("the generation stayed %d through migration %d", before, next.version)
	}
	before = generation(t, s)
	if err := applyMigrations(ctx, s.db, path, now, append(ms, next)); err != nil {
		t.Fatal(err)
	}
	if got := generation(t, s); got != before {
		t.Errorf("the generation moved from %d to %d with no migration to run", before, got)
	}
}
