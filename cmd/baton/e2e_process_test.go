package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// storeDump is what a store holds, read back the way baton reads it.
type storeDump struct {
	issues  []model.Issue
	cursors map[string]map[string]string // by source
}

func dumpStore(t *testing.T, path string) storeDump {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("opening the store %s: %v", path, err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store %s: %v", path, err)
		}
	}()
	issues, err := st.LoadIssues(ctx, time.Time{})
	if err != nil {
		t.Fatalf("loading the issues of %s: %v", path, err)
	}
	d := storeDump{issues: issues, cursors: map[string]map[string]string{}}
	for _, src := range []string{"github", "jira"} {
		if d.cursors[src], err = st.Cursors(ctx, src); err != nil {
			t.Fatalf("reading the cursors of %s in %s: %v", src, path, err)
		}
	}
	return d
}

// sameIssues reports up to five issues that differ between want and got.
func sameIssues(t *testing.T, what string, want, got []model.Issue) {
	t.Helper()
	byKey := map[string]model.Issue{}
	for _, is := range got {
		byKey[is.Key] = is
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d issues, want %d", what, len(got), len(want))
	}
	bad := 0
	for _, w := range want {
		g, ok := byKey[w.Key]
		diff := cmp.Diff(w, g)
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, w.Key)
		case diff != "":
			t.Errorf("%s: %s differs (-want +got):\n%s", what, w.Key, diff)
		default:
			continue
		}
		if bad++; bad == 5 {
			t.Fatalf("%s: stopping after 5 differences", what)
		}
	}
}

// sameAsReference checks a store against the uninterrupted sync's: the same
// issues (every field, links included), cursors and findings.
func sameAsReference(t *testing.T, what, cfg, db string, ref storeDump, refFindings []e2eFinding) {
	t.Helper()
	got := dumpStore(t, db)
	sameIssues(t, what, ref.issues, got.issues)
	if diff := cmp.Diff(dataCursors(t, ref.cursors), dataCursors(t, got.cursors)); diff != "" {
		t.Errorf("%s: cursors (-uninterrupted +resumed):\n%s", what, diff)
	}
	if diff := cmp.Diff(refFindings, findingsJSON(t, cfg)); diff != "" {
		t.Errorf("%s: findings (-uninterrupted +resumed):\n%s", what, diff)
	}
}

// dataCursors keeps the part of each cursor that comes from the data: the
// newest update committed. The rest records how the pages were read (ETags
// of listings with a since window, reconciliation times, the issues already
// committed within the overlap window) and legitimately differs between one
// round and an interrupted round resumed.
func dataCursors(t *testing.T, all map[string]map[string]string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for src, cursors := range all {
		out[src] = map[string]string{}
		for name, c := range cursors {
			if strings.HasPrefix(name, "_") {
				continue // bookkeeping such as _reconcile
			}
			var v struct {
				Updated string `json:"updated"`
			}
			if err := json.Unmarshal([]byte(c), &v); err != nil || v.Updated == "" {
				t.Fatalf("cursor %s/%q = %q has no updated time: %v", src, name, c, err)
			}
			out[src][name] = v.Updated
		}
	}
	return out
}

