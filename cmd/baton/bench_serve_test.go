package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The soak benchmarks run `baton serve` as its own process against
// `baton sim` (the benchmark organisation's shape at the given size), every
// source polled each 10 s, for soakWindows windows of one round of every
// source after the first sync. At the start of every third window a few
// issues change (5 GitHub, 5 Jira); the other windows change nothing. They
// report the process's RSS and live heap at the end of every window (live:
// what the Go runtime's latest collection marked, from gctrace) and their
// peaks (VmHWM; the most any collection marked, analyses included), the
// CPU of a window with nothing changed and of a window with changes (with
// the window after it, into which its analysis may run, less a quiet
// window), the analyses run, and what a GET /metrics costs after the first
// analysis (scrapeMetrics).
//
//	go test -run '^$' -bench 'Serve(10k|50k|200k)$' -benchtime 1x -timeout 30m ./cmd/baton/
func BenchmarkServe10k(b *testing.B)  { soak(b, 10_000) }
func BenchmarkServe50k(b *testing.B)  { soak(b, 50_000) }
func BenchmarkServe200k(b *testing.B) { soak(b, 200_000) }

const soakWindows = 12

func soak(b *testing.B, size int) {
	bin := buildBenchBaton(b)
	sim := startBenchSim(b, bin, size)
	b.ResetTimer()
	for range b.N {
		cfg := sim.config(b, filepath.Join(b.TempDir(), "baton.db"))
		pollEvery(b, cfg, "10s")
		p := startSoakServe(b, bin, cfg)
		p.waitRounds(b, 1)
		p.waitAnalyses(b, 1)
		first := p.sample()
		b.Logf("after the first sync: RSS %d MB (peak %d MB), live heap %d MB (peak %d MB), %d analyses, CPU %v",
			first.rss>>10, first.hwm>>10, first.live, first.maxLive, first.analyses, first.cpu.Round(10*time.Millisecond))
		p.scrapeMetrics(b)
		samples := []soakSample{first}
		for w := 1; w <= soakWindows; w++ {
			edited := w%3 == 1
			if edited {
				sim.changeFew(b, 5)
			}
			p.waitRounds(b, w+1)
			s := p.sample()
			s.edited = edited
			samples = append(samples, s)
			prev := samples[len(samples)-2]
			b.Logf("window %2d (edited %5v): RSS %3d MB, live heap %3d MB, CPU %5.2f s, analyses %d, upserted %d",
				w, edited, s.rss>>10, s.live, (s.cpu - prev.cpu).Seconds(), s.analyses-prev.analyses, s.upserted-prev.upserted)
		}
		p.stop(b)
		reportSoak(b, samples)
	}
}

// pollEvery sets every source's interval in the config file at path.
func pollEvery(b *testing.B, path, interval string) {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	for _, s := range doc["sources"].([]any) {
		s.(map[string]any)["interval"] = interval
	}
	if data, err = yaml.Marshal(doc); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

// soakSample is the serving process at the end of a window.
type soakSample struct {
	rss, hwm           int64 // KiB
	live               int   // MB, marked live by the latest collection
	maxLive            int   // MB, the most any collection has marked live so far
	cpu                time.Duration
	analyses, upserted int
	edited             bool // issues changed at the start of the window
}

// servingBaton is a running `baton serve` and what its log has said.
type servingBaton struct {
	cmd  *exec.Cmd
	done chan struct{}

	mu       sync.Mutex
	listen   string // the address it serves HTTP on
	rounds   map[string]int
	analyses int
	upserted int
	live     int
	maxLive  int
}

var gcLive = regexp.MustCompile(`->(\d+) MB, \d+ MB goal`)

func startSoakServe(b *testing.B, bin, cfg string) *servingBaton {
	b.Helper()
	cmd := exec.Command(bin, "--config", cfg, "--log-format", "json", "serve", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting baton serve: %v", err)
	}
	p := &servingBaton{cmd: cmd, done: make(chan struct{}), rounds: map[string]int{}}
	go p.read(stderr)
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *servingBaton) read(stderr interface{ Read([]byte) (int, error) }) {
	defer close(p.done)
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Msg      string `json:"msg"`
			Source   string `json:"source"`
			Upserted int    `json:"upserted"`
			Listen   string `json:"listen"`
		}
		line := sc.Bytes()
		p.mu.Lock()
		if m := gcLive.FindSubmatch(line); m != nil {
			p.live, _ = strconv.Atoi(string(m[1]))
			p.maxLive = max(p.maxLive, p.live)
		} else if json.Unmarshal(line, &l) == nil {
			switch l.Msg {
			case "baton serving":
				p.listen = l.Listen
			case "sync round":
				p.rounds[l.Source]++
				p.upserted += l.Upserted
			case "analysis":
				p.analyses++
			}
		}
		p.mu.Unlock()
	}
}

// waitRounds waits until every source has finished n rounds.
func (p *servingBaton) waitRounds(b *testing.B, n int) {
	b.Helper()
	p.wait(b, fmt.Sprintf("%d rounds of every source", n), func() bool {
		if len(p.rounds) < 2 {
			return false
		}
		for _, r := range p.rounds {
			if r < n {
				return false
			}
		}
		return true
	})
}

