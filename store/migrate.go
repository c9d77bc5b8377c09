package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded schema step: file NNNN_name.sql brings the schema
// to version NNNN.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions must
// run 1, 2, 3… without gaps, so a missing file is caught by the tests.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // fs.Glob returns names sorted
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number and '_'", name)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: version %d follows version %d", name, v, len(ms))
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(text)})
	}
	return ms, nil
}

// migrate brings the schema of the file at path (named in errors) to the
// newest embedded version, in one transaction, so concurrent openers and a
// crash mid-way leave the file at a version it really has. A file written
// by a newer baton is refused untouched.
func migrate(ctx context.Context, db *sql.DB, file string, now time.Time) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return applyMigrations(ctx, db, file, now, ms)
}

// applyMigrations is migrate with the migrations ms. Running any moves the
// data generation: a migration may rewrite what an analysis reads, so no
// analysis summary saved before it matches after it.
func applyMigrations(ctx context.Context, db *sql.DB, file string, now time.Time, ms []migration) error {
	known := len(ms)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating store %s: %w", file, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER NOT NULL PRIMARY KEY,
		applied_ms BIGINT  NOT NULL)`); err != nil {
		return fmt.Errorf("migrating store %s: creating schema_version: %w", file, err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("migrating store %s: reading schema version: %w", file, err)
	}
	if current > known {
		return fmt.Errorf("store %s has schema version %d, newer than version %d this baton knows; upgrade baton or point storage.path at another file",
			file, current, known)
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrating store %s to version %d (%s): %w", file, m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_ms) VALUES (?, ?)`,
			m.version, now.UnixMilli()); err != nil {
			return fmt.Errorf("migrating store %s to version %d: recording it: %w", file, m.version, err)
		}
	}
	if current < known {
		if err := nextGeneration(ctx, tx); err != nil {
			return fmt.Errorf("migrating store %s: %w", file, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrating store %s: %w", file, err)
	}
	return nil
}
