package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/batonhq/baton/model"
)

// writer is the connection every batch is written on, held from one batch
// to the next (ReleaseConnections lets it go, and holdWriter opens another
// when database/sql has closed it), with the statements a batch runs once per issue or link prepared on
// its driver connection. Those run through the driver directly: database/sql
// converts and copies every argument list, and takes its locks, for every
// statement (5–10% of ApplyBatch's CPU when an issue bound 26 values). Here
// the argument lists are reused. Only the batch holding Store.writing uses
// it, and the driver's statements stay valid while the connection does.
type writer struct {
	conn *sql.Conn

	insertIssue, deleteLinks, insertLink driver.StmtExecContext
	updateIssue                          driver.StmtQueryContext // RETURNING the id
	stmts                                []driver.Stmt           // to close

	issueArgs, linkArgs, idArgs []driver.NamedValue
	id                          []driver.Value // updateIssue's row
}

// openWriter takes a connection from db for good and prepares the per-issue
// statements on it.
func openWriter(ctx context.Context, db *sql.DB) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{
		conn:      conn,
		issueArgs: namedValues(len(issueColumns)),
		linkArgs:  namedValues(8),
		idArgs:    namedValues(1),
		id:        make([]driver.Value, 1),
	}
	err = conn.Raw(func(dc any) error {
		var stmts [4]driver.Stmt
		for i, query := range []string{
			insertIssueSQL,
			updateIssueSQL,
			`DELETE FROM links WHERE owner_id = ?`,
			`INSERT INTO links (owner_id, seq, owner, from_key, to_key, type, origin, raw_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		} {
			if stmts[i], err = w.prepare(ctx, dc, query); err != nil {
				return err
			}
		}
		var ok [4]bool
		w.insertIssue, ok[0] = stmts[0].(driver.StmtExecContext)
		w.updateIssue, ok[1] = stmts[1].(driver.StmtQueryContext)
		w.deleteLinks, ok[2] = stmts[2].(driver.StmtExecContext)
		w.insertLink, ok[3] = stmts[3].(driver.StmtExecContext)
		if ok != [4]bool{true, true, true, true} {
			return fmt.Errorf("driver statement %T cannot execute or query with a context", stmts[0])
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(err, w.close())
	}
	return w, nil
}

// prepare prepares query on the driver connection dc and keeps the
// statement to close.
func (w *writer) prepare(ctx context.Context, dc any, query string) (driver.Stmt, error) {
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("driver connection %T cannot prepare with a context", dc)
	}
	s, err := pc.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("preparing %q: %w", query, err)
	}
	w.stmts = append(w.stmts, s)
	return s, nil
}

// namedValues are n driver arguments numbered 1 to n.
func namedValues(n int) []driver.NamedValue {
	args := make([]driver.NamedValue, n)
	for i := range args {
		args[i].Ordinal = i + 1
	}
	return args
}

// close closes the statements and gives the connection back to the pool;
// one database/sql closed already is left as it is.
func (w *writer) close() error {
	err := w.conn.Raw(func(any) error {
		var errs []error
		for _, s := range w.stmts {
			errs = append(errs, s.Close())
		}
		return errors.Join(errs...)
	})
	if errors.Is(err, sql.ErrConnDone) {
		return nil
	}
	return errors.Join(err, w.conn.Close())
}

// issues writes the issues of b in the transaction open on w.conn and
// counts those written. ctx is checked between issues; the statements run
// without it, so that the driver does not start a goroutine per statement
// to interrupt it.
func (w *writer) issues(ctx context.Context, b model.Batch) (int, error) {
	sctx := context.WithoutCancel(ctx)
	written := 0
	err := w.conn.Raw(func(any) error {
		for i := range b.Issues {
			if err := ctx.Err(); err != nil {
				return err
			}
			ok, err := w.issue(sctx, b.Source, &b.Issues[i])
			if err != nil {
				return fmt.Errorf("issue %d (%q): %w", i, b.Issues[i].Key, err)
			}
			if ok {
				written++
			}
		}
		return nil
	})
	return written, err
}

// issue upserts is and, when it was written, replaces its links. It reports
// whether it was written.
func (w *writer) issue(ctx context.Context, source string, is *model.Issue) (bool, error) {
	switch {
	case is.Key == "":
		return false, fmt.Errorf("key is empty")
	case is.Source != source:
		return false, fmt.Errorf("source is %q, want the batch's %q", is.Source, source)
	case is.Updated.IsZero():
		return false, fmt.Errorf("updated time is missing")
	}
	if err := issueArgs(is, w.issueArgs); err != nil {
		return false, err
	}
	id, written, err := w.row(ctx)
	if err != nil || !written {
		return false, err
	}
	for i, l := range is.Links {
		if l.From == "" || l.To == "" {
			return false, fmt.Errorf("link %d (%s %q -> %q) has an empty end", i, l.Type, l.From, l.To)
		}
		setValues(w.linkArgs, id, int64(i), is.Key, l.From, l.To, string(l.Type), string(l.Origin), l.RawType)
		if _, err := w.insertLink.ExecContext(ctx, w.linkArgs); err != nil {
			return false, fmt.Errorf("inserting link %d: %w", i, err)
		}
	}
	return true, nil
}

// row writes the issue row w.issueArgs holds (its issueArgs): inserted when
// it is new, else rewritten unless the stored row is strictly newer, and
// then its old links dropped. It reports whether it wrote, and the row's id.
func (w *writer) row(ctx context.Context) (id int64, written bool, err error) {
	res, err := w.insertIssue.ExecContext(ctx, w.issueArgs)
	if err != nil {
		return 0, false, fmt.Errorf("inserting: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		if err == nil {
			id, err = res.LastInsertId()
		}
		return id, err == nil, err
	}
	if id, written, err = w.update(ctx); err != nil || !written {
		return 0, false, err // no error: kept the newer stored row and its links
	}
	setValues(w.idArgs, id)
	if _, err := w.deleteLinks.ExecContext(ctx, w.idArgs); err != nil {
		return 0, false, fmt.Errorf("deleting old links: %w", err)
	}
	return id, true, nil
}

// update rewrites the stored row unless it is strictly newer, and reports
// whether it did and the row's id.
func (w *writer) update(ctx context.Context) (int64, bool, error) {
	rows, err := w.updateIssue.QueryContext(ctx, w.issueArgs)
	if err != nil {
		return 0, false, fmt.Errorf("updating: %w", err)
	}
	w.id[0] = nil
	err = rows.Next(w.id)
	if cerr := rows.Close(); err == nil || err == io.EOF {
		err = cerr
	}
	id, ok := w.id[0].(int64)
	switch {
	case err != nil:
		return 0, false, fmt.Errorf("updating: %w", err)
	case !ok:
		return 0, false, nil
	}
	return id, true, nil
}

// setValues sets the values of args, one each.
func setValues(args []driver.NamedValue, values ...driver.Value) {
	for i, v := range values {
		args[i].Value = v
	}
}
