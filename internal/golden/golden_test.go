package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what Check reports instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf stops the calling goroutine, as testing's does, so Check returns.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	panic(r)
}

func check(r *recorder, path string, got []byte) {
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	Check(r, path, got)
}

// goldenFile writes content to a golden file of its own and returns its path.
func goldenFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.golden")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckPassesOnEqualOutput(t *testing.T) {
	path := goldenFile(t, "same\n")
	r := &recorder{TB: t}
	check(r, path, []byte("same\n"))
	if len(r.errors) != 0 {
		t.Errorf("Check on equal output reported %q", r.errors)
	}
}

func TestCheckReportsGotBeforeWant(t *testing.T) {
	path := goldenFile(t, "old\n")
	r := &recorder{TB: t}
	check(r, path, []byte("new\n"))
	if len(r.errors) != 1 || r.fatal {
		t.Fatalf("Check on different output reported %q (fatal %v), want one error", r.errors, r.fatal)
	}
	msg := r.errors[0]
	if !strings.Contains(msg, "(-got +want)") || !hasLine(msg, "-", "new") || !hasLine(msg, "+", "old") {
		t.Errorf("Check reported %q, want the diff -got +want", msg)
	}
}

func TestCheckFailsWhenTheFileIsMissing(t *testing.T) {
	r := &recorder{TB: t}
	check(r, filepath.Join(t.TempDir(), "missing.golden"), []byte("x"))
	if !r.fatal || !strings.Contains(r.errors[0], "-update") {
		t.Errorf("Check without a golden file reported %q (fatal %v), want a fatal error naming -update", r.errors, r.fatal)
	}
}

func TestUpdateRewritesTheFile(t *testing.T) {
	path := goldenFile(t, "old\n")
	*update = true
	t.Cleanup(func() { *update = false })
	r := &recorder{TB: t}
	check(r, path, []byte("new\n"))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "new\n" || len(r.errors) != 0 {
		t.Errorf("after -update the file holds %q and Check reported %q, want %q and nothing", b, r.errors, "new\n")
	}
}

// hasLine reports whether text has a line starting with prefix that holds word
// (cmp's diffs are not stable enough to compare whole).
func hasLine(text, prefix, word string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, word) {
			return true
		}
	}
	return false
}
