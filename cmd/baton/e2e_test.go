package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
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

// plantedCase is one entry of `baton sim --cases-out`.
type plantedCase struct {
	Rule     string   `json:"rule"`
	Issue    string   `json:"issue"`
	Related  []string `json:"related"`
	NearMiss bool     `json:"near_miss"`
	Note     string   `json:"note"`
}

// e2eSim is a running `baton sim`.
type e2eSim struct {
	dir       string
	githubURL string
	jiraURL   string
	simConfig []byte // --config-out
	cases     []plantedCase
}

var simURLs = regexp.MustCompile(`(?m)^github (\S+)\njira (\S+)$`)

// startE2ESim starts `baton sim` with extra flags on free ports.
func startE2ESim(t *testing.T, flags ...string) *e2eSim {
	t.Helper()
	s := &e2eSim{dir: t.TempDir()}
	args := append([]string{"sim", "--config-out", filepath.Join(s.dir, "sim.yaml"), "--cases-out", filepath.Join(s.dir, "cases.json")}, flags...)
	p := startBaton(t, args...)
	m := p.waitOutput(t, false, simURLs, time.Minute)
	s.githubURL, s.jiraURL = strings.TrimSuffix(m[1], "/"), m[2]
	var err error
	if s.simConfig, err = os.ReadFile(filepath.Join(s.dir, "sim.yaml")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s.cases); err != nil {
		t.Fatalf("decoding the planted cases: %v", err)
	}
	return s
}

// writeConfig writes a baton config for the simulators with a store in dir;
// edit may change the decoded document first.
func (s *e2eSim) writeConfig(t *testing.T, dir string, edit func(doc map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(s.simConfig, &doc); err != nil {
		t.Fatalf("decoding the simulator config: %v", err)
	}
	doc["storage"] = map[string]any{"path": filepath.Join(dir, "baton.db")}
	doc["listen"] = "127.0.0.1:0"
	if edit != nil {
		edit(doc)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "baton.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// eachSource applies f to every source of a decoded config document.
func eachSource(doc map[string]any, f func(src map[string]any)) {
	for _, s := range doc["sources"].([]any) {
		f(s.(map[string]any))
	}
}

// postJSON sends body to a simulator's control API and fails on a non-2xx.
func postJSON(t *testing.T, url string, body any) []byte {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s %s: %s %s", url, data, resp.Status, out)
	}
	return out
}

// e2eFinding is the part of `findings --json` the tests compare.
type e2eFinding struct {
	Kind         string    `json:"kind"`
	Rule         string    `json:"rule"`
	Issue        string    `json:"issue"`
	Team         string    `json:"team"`
	Related      []string  `json:"related"`
	RelatedTeams []string  `json:"related_teams"`
	Since        time.Time `json:"since"`
}

func findingsJSON(t *testing.T, cfg string, flags ...string) []e2eFinding {
	t.Helper()
	stdout, stderr, code := runBaton(t, append([]string{"--config", cfg, "findings", "--json"}, flags...)...)
	if code != 0 {
		t.Fatalf("findings --json %v exited %d: %s", flags, code, stderr)
	}
	var fs []e2eFinding
	if err := json.Unmarshal([]byte(stdout), &fs); err != nil {
		t.Fatalf("decoding findings --json: %v\n%s", err, tail(stdout, 500))
	}
	return fs
}

// ruleIssues lists findings as sorted "rule issue" strings.
func ruleIssues(fs []e2eFinding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Issue)
	}
	slices.Sort(out)
	return out
}

func (s *e2eSim) planted(nearMiss bool) []string {
	var out []string
	for _, c := range s.cases {
		if c.NearMiss == nearMiss {
			out = append(out, c.Rule+" "+c.Issue)
		}
	}
	slices.Sort(out)
	return out
}

func (s *e2eSim) plantedCase(t *testing.T, rule string, nearMiss bool, note string) plantedCase {
	t.Helper()
	for _, c := range s.cases {
		if c.Rule == rule && c.NearMiss == nearMiss && strings.Contains(c.Note, note) {
			return c
		}
	}
	t.Fatalf("no planted %s case (near miss %v) noting %q", rule, nearMiss, note)
	return plantedCase{}
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
