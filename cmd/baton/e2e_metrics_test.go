package main

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/testtool"
)

// e2eScrape is one parsed /metrics answer (Prometheus text format).
type e2eScrape struct {
	text     string
	families map[string]bool // from # TYPE lines
	samples  []e2eSample
}

type e2eSample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

func scrape(t *testing.T, base string) *e2eScrape {
	t.Helper()
	code, body := httpGet(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d %s", code, tail(body, 300))
	}
	s := &e2eScrape{text: body, families: map[string]bool{}}
	for line := range strings.Lines(body) {
		line = strings.TrimSuffix(line, "\n")
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			s.families[strings.Fields(f)[0]] = true
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unparseable /metrics line %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		labels := map[string]string{}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			labels[p[1]] = p[2]
		}
		s.samples = append(s.samples, e2eSample{m[1], labels, v})
	}
	return s
}

// value sums the samples of name whose labels include match.
func (s *e2eScrape) value(name string, match map[string]string) float64 {
	var sum float64
	for _, x := range s.samples {
		if x.name == name && matches(x.labels, match) {
			sum += x.value
		}
	}
	return sum
}

// has reports whether a sample of name with exactly these labels is exported.
func (s *e2eScrape) has(name string, labels map[string]string) bool {
	for _, x := range s.samples {
		if x.name == name && len(x.labels) == len(labels) && matches(x.labels, labels) {
			return true
		}
	}
	return false
}

func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// nonZero maps the non-zero samples of name, keyed by the given labels'
// values joined with "/".
func (s *e2eScrape) nonZero(name string, keys ...string) map[string]float64 {
	out := map[string]float64{}
	for _, x := range s.samples {
		if x.name != name || x.value == 0 {
			continue
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = x.labels[k]
		}
		out[strings.Join(parts, "/")] += x.value
	}
	return out
}

// findingCounts is what baton_stalled_issues{team,rule} and
// baton_misalignments{team,counterpart_team,rule} must say for fs: distinct
// stalled issues per team and rule; each misalignment once per distinct
// related team (unassigned when it has none).
func findingCounts(fs []e2eFinding) (stalled, misaligned map[string]float64) {
	stalled, misaligned = map[string]float64{}, map[string]float64{}
	seen := map[string]bool{}
	label := func(team string) string {
		if team == "" {
			return "unassigned"
		}
		return team
	}
	for _, f := range fs {
		team := label(f.Team)
		switch f.Kind {
		case "stalled":
			if k := team + "/" + f.Rule + "/" + f.Issue; !seen[k] {
				seen[k] = true
				stalled[team+"/"+f.Rule]++
			}
		case "misaligned":
			var cps []string
			for _, rt := range f.RelatedTeams {
				if l := label(rt); !slices.Contains(cps, l) {
					cps = append(cps, l)
				}
			}
			if len(cps) == 0 {
				cps = []string{"unassigned"}
			}
			for _, c := range cps {
				misaligned[team+"/"+c+"/"+f.Rule]++
			}
		}
	}
	return stalled, misaligned
}

// promtoolCheck runs `promtool check metrics` over a scrape. Without promtool
// the check is skipped, except in CI (CI=true), where it fails.
func promtoolCheck(t *testing.T, text string) {
	t.Helper()
	path := testtool.Find(t, "promtool", "run bash deploy/check.sh to install it")
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// eventually retries check until it returns "" or within passes; the last
// complaint fails the test.
func eventually(t *testing.T, within time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not so within %s: %s", within, msg)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
