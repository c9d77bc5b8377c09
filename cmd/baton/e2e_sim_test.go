package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

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
	Acknowledged *struct {
		Until  time.Time `json:"until"`
		Reason string    `json:"reason"`
		By     string    `json:"by"`
	} `json:"acknowledged"`
}

func findingsJSON(t *testing.T, cfg string, flags ...string) []e2eFinding {
	t.Helper()
	_, fs := findingsOut(t, cfg, flags...)
	return fs
}

// findingsOut runs `findings --json` with flags and returns its output as
// printed and as decoded.
func findingsOut(t *testing.T, cfg string, flags ...string) (string, []e2eFinding) {
	t.Helper()
	stdout, stderr, code := runBaton(t, append([]string{"--config", cfg, "findings", "--json"}, flags...)...)
	if code != 0 {
		t.Fatalf("findings --json %v exited %d: %s", flags, code, stderr)
	}
	var fs []e2eFinding
	if err := json.Unmarshal([]byte(stdout), &fs); err != nil {
		t.Fatalf("decoding findings --json: %v\n%s", err, tail(stdout, 500))
	}
	return stdout, fs
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