func (p *servingBaton) waitAnalyses(b *testing.B, n int) {
	b.Helper()
	p.wait(b, fmt.Sprintf("%d analyses", n), func() bool { return p.analyses >= n })
}

func (p *servingBaton) wait(b *testing.B, what string, ok func() bool) {
	b.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		p.mu.Lock()
		done := ok()
		p.mu.Unlock()
		if done {
			return
		}
		select {
		case <-p.done:
			b.Fatalf("baton serve ended while waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Fatalf("waiting for %s: not within 10 minutes", what)
		}
	}
}

func (p *servingBaton) sample() soakSample {
	p.mu.Lock()
	defer p.mu.Unlock()
	pid := p.cmd.Process.Pid
	return soakSample{rss: procStatus(pid, "VmRSS:"), hwm: procStatus(pid, "VmHWM:"), live: p.live, maxLive: p.maxLive, cpu: cpuTime(pid),
		analyses: p.analyses, upserted: p.upserted}
}

func (p *servingBaton) stop(b *testing.B) {
	b.Helper()
	_ = p.cmd.Process.Signal(os.Interrupt)
	<-p.done
	if err := p.cmd.Wait(); err != nil {
		b.Fatalf("baton serve: %v", err)
	}
}

func reportSoak(b *testing.B, s []soakSample) {
	b.Helper()
	var quiet, changed []time.Duration
	maxRSS, maxLive := s[0].rss, s[0].live
	for i := 1; i < len(s); i++ {
		maxRSS, maxLive = max(maxRSS, s[i].rss), max(maxLive, s[i].live)
		cpu := s[i].cpu - s[i-1].cpu
		switch {
		case s[i].edited && i+1 < len(s):
			changed = append(changed, cpu+s[i+1].cpu-s[i].cpu)
		case !s[i].edited && !s[i-1].edited:
			quiet = append(quiet, cpu)
		}
	}
	q := mean(quiet)
	last := s[len(s)-1]
	b.ReportMetric(float64(s[0].rss)/1024, "first_rss_MB")
	b.ReportMetric(float64(maxRSS)/1024, "max_rss_MB")
	b.ReportMetric(float64(last.hwm)/1024, "peak_rss_MB")
	b.ReportMetric(float64(s[0].live), "first_live_MB")
	b.ReportMetric(float64(maxLive), "max_live_MB")
	b.ReportMetric(float64(last.maxLive), "peak_live_MB")
	b.ReportMetric(q.Seconds(), "unchanged_cpu_s")
	b.ReportMetric((mean(changed) - q).Seconds(), "changed_cpu_s")
	b.ReportMetric(float64(last.analyses-s[0].analyses), "analyses")
	b.ReportMetric(float64(len(s)-1), "windows")
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}

// changeFew touches n GitHub issues (of the first repository) and n Jira
// issues (of the first project), after moving Jira's clock on a minute.
func (s *benchSim) changeFew(b *testing.B, n int) {
	b.Helper()
	cfg, token := s.loadConfig(b)
	t := cfg.Teams[0]
	for _, num := range s.issueNumbers(b, t.GitHubRepos[0], token, n) {
		s.post(b, s.githubURL+"/_sim/mutate", map[string]any{"op": "touch", "repo": t.GitHubRepos[0], "number": num})
	}
	jira := []map[string]string{{"op": "advance", "duration": "1m"}}
	for k := 1; k <= n; k++ {
		jira = append(jira, map[string]string{"op": "touch", "key": fmt.Sprintf("%s-%d", t.JiraProjects[0], k)})
	}
	s.post(b, s.jiraURL+"/_sim/mutate", jira)
}

// scrapeMetrics GETs /metrics scrapes times, one after another, and reports
// the median time of one (on the clock, as Prometheus sees it) and the
// process's CPU per scrape, with the sync loops idle between two rounds.
func (p *servingBaton) scrapeMetrics(b *testing.B) {
	b.Helper()
	const scrapes = 20
	p.mu.Lock()
	url := "http://" + p.listen + "/metrics"
	p.mu.Unlock()
	took := make([]time.Duration, scrapes)
	var size int
	cpu0 := cpuTime(p.cmd.Process.Pid)
	for i := range took {
		start := time.Now()
		resp, err := http.Get(url)
		if err != nil {
			b.Fatalf("scraping %s: %v", url, err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("scraping %s: %s %v", url, resp.Status, err)
		}
		took[i], size = time.Since(start), int(n)
	}
	cpu := cpuTime(p.cmd.Process.Pid) - cpu0
	slices.Sort(took)
	b.ReportMetric(float64(took[scrapes/2].Microseconds())/1000, "scrape_ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/scrapes, "scrape_cpu_ms")
	b.ReportMetric(float64(size), "scrape_bytes")
	b.Logf("GET /metrics: median %v, slowest %v, %v of CPU each, %d bytes", took[scrapes/2], took[scrapes-1], cpu/scrapes, size)
}
