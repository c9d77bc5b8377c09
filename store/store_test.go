package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// now is the fixed clock of these tests.
var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "baton.db"))
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// reopened opens a store in a new file, lets fill write to it, closes it
// and opens the file again: what the returned store holds survived a restart.
func reopened(t *testing.T, fill func(*Store)) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "baton.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	fill(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return openAt(t, path)
}

// rawDB opens path without the store, to build fixtures and inspect files.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func schemaVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil {
		t.Fatalf("reading schema version: %v", err)
	}
	return v
}

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Fatalf("got %d migrations, want at least 2", len(ms))
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d", m.name, m.version, i+1)
		}
	}
}

func TestOpenCreatesFileAtNewestVersionWithConnectionSettings(t *testing.T) {
	s := openTestStore(t)
	ms, _ := migrations()
	if got := schemaVersion(t, s.db); got != len(ms) {
		t.Errorf("schema version = %d, want %d", got, len(ms))
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "busy_timeout": "10000",
		"wal_autocheckpoint": "8000",
	} {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
}

func TestOpenMigratesVersion1FileKeepingItsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db := rawDB(t, path)
	v1, err := migrationFiles.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_ms BIGINT NOT NULL)`,
		string(v1),
		`INSERT INTO schema_version VALUES (1, 0)`,
		`INSERT INTO issues (key, source, system, url, title, body, team, status, raw_status, resolution,
			raw_resolution, priority, raw_priority, updated_ms)
		 VALUES ('jira:PAY-1', 'jira', 'jira', 'u', 'Old row', '', '', 'todo', 'To Do', '', '', 0, '', 1000)`,
		`INSERT INTO cursors VALUES ('jira', '', 'c1')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("building v1 fixture: %v", err)
		}
	}
	db.Close()

	s := openAt(t, path)
	ms, _ := migrations()
	if got := schemaVersion(t, s.db); got != len(ms) {
		t.Errorf("schema version after Open = %d, want %d", got, len(ms))
	}
	var teamColumns int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('issues') WHERE name = 'team'`).Scan(&teamColumns); err != nil || teamColumns != 0 {
		t.Errorf("issues.team columns after Open = %d, %v; want the column dropped", teamColumns, err)
	}
	ctx := context.Background()
	is, ok, err := s.Issue(ctx, "jira:PAY-1")
	if err != nil || !ok || is.Title != "Old row" {
		t.Errorf("Issue(jira:PAY-1) = %q, %v, %v; want the v1 row", is.Title, ok, err)
	}
	if c, err := s.Cursors(ctx, "jira"); err != nil || c[""] != "c1" {
		t.Errorf("Cursors(jira) = %v, %v; want the v1 cursor c1", c, err)
	}
	if err := s.MarkRollupSent(ctx, "org", ChannelSlack, "2026-W48", now); err != nil {
		t.Errorf("rollup ledger unusable after migration: %v", err)
	}
}

func TestOpenRefusesNewerSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	ms, _ := migrations()
	future := len(ms) + 1
	if _, err := db.Exec(`INSERT INTO schema_version VALUES (?, 0)`, future); err != nil {
		t.Fatal(err)
	}

	_, err = Open(context.Background(), path)
	if err == nil {
		t.Fatalf("Open of a version %d file succeeded, want an error", future)
	}
	for _, want := range []string{path, fmt.Sprintf("schema version %d", future), fmt.Sprintf("version %d this baton knows", len(ms))} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got := schemaVersion(t, db); got != future {
		t.Errorf("schema version after refused Open = %d, want %d (untouched)", got, future)
	}
}

func TestOpenKeepsSpecialCharactersInPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%d.db")
	s := openAt(t, path)
	if _, err := s.ApplyBatch(context.Background(), model.Batch{Source: "jira", Cursors: map[string]string{"": "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("store file not at the given path: %v", err)
	}
}

func TestOpenReportsUnusablePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing", "dir", "baton.db")
	_, err := Open(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open(%q) error = %v, want one naming the path", dir, err)
	}
	if _, err := Open(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "storage.path") {
		t.Errorf("Open(\"\") error = %v, want one naming storage.path", err)
	}
}

// Sources sync in parallel: their batches must queue for the write lock
// rather than fail with "database is locked", while reads go on.
func TestConcurrentBatchesOfSeveralSourcesAllCommit(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	const sources, batches, size = 4, 15, 20
	errs := make(chan error, sources+1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				errs <- nil
				return
			default:
			}
			if _, err := s.LoadIssues(ctx, now); err != nil {
				errs <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for src := range sources {
		wg.Go(func() {
			name := fmt.Sprintf("src%d", src)
			for b := range batches {
				batch := model.Batch{Source: name, Cursors: map[string]string{"": fmt.Sprint(b)}}
				for i := range size {
					batch.Issues = append(batch.Issues, minimalIssue(fmt.Sprintf("jira:S%d-%d", src, b*size+i), name, now))
				}
				if _, err := s.ApplyBatch(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	counts, err := s.CountBySource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"src0": batches * size, "src1": batches * size, "src2": batches * size, "src3": batches * size}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("CountBySource (-want +got):\n%s", diff)
	}
}

// TestReleaseConnectionsKeepsStoreUsable releases the write connection and
// the idle ones between two batches: the second opens a write connection
// again, and a load reads both.
func TestReleaseConnectionsKeepsStoreUsable(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	apply := func(key string) {
		t.Helper()
		b := model.Batch{Source: "jira", Issues: []model.Issue{minimalIssue(key, "jira", now)}}
		if _, err := s.ApplyBatch(ctx, b); err != nil {
			t.Fatalf("ApplyBatch(%s): %v", key, err)
		}
	}
	apply("jira:A-1")
	if _, err := s.Cursors(ctx, "jira"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseConnections(); err != nil {
		t.Fatalf("ReleaseConnections: %v", err)
	}
	if s.writer != nil {
		t.Error("write connection still held after ReleaseConnections")
	}
	if st := s.db.Stats(); st.OpenConnections != 0 {
		t.Errorf("%d connections open after ReleaseConnections, want 0", st.OpenConnections)
	}
	apply("jira:A-2")
	if s.writer == nil {
		t.Error("no write connection after a batch following ReleaseConnections")
	}
	issues, err := s.LoadIssues(ctx, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, is := range issues {
		keys = append(keys, is.Key)
	}
	if diff := cmp.Diff([]string{"jira:A-1", "jira:A-2"}, keys); diff != "" {
		t.Errorf("loaded keys (-want +got):\n%s", diff)
	}
}
