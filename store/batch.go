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
// names deleted keeping the links to them, and b.Cursors saved. Issues written in the same
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
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
	}
	defer tx.Rollback()
	w := batchWriter{
		insertIssue:  tx.StmtContext(ctx, s.insertIssue),
		updateIssue:  tx.StmtContext(ctx, s.updateIssue),
		deleteLinks:  tx.StmtContext(ctx, s.deleteLinks),
		insertLink:   tx.StmtContext(ctx, s.insertLink),
		deleteIssue:  tx.StmtContext(ctx, s.deleteIssue),
		upsertCursor: tx.StmtContext(ctx, s.upsertCursor),
	}
	// The transaction ends with ctx (database/sql rolls it back); the
	// per-issue statements run without it, so that the driver does not start
	// a goroutine per statement to interrupt it, and ctx is checked between
	// issues instead.
	sctx := context.WithoutCancel(ctx)
	var n Applied
	for i := range b.Issues {
		if err := ctx.Err(); err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: %w", b.Source, err)
		}
		written, err := w.issue(sctx, b.Source, &b.Issues[i])
		if err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: issue %d (%q): %w", b.Source, i, b.Issues[i].Key, err)
		}
		if written {
			n.Upserted++
		}
	}
	if b.Present != nil {
		missing, err := w.deleteMissing(ctx, tx, b)
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
	for scope, value := range b.Cursors {
		if _, err := w.upsertCursor.ExecContext(ctx, b.Source, scope, value); err != nil {
			return Applied{}, fmt.Errorf("applying batch of %s: saving cursor %q: %w", b.Source, scope, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Applied{}, fmt.Errorf("applying batch of %s: committing: %w", b.Source, err)
	}
	return n, nil
}

// batchWriter holds the store's statements bound to one transaction.
type batchWriter struct {
	insertIssue, updateIssue, deleteLinks, insertLink, deleteIssue, upsertCursor *sql.Stmt
}

// issue upserts is and, when it was written, replaces its links. It reports
// whether it was written.
func (w *batchWriter) issue(ctx context.Context, source string, is *model.Issue) (bool, error) {
	switch {
	case is.Key == "":
		return false, fmt.Errorf("key is empty")
	case is.Source != source:
		return false, fmt.Errorf("source is %q, want the batch's %q", is.Source, source)
	case is.Updated.IsZero():
		return false, fmt.Errorf("updated time is missing")
	}
	args, err := issueArgs(is)
	if err != nil {
		return false, err
	}
	if written, err := w.row(ctx, is.Key, args); err != nil || !written {
		return false, err
	}
	for i, l := range is.Links {
		if l.From == "" || l.To == "" {
			return false, fmt.Errorf("link %d (%s %q -> %q) has an empty end", i, l.Type, l.From, l.To)
		}
		if _, err := w.insertLink.ExecContext(ctx, is.Key, i, l.From, l.To, string(l.Type), string(l.Origin), l.RawType); err != nil {
			return false, fmt.Errorf("inserting link %d: %w", i, err)
		}
	}
	return true, nil
}

// row writes the issue row of key (args are its issueArgs): inserted when
// it is new, else rewritten unless the stored row is strictly newer, and
// then its old links dropped. It reports whether it wrote.
func (w *batchWriter) row(ctx context.Context, key string, args []any) (bool, error) {
	res, err := w.insertIssue.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("inserting: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	if res, err = w.updateIssue.ExecContext(ctx, args...); err != nil {
		return false, fmt.Errorf("updating: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // kept the newer stored row and its links
	}
	if _, err := w.deleteLinks.ExecContext(ctx, key); err != nil {
		return false, fmt.Errorf("deleting old links: %w", err)
	}
	return true, nil
}

// deleteMissing deletes the issues of b.Source under b.Present.Prefix that
// neither b.Present.Keys nor b.Issues name, and returns their keys.
func (w *batchWriter) deleteMissing(ctx context.Context, tx *sql.Tx, b model.Batch) ([]string, error) {
	missing, err := missingKeys(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	for _, k := range missing {
		if _, err := w.deleteIssue.ExecContext(ctx, k); err != nil {
			return nil, fmt.Errorf("deleting %s: %w", k, err)
		}
	}
	return missing, nil
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
