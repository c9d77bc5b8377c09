// Package golden compares a test's output with a file kept under testdata,
// and rewrites the file from the output when the test runs with -update.
package golden

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output, then review the diff")

// Check reports, as a test error, how got differs from the file at path
// (-got +want). With -update it first writes got to path, so the file is
// what the code produces now and git shows what changed.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("updating golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test with -update to create it, then review it): %v", err)
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("output differs from %s (-got +want):\n%s", path, diff)
	}
}
