// Package store keeps baton's data in SQLite through database/sql
// (modernc.org/sqlite, no cgo): issues and the links they declare, per-source
// cursors committed with the data they cover, sync bookkeeping and the rollup
// ledger.
//
// The schema lives in embedded SQL migrations written to carry over to
// Postgres: TEXT, BIGINT and INTEGER columns only, upserts as
// INSERT … ON CONFLICT … DO UPDATE (issues: INSERT … ON CONFLICT DO NOTHING,
// then an UPDATE if the issue was stored), times as BIGINT unix milliseconds UTC
// (NULL for the zero time), lists as JSON TEXT (NULL when empty, read back as
// nil), and the fields of an issue only loads read as one JSON array TEXT
// (packed; see packedColumns). Times read back are in UTC and carry
// millisecond precision. What is SQLite's own: links is a WITHOUT ROWID
// table, and the ids of issues and acks are numbered by INTEGER PRIMARY KEY
// and read back with LastInsertId; on Postgres the clause goes, id becomes
// an identity column and the insert returns it (INSERT … RETURNING id).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// maxConns bounds the pool: one writer at a time is all SQLite allows, and a
// few readers (metrics, CLI queries) may run alongside it under WAL.
const maxConns = 4

// Store is an open baton database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string

	// writing admits one batch at a time. SQLite takes one writer at a
	// time anyway, but others wait in its busy handler, which polls with
	// sleeps; here they queue, and the connection the pool hands out next
	// is the one that last wrote, its page cache still good.
	writing chan struct{}

	// writer is the connection batches are written on, opened by the
	// first; only the holder of writing uses it.
	writer *writer

	// upsertCursor is prepared once per connection and reused by every
	// batch (Tx.StmtContext finds the connection's copy).
	upsertCursor *sql.Stmt
}

// Open opens the SQLite file at path, creating it if needed, and migrates its
// schema to the newest version this baton knows. A file written by a newer
// baton is refused with an error naming both versions.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("opening store: storage.path is empty")
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", path, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &Store{db: db, path: path, writing: make(chan struct{}, 1)}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// dsn is the driver's name for the file at path with the connection settings
// every pooled connection gets: WAL so readers never block the writer,
// synchronous=NORMAL, a checkpoint
// every 8,000 WAL pages (about 32 MB) rather than SQLite's 1,000, since a
// full sync rewrites the same index pages in batch after batch and each
// checkpoint copies a page once however often it was rewritten, a busy timeout
// instead of immediate "database is locked", enforced foreign keys, and
// write transactions that take the write lock when they begin, so two writers
// wait for each other instead of failing on lock upgrade.
//
// What synchronous=NORMAL means for a commit: in WAL mode the transaction is
// in the WAL file when ApplyBatch returns, so it survives baton crashing or
// being killed; the WAL is fsynced only at checkpoints, so an operating
// system crash or a power loss can take back the commits since the last one
// (never half of one, and the file is never corrupt). Since every batch
// commits its cursors with its data, the next round then fetches those
// pages again. FULL would fsync the WAL at every commit, a page of issues,
// to keep those too.
func dsn(path string) string {
	// As a file: URI, so '?', '#' and '%' in the path stay part of the name.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=wal_autocheckpoint(8000)" +
		"&_pragma=foreign_keys(ON)" +
		"&_txlock=immediate"
}

func (s *Store) init(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("opening store %s: %w", s.path, err)
	}
	if err := migrate(ctx, s.db, s.path, time.Now()); err != nil {
		return err
	}
	const upsertCursor = `INSERT INTO cursors (source, scope, value) VALUES (?, ?, ?)
		ON CONFLICT (source, scope) DO UPDATE SET value = excluded.value`
	stmt, err := s.db.PrepareContext(ctx, upsertCursor)
	if err != nil {
		return fmt.Errorf("opening store %s: preparing %q: %w", s.path, upsertCursor, err)
	}
	s.upsertCursor = stmt
	return nil
}

// Close releases the prepared statement and closes the database; the WAL is
// checkpointed by SQLite when the last connection closes. It waits for a
// batch being applied.
func (s *Store) Close() error {
	s.writing <- struct{}{}
	defer func() { <-s.writing }()
	err := s.closeWriter()
	if s.upsertCursor != nil {
		s.upsertCursor.Close()
	}
	if err := errors.Join(err, s.db.Close()); err != nil {
		return fmt.Errorf("closing store %s: %w", s.path, err)
	}
	return nil
}

// ReleaseConnections closes the write connection and the idle pooled
// connections, and with them SQLite's page caches and prepared statements.
// The store stays usable: the next batch opens a write connection again and
// readers open connections as they need them.
func (s *Store) ReleaseConnections() error {
	s.writing <- struct{}{}
	defer func() { <-s.writing }()
	err := s.closeWriter()
	s.db.SetMaxIdleConns(0)
	s.db.SetMaxIdleConns(maxConns)
	if err != nil {
		return fmt.Errorf("releasing store %s connections: %w", s.path, err)
	}
	return nil
}

// holdWriter opens the write connection unless one is open. database/sql
// closes a connection when a call on it panics (the sync engine recovers a
// commit's panic): the next batch opens another instead of failing for the
// store's life. The caller holds s.writing.
func (s *Store) holdWriter(ctx context.Context) error {
	if s.writer != nil && s.writer.conn.Raw(func(any) error { return nil }) == nil {
		return nil
	}
	s.writer = nil // closed: nothing of it can be released any more
	w, err := openWriter(ctx, s.db)
	if err != nil {
		return err
	}
	s.writer = w
	return nil
}

// closeWriter closes the write connection, if one is open; the next batch
// opens another. The caller holds s.writing.
func (s *Store) closeWriter() error {
	if s.writer == nil {
		return nil
	}
	err := s.writer.close()
	s.writer = nil
	return err
}
