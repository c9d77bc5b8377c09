package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The data generation and the analysis summary (migration 9) let `baton
// sync --once` print the counts of its last analysis instead of loading the
// store, when nothing that analysis read has changed.

// AnalysisSummary is what an analysis found and what its result depends on
// besides the data of Generation.
type AnalysisSummary struct {
	Generation  int64     // the data generation it read (see Generation)
	Fingerprint string    // of everything else its result depends on: the caller's to define
	At          time.Time // its clock
	ValidUntil  time.Time // when its counts may first change with time alone
	Issues      int       // issues analysed
	Findings    int
}

// Generation returns the data generation: it moves in the same transaction
// as every write to the issues, links or acks (a batch that upserted or
// deleted an issue, AddAck, RemoveAck) and with every migration, so two
// reads that return the same one saw the same data.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM data_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("reading the data generation: %w", err)
	}
	return g, nil
}

// nextGeneration moves the data generation in tx, which writes issues,
// links or acks.
func nextGeneration(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE data_generation SET value = value + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("moving the data generation: %w", err)
	}
	return nil
}

// writeData runs write in a transaction of its own and, when write reports
// that it changed something, moves the data generation in it.
func (s *Store) writeData(ctx context.Context, write func(tx *sql.Tx) (changed bool, err error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	changed, err := write(tx)
	if err != nil {
		return err
	}
	if changed {
		if err := nextGeneration(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// AnalysisSummary returns the saved summary, and false when none was saved
// since the store was created or migrated to version 9.
func (s *Store) AnalysisSummary(ctx context.Context) (AnalysisSummary, bool, error) {
	var sum AnalysisSummary
	var at, until int64
	err := s.db.QueryRowContext(ctx, `SELECT generation, fingerprint, at_ms, valid_until_ms, issues, findings
		FROM analysis_summary WHERE id = 1`).Scan(&sum.Generation, &sum.Fingerprint, &at, &until, &sum.Issues, &sum.Findings)
	if errors.Is(err, sql.ErrNoRows) {
		return AnalysisSummary{}, false, nil
	}
	if err != nil {
		return AnalysisSummary{}, false, fmt.Errorf("reading the analysis summary: %w", err)
	}
	sum.At, sum.ValidUntil = time.UnixMilli(at).UTC(), time.UnixMilli(until).UTC()
	return sum, true, nil
}

// SaveAnalysisSummary replaces the saved summary with sum. Times are kept
// to the millisecond: At rounded up and ValidUntil down, so that the
// summary read back holds for no instant the saved one did not.
func (s *Store) SaveAnalysisSummary(ctx context.Context, sum AnalysisSummary) error {
	at := sum.At.Truncate(time.Millisecond)
	if at.Before(sum.At) {
		at = at.Add(time.Millisecond)
	}
	until := sum.ValidUntil.Truncate(time.Millisecond)
	_, err := s.db.ExecContext(ctx, `INSERT INTO analysis_summary (id, generation, fingerprint, at_ms, valid_until_ms, issues, findings)
		VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, fingerprint = excluded.fingerprint,
			at_ms = excluded.at_ms, valid_until_ms = excluded.valid_until_ms, issues = excluded.issues, findings = excluded.findings`,
		sum.Generation, sum.Fingerprint, at.UnixMilli(), until.UnixMilli(), sum.Issues, sum.Findings)
	if err != nil {
		return fmt.Errorf("saving the analysis summary: %w", err)
	}
	return nil
}
