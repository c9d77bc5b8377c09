package testtool

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestFindLooksOnPath(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "baton-test-tool")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if got := Find(t, "baton-test-tool", "(none)"); got != prog {
		t.Errorf("Find = %q, want %q", got, prog)
	}
}

func TestFindFailsInCIWithoutTheTool(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatal ends the goroutine that calls it
		defer close(done)
		Find(r, "baton-no-such-tool", "install it somehow")
	}()
	<-done
	if want := "baton-no-such-tool not found on PATH, in GOBIN or in GOPATH/bin; install it somehow"; r.fatal != want {
		t.Errorf("Find in CI: fatal %q, want %q", r.fatal, want)
	}
}

// recorder keeps the message Fatal is given instead of failing the test.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatal(args ...any) {
	r.fatal = args[0].(string)
	runtime.Goexit()
}