// partOfReference checks that an interrupted store holds only whole,
// correct issues (each exactly as the uninterrupted sync stored it), and
// some but not all of them.
func partOfReference(t *testing.T, what, db string, ref storeDump) {
	t.Helper()
	got := dumpStore(t, db)
	if len(got.issues) == 0 || len(got.issues) >= len(ref.issues) {
		t.Fatalf("%s holds %d issues, want some of the %d: stopped mid-sync", what, len(got.issues), len(ref.issues))
	}
	t.Logf("%s holds %d of the %d issues", what, len(got.issues), len(ref.issues))
	want := map[string]model.Issue{}
	for _, is := range ref.issues {
		want[is.Key] = is
	}
	for _, g := range got.issues {
		w, ok := want[g.Key]
		if !ok {
			t.Fatalf("%s holds %s, which the uninterrupted sync does not", what, g.Key)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Fatalf("%s: %s differs from the uninterrupted sync (-want +got):\n%s", what, g.Key, diff)
		}
	}
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The stop comes intoTheSync after GitHub's first committed page (the only
// one logged in the first five seconds). partOfReference checks that it did
// land mid-sync.
var firstPage = regexp.MustCompile(`msg="sync progress" source=github`)

const intoTheSync = 500 * time.Millisecond

// TestE2EProcessInterruptedSyncsResumeToTheSameStore syncs one simulated
// organisation of 20,000 issues into fresh stores: once without
// interruption, then stopped mid-sync (`sync --once` killed with SIGKILL or
// stopped with SIGTERM, `serve` stopped with SIGTERM) and resumed with
// `sync --once`. Every store must end up the same. One simulator serves all three, so the data (whose
// times follow the wall clock at generation) is identical.
func TestE2EProcessInterruptedSyncsResumeToTheSameStore(t *testing.T) {
	t.Parallel()
	sim := startE2ESim(t, "--size", "20000", "--github-quota", "10000000")
	config := func(name string) (cfg, db string) {
		dir := filepath.Join(t.TempDir(), name)
		cfg = sim.writeConfig(t, mkdir(t, dir), nil)
		return cfg, filepath.Join(dir, "baton.db")
	}
	// slowGitHub holds some GitHub answers back, so that the stop lands
	// surely before the sync ends.
	slowGitHub := func() {
		postJSON(t, sim.githubURL+"/_sim/fault", map[string]any{"kind": "slow", "path_prefix": "/", "count": 400, "delay": int64(10 * time.Millisecond)})
	}

	refCfg, refDB := config("reference")
	if _, stderr, code := runBaton(t, "--config", refCfg, "sync", "--once"); code != 0 {
		t.Fatalf("uninterrupted sync --once exited %d: %s", code, tail(stderr, 2000))
	}
	ref := dumpStore(t, refDB)
	if len(ref.issues) < 20000 {
		t.Fatalf("the uninterrupted sync stored %d issues, want at least 20000", len(ref.issues))
	}
	refFindings := findingsJSON(t, refCfg)

	for _, tc := range []struct {
		name     string
		command  string
		signal   syscall.Signal
		wantCode int    // -1: killed
		wantLog  string // on stderr after the signal
	}{
		{"kill -9 sync --once", "sync", syscall.SIGKILL, -1, ""},
		{"SIGTERM sync --once", "sync", syscall.SIGTERM, 1, "baton: sync interrupted; the pages committed so far are kept"},
		{"SIGTERM serve", "serve", syscall.SIGTERM, 0, `msg=stopped`},
	} {
		t.Run(tc.name+" then sync --once", func(t *testing.T) {
			cfg, db := config(strings.ReplaceAll(tc.name, " ", "_"))
			slowGitHub()
			args := []string{"--config", cfg, tc.command}
			if tc.command == "sync" {
				args = append(args, "--once")
			}
			p := startBaton(t, args...)
			p.waitOutput(t, true, firstPage, time.Minute)
			time.Sleep(intoTheSync)
			if err := p.cmd.Process.Signal(tc.signal); err != nil {
				t.Fatal(err)
			}
			// Within 10 s: the daemon's shutdown deadline.
			if code := p.exitCode(t, 10*time.Second); code != tc.wantCode {
				t.Fatalf("baton %s exited %d after %v, want %d; stderr:\n%s", tc.command, code, tc.signal, tc.wantCode, tail(p.output(true), 2000))
			}
			if !strings.Contains(p.output(true), tc.wantLog) {
				t.Errorf("baton %s printed no %q after %v; stderr:\n%s", tc.command, tc.wantLog, tc.signal, tail(p.output(true), 2000))
			}
			partOfReference(t, "the interrupted store", db, ref)
			if _, stderr, code := runBaton(t, "--config", cfg, "sync", "--once"); code != 0 {
				t.Fatalf("sync --once after the interruption exited %d: %s", code, tail(stderr, 2000))
			}
			sameAsReference(t, "interrupted and resumed", cfg, db, ref, refFindings)
		})
	}
}
