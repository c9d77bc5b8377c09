package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// benchBase is another baton checkout's build (BATON_BENCH_BASE) syncing
// the benchmark's simulators into a store of its own, so that the benchmark
// proves the findings unchanged:
//
//	BATON_BENCH_BASE=../baton-f77d231 go test -run '^$' -bench 'Sync200k$' -benchtime 1x -timeout 30m ./cmd/baton/
type benchBase struct {
	bin, cfg string
	db       string
}

// buildBenchBase builds the baton of the checkout BATON_BENCH_BASE names,
// or returns nil when it is not set.
func buildBenchBase(b *testing.B, sim *benchSim) *benchBase {
	b.Helper()
	dir := os.Getenv("BATON_BENCH_BASE")
	if dir == "" {
		return nil
	}
	bin := filepath.Join(b.TempDir(), "baton-base")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/baton")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the baton of %s: %v\n%s", dir, err, out)
	}
	db := filepath.Join(b.TempDir(), "baton.db")
	return &benchBase{bin: bin, cfg: sim.config(b, db), db: db}
}

// syncAndCompare syncs the base's store like `bin` synced cfg's, then fails
// the benchmark with the first finding that differs among the base's on its
// store, bin's on its own, and bin's on a copy of the base's store (which
// tells the sync's part from the analysis's).
func (bb *benchBase) syncAndCompare(b *testing.B, sim *benchSim, bin, cfg, phase string) {
	b.Helper()
	if out, err := exec.Command(bb.bin, "--config", bb.cfg, "--log-level", "warn", "sync", "--once").CombinedOutput(); err != nil {
		b.Fatalf("%s: the base's sync --once: %v\n%s", phase, err, out)
	}
	copied := filepath.Join(b.TempDir(), "baton.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(bb.db+suffix, copied+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			b.Fatal(err)
		}
	}
	runs := []findingsRun{
		{"the base on its store", bb.bin, bb.cfg},
		{"this build on its store", bin, cfg},
		{"this build on the base's store", bin, sim.config(b, copied)},
	}
	// A finding crosses a rule's threshold at any second (idle after 3d,
	// say), possibly between two of the commands: they run at once, and a
	// difference counts only when it is there on three tries.
	var diff string
	for range 3 {
		outs := findingsOf(b, runs)
		if diff = firstDifference(runs, outs); diff == "" {
			b.ReportMetric(float64(len(outs[0])), phase+"_findings")
			b.Logf("%s: %d findings, the same from the base and this build", phase, len(outs[0]))
			return
		}
	}
	b.Fatalf("%s: the findings differ: %s", phase, diff)
}

// findingsRun is one `baton findings --json`: whose, with which config.
type findingsRun struct{ name, bin, cfg string }

// findingsOf runs every `findings --json` at once and returns each one's
// findings.
func findingsOf(b *testing.B, runs []findingsRun) [][]json.RawMessage {
	b.Helper()
	outs := make([][]json.RawMessage, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Go(func() {
			out, err := exec.Command(r.bin, "--config", r.cfg, "--log-level", "warn", "findings", "--json").Output()
			if err == nil {
				err = json.Unmarshal(out, &outs[i])
			}
			if err != nil {
				errs[i] = fmt.Errorf("findings of %s: %w", r.name, err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return outs
}

// firstDifference describes the first finding in which outs[i] differs from
// outs[0], or is "" when all are the same.
func firstDifference(runs []findingsRun, outs [][]json.RawMessage) string {
	for i := 1; i < len(outs); i++ {
		a, o := outs[0], outs[i]
		for j := range min(len(a), len(o)) {
			if !bytes.Equal(a[j], o[j]) {
				return fmt.Sprintf("finding %d is %s from %s but %s from %s", j, a[j], runs[0].name, o[j], runs[i].name)
			}
		}
		switch {
		case len(a) > len(o):
			return fmt.Sprintf("%s gives %d findings, %s %d; the first missing is %s", runs[0].name, len(a), runs[i].name, len(o), a[len(o)])
		case len(o) > len(a):
			return fmt.Sprintf("%s gives %d findings, %s %d; the first extra is %s", runs[0].name, len(a), runs[i].name, len(o), o[len(a)])
		}
	}
	return ""
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestFirstDifferenceNamesTheFirstFindingThatDiffers(t *testing.T) {
	runs := []findingsRun{{name: "base"}, {name: "new"}, {name: "copy"}}
	f := func(s ...string) []json.RawMessage {
		out := make([]json.RawMessage, len(s))
		for i, v := range s {
			out[i] = json.RawMessage(v)
		}
		return out
	}
	for _, tc := range []struct {
		outs [][]json.RawMessage
		want string
	}{
		{[][]json.RawMessage{f("1", "2"), f("1", "2"), f("1", "2")}, ""},
		{[][]json.RawMessage{f("1", "2"), f("1", "2"), f("1", "3")}, "finding 1 is 2 from base but 3 from copy"},
		{[][]json.RawMessage{f("1", "2"), f("1"), f("1", "2")}, "base gives 2 findings, new 1; the first missing is 2"},
		{[][]json.RawMessage{f("1"), f("1", "2"), f("1")}, "base gives 1 findings, new 2; the first extra is 2"},
	} {
		if got := firstDifference(runs, tc.outs); got != tc.want {
			t.Errorf("firstDifference(%s) = %q, want %q", tc.outs, got, tc.want)
		}
	}
}
