package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/batonhq/baton/model"
)

// Applied counts what a batch changed.
type Applied struct {
	Upserted int // issues written (a stored row that was strictly newer is kept and not counted)
	Deleted  int // issues removed because b.Present no longer lists them, or b.Gone or b.Left names them
}

// ApplyBatch commits b in one transaction: every issue upserted by key, the
// links each written issue declares replacing the ones it declared before, the
// issues of b.Source under b.Present.Prefix that the listing no longer has
// deleted (with their links, and the links other issues declared to them
// unless found in text), those b.Gone names deleted likewise, those b.Left
// names deleted keeping the links to them, b.Cursors saved, and the data
// generation moved if any issue was written or deleted. Issues written in the same
// batch count as present. A stored issue whose Updated is strictly newer than
// the incoming one is kept, links included. If anything fails nothing of the
// batch is kept, so a cursor never gets ahead of its data.
func (s *Store) ApplyBatch(ctx context.Context, b model.Batch) (Applied, error) {
	if b.Source == "" {
		return Applied{}, fmt.Errorf("applying batch: source is empty")
	}
	select {
	case s.writing <- struct{}{}:
		defer func() { <-s.writing }()
	case <-ctx.Done():
		return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, ctx.Err())
	}
	if err := s.holdWriter(ctx); err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: opening the write connection: %w", b.Source, err)
	}
	tx, err := s.writer.conn.BeginTx(ctx, nil)
	if err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
	}
	defer tx.Rollback()
	written, err := s.writer.issues(ctx, b)
	if err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
	}
	n := Applied{Upserted: written}
	if b.Present != nil {
		missing, err := deleteMissing(ctx, tx, b)
		if err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: deleting issues under %q: %w", b.Source, b.Present.Prefix, err)
		}
		n.Deleted = len(missing)
		if err := unlinkDeleted(ctx, tx, missing); err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: dropping links to deleted issues: %w", b.Source, err)
		}
	}
	if len(b.Gone) > 0 {
		gone, err := deleteGone(ctx, tx, b)
		if err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
		}
		n.Deleted += gone
	}
	left, err := deleteKeys(ctx, tx, b.Source, b.Left)
	if err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
	}
	n.Deleted += len(left)
	if n.Upserted > 0 || n.Deleted > 0 {
		if err := nextGeneration(ctx, tx); err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
		}
	}
	upsertCursor := tx.StmtContext(ctx, s.upsertCursor)
	for scope, value := range b.Cursors {
		if _, err := upsertCursor.ExecContext(ctx, b.Source, scope, value); err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: saving cursor %q: %w", b.Source, scope, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: committing: %w", b.Source, err)
	}
	return n, nil
}

// deleteMissing deletes the issues of b.Source under b.Present.Prefix that
// neither b.Present.Keys nor b.Issues name, and returns their keys.
func deleteMissing(ctx context.Context, tx *sql.Tx, b model.Batch) ([]string, error) {
	missing, err := missingKeys(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	return deleteKeys(ctx, tx, b.Source, missing)
}

// deleteGone deletes the issues of b.Source that b.Gone names, and the
// links to them, and returns how many it deleted.
func deleteGone(ctx context.Context, tx *sql.Tx, b model.Batch) (int, error) {
	deleted, err := deleteKeys(ctx, tx, b.Source, b.Gone)
	if err != nil {
		return 0, err
	}
	if err := unlinkDeleted(ctx, tx, deleted); err != nil {
		return 0, fmt.Errorf("dropping links to deleted issues: %w", err)
	}
	return len(deleted), nil
}

// deleteKeys deletes the issues of source that keys name, with the links
// they declared, and returns the keys of those it deleted.
func deleteKeys(ctx context.Context, tx *sql.Tx, source string, keys []string) ([]string, error) {
	var deleted []string
	for _, k := range keys {
		res, err := tx.ExecContext(ctx, `DELETE FROM issues WHERE key = ? AND source = ?`, k, source)
		if err != nil {
			return nil, fmt.Errorf("deleting %s: %w", k, err)
		}
		if n, err := res.RowsAffected(); err == nil && n > 0 {
			deleted = append(deleted, k)
		}
	}
	return deleted, nil
}
