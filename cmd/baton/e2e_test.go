package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	stdsync "sync"
	"testing"
	"time"
)

// The black-box tests (TestE2E*) run the real baton binary, built once without
// -race, against `baton sim` running as its own process.

var e2eBin struct {
	once stdsync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e2eBin.dir != "" {
		os.RemoveAll(e2eBin.dir)
	}
	os.Exit(code)
}

// batonBinary builds the binary on first use.
func batonBinary(t *testing.T) string {
	t.Helper()
	e2eBin.once.Do(func() {
		e2eBin.dir, e2eBin.err = os.MkdirTemp("", "baton-e2e-")
		if e2eBin.err != nil {
			return
		}
		e2eBin.path = filepath.Join(e2eBin.dir, "baton")
		out, err := exec.Command("go", "build", "-o", e2eBin.path, ".").CombinedOutput()
		if err != nil {
			e2eBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2eBin.err != nil {
		t.Fatal(e2eBin.err)
	}
	return e2eBin.path
}

// e2eProc is a started baton process whose output is collected.
type e2eProc struct {
	cmd    *exec.Cmd
	mu     stdsync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan struct{}
	err    error // of Wait, once done is closed
}

type lockedWriter struct {
	mu  *stdsync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// startBaton starts the binary with args; the process is killed when the test
// ends if it is still running.
func startBaton(t *testing.T, args ...string) *e2eProc {
	t.Helper()
	p := &e2eProc{cmd: exec.Command(batonBinary(t), args...), done: make(chan struct{})}
	p.cmd.Stdout = lockedWriter{&p.mu, &p.stdout}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting baton %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("baton %s: %v; stderr (tail):\n%s", strings.Join(args, " "), p.err, tail(p.output(true), 3000))
		}
	})
	return p
}

func (p *e2eProc) output(stderr bool) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stderr {
		return p.stderr.String()
	}
	return p.stdout.String()
}

// waitOutput waits until re matches the process' stdout or stderr and returns
// the submatches.
func (p *e2eProc) waitOutput(t *testing.T, stderr bool, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(p.output(stderr)); m != nil {
			return m
		}
		select {
		case <-p.done:
			t.Fatalf("baton exited (%v) before printing %q", p.err, re)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("baton printed no %q within %s", re, within)
		}
	}
}

// exitCode waits for the process to exit and returns its exit code.
func (p *e2eProc) exitCode(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("baton %s still running after %s", p.cmd.Args[1], within)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("waiting for baton: %v", p.err)
	}
	return 0
}

// runBaton runs a command to completion and returns stdout, stderr and the
// exit code.
func runBaton(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	p := startBaton(t, args...)
	code := p.exitCode(t, 2*time.Minute)
	return p.output(false), p.output(true), code
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// httpGet returns the status and body of a GET.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// countLines counts the lines of s that contain sub.
func countLines(s, sub string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), sub) {
			n++
		}
	}
	return n
}
