package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
)

// BenchmarkSync200k measures issue 6's performance targets against the
// benchmark organisation (apisim.BenchmarkSpec: 200,000 issues, half GitHub
// over 20 repositories, half Jira over 4 projects). The simulators and baton
// run as separate processes, so baton's peak RSS is its own. Each iteration
// syncs into a fresh SQLite file, re-syncs with nothing changed, then changes
// 1,000 issues (500 per system) through the simulators' control APIs and
// re-syncs again. With BATON_BENCH_BASE naming another checkout, that
// checkout's baton syncs the same simulators after the full sync and after
// the changes, and the findings of both must be the same (benchBase).
//
//	go test -run '^$' -bench Sync200k -benchtime 1x -timeout 30m ./cmd/baton/
func BenchmarkSync200k(b *testing.B) {
	bin := buildBenchBaton(b)
	sim := startBenchSim(b, bin, 200_000)
	base := buildBenchBase(b, sim)
	b.ResetTimer()
	for range b.N {
		db := filepath.Join(b.TempDir(), "baton.db")
		cfg := sim.config(b, db)

		full := sim.measure(b, bin, cfg)
		issues := full.fetched()
		if issues < 200_000 {
			b.Fatalf("full sync fetched %d issues, want at least 200000", issues)
		}
		full.report(b, "full", issues)
		if base != nil {
			base.syncAndCompare(b, sim, bin, cfg, "full")
		}

		unchanged := sim.measure(b, bin, cfg)
		unchanged.report(b, "unchanged", unchanged.fetched())

		sim.change1000(b)
		changed := sim.measure(b, bin, cfg)
		if changed.fetched() < 1000 {
			b.Fatalf("re-sync after 1,000 changes fetched %d issues, want at least 1000", changed.fetched())
		}
		changed.report(b, "changed1k", changed.fetched())
		if base != nil {
			base.syncAndCompare(b, sim, bin, cfg, "changed1k")
		}
	}
}

// BenchmarkSyncInProcess200k runs `baton sync --once` inside the test binary
// against simulators in their own process, for CPU and memory profiles of
// baton alone:
//
//	go test -run '^$' -bench SyncInProcess200k -benchtime 1x -cpuprofile cpu.out ./cmd/baton/
func BenchmarkSyncInProcess200k(b *testing.B) {
	sim := startBenchSim(b, buildBenchBaton(b), 200_000)
	b.ResetTimer()
	for range b.N {
		cfg := sim.config(b, filepath.Join(b.TempDir(), "baton.db"))
		if code := run([]string{"--config", cfg, "--log-level", "warn", "sync", "--once"}); code != exitOK {
			b.Fatalf("baton sync --once exited %d", code)
		}
	}
	b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "issues/s")
}

func buildBenchBaton(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "baton")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("building baton: %v\n%s", err, out)
	}
	return bin
}

// benchSim is a running `baton sim`.
type benchSim struct {
	dir, configOut     string
	githubURL, jiraURL string
	pid                int
}

// startBenchSim starts `baton sim` with the benchmark organisation's shape and
// waits until it prints its URLs; it is interrupted when the benchmark ends.
func startBenchSim(b *testing.B, bin string, size int) *benchSim {
	b.Helper()
	s := &benchSim{dir: b.TempDir()}
	s.configOut = filepath.Join(s.dir, "sim.yaml")
	cmd := exec.Command(bin, "--log-level", "warn", "sim", "--size", strconv.Itoa(size), "--repos", "20",
		"--projects", "4", "--github-quota", "10000000", "--config-out", s.configOut)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting baton sim: %v", err)
	}
	s.pid = cmd.Process.Pid
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for s.githubURL == "" || s.jiraURL == "" {
		if !sc.Scan() {
			b.Fatalf("baton sim ended before printing its URLs: %v", sc.Err())
		}
		if u, ok := strings.CutPrefix(sc.Text(), "github "); ok {
			s.githubURL = strings.TrimSuffix(u, "/")
		}
		if u, ok := strings.CutPrefix(sc.Text(), "jira "); ok {
			s.jiraURL = u
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return s
}

// config writes the simulators' baton config with its store at db.
func (s *benchSim) config(b *testing.B, db string) string {
	b.Helper()
	data, err := os.ReadFile(s.configOut)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(db), "baton.yaml")
	data = fmt.Appendf(data, "storage:\n  path: %s\n", db)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchRun is what one `baton sync --once` process did.
type benchRun struct {
	wall          time.Duration
	rounds        []benchRound
	cpu, simCPU   time.Duration // user+system time of baton and of the simulators
	peakRSS       int64         // KiB, whole process
	syncRSS       int64         // KiB, high-water mark when the last round was logged
	githubCounts  benchGitHubStats
	jiraRequests  int
	githubQuota   int
	totalRequests int
	// kept says the counts printed were the saved summary's, the store
	// not loaded (daemon.AnalyzeOnce); printed is what was printed.
	kept    bool
	printed string
}

// benchRound is the engine's "sync round" log line.
type benchRound struct {
	Msg      string        `json:"msg"`
	Source   string        `json:"source"`
	Fetched  int           `json:"fetched"`
	Requests int           `json:"requests"`
	Duration time.Duration `json:"duration"`
}

type benchGitHubStats struct {
	Requests  map[string]int `json:"requests"`
	QuotaUsed int            `json:"quota_used"`
}

// measure runs `baton sync --once` as its own process and collects its
// time, peak RSS, round log lines and the requests the simulators saw.
func (s *benchSim) measure(b *testing.B, bin, cfg string) benchRun {
	b.Helper()
	s.post(b, s.githubURL+"/_sim/stats/reset", nil)
	jira0 := s.jiraRequests(b)
	simCPU0 := cpuTime(s.pid)
	cmd := exec.Command(bin, "--config", cfg, "--log-format", "json", "sync", "--once")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting baton sync: %v", err)
	}
	var r benchRun
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var l benchRound
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if strings.HasPrefix(l.Msg, "nothing the analysis reads changed") {
			r.kept = true
		}
		if l.Msg != "sync round" {
			continue
		}
		r.rounds = append(r.rounds, l)
		if len(r.rounds) == 2 {
			r.syncRSS = procStatus(cmd.Process.Pid, "VmHWM:")
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("baton sync --once: %v\n%s", err, stdout.Bytes())
	}
	r.wall = time.Since(start)
	r.printed = strings.TrimSpace(stdout.String())
	r.peakRSS = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.simCPU = cpuTime(s.pid) - simCPU0
	s.get(b, s.githubURL+"/_sim/stats", &r.githubCounts)
	r.jiraRequests = s.jiraRequests(b) - jira0
	r.githubQuota = r.githubCounts.QuotaUsed
	r.totalRequests = r.jiraRequests
	for _, n := range r.githubCounts.Requests {
		r.totalRequests += n
	}
	return r
}

// procStatus is a "kB" field of /proc/pid/status (VmHWM: the peak resident
// set so far, VmRSS: the current one), 0 when it cannot be read.
func procStatus(pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the user and system time a running process has used so far
// (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s), or 0 when
// it cannot be read.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	_, rest, _ := strings.Cut(string(data), ") ") // the command name may hold spaces
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func (r benchRun) fetched() int {
	n := 0
	for _, l := range r.rounds {
		n += l.Fetched
	}
	return n
}

// syncPhase is the longest source round: sources sync in parallel.
func (r benchRun) syncPhase() time.Duration {
	var d time.Duration
	for _, l := range r.rounds {
		d = max(d, l.Duration)
	}
	return d
}

func (r benchRun) report(b *testing.B, phase string, issues int) {
	b.Helper()
	b.ReportMetric(r.wall.Seconds(), phase+"_s")
	b.ReportMetric(r.syncPhase().Seconds(), phase+"_sync_s")
	b.ReportMetric(float64(issues), phase+"_issues")
	if issues > 0 {
		b.ReportMetric(float64(issues)/r.wall.Seconds(), phase+"_issues/s")
	}
	b.ReportMetric(float64(r.totalRequests), phase+"_requests")
	b.ReportMetric(float64(r.githubQuota), phase+"_gh_quota")
	for route, n := range r.githubCounts.Requests {
		b.ReportMetric(float64(n), phase+"_gh_"+routeMetric(route))
	}
	b.ReportMetric(r.cpu.Seconds(), phase+"_cpu_s")
	b.ReportMetric(r.simCPU.Seconds(), phase+"_sim_cpu_s")
	b.ReportMetric(float64(r.peakRSS)/1024, phase+"_peak_rss_MB")
	b.ReportMetric(float64(r.syncRSS)/1024, phase+"_sync_rss_MB")
	if r.kept {
		b.ReportMetric(1, phase+"_kept")
	}
	b.Logf("%s: printed %q, the saved counts: %v", phase, r.printed, r.kept)
	for _, l := range r.rounds {
		b.Logf("%s: source %s fetched %d in %v with %d requests", phase, l.Source, l.Fetched, l.Duration, l.Requests)
	}
	b.Logf("%s: baton used %v of CPU, the simulators %v", phase, r.cpu.Round(time.Millisecond), r.simCPU.Round(10*time.Millisecond))
	b.Logf("%s: process %v, peak RSS %d MB (%d MB when the sync ended), github requests %v, quota %d, jira requests %d",
		phase, r.wall.Round(time.Millisecond), r.peakRSS/1024, r.syncRSS/1024, r.githubCounts.Requests, r.githubQuota, r.jiraRequests)
}

// routeMetric names a simulator route as a benchmark unit, which may not
// hold spaces: "GET /repos/{owner}/{repo}/issues/{number}/timeline" is
// "repos_issues_n_timeline".
func routeMetric(route string) string {
	_, path, _ := strings.Cut(route, " ")
	var parts []string
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		switch {
		case seg == "{number}":
			parts = append(parts, "n")
		case !strings.HasPrefix(seg, "{"):
			parts = append(parts, seg)
		}
	}
	return strings.Join(parts, "_")
}

// change1000 touches 500 GitHub issues (25 in each of the 20 repositories,
// pull requests skipped) and 500 Jira issues (125 in each of the 4
// projects), after moving Jira's clock on a minute.
func (s *benchSim) change1000(b *testing.B) {
	b.Helper()
	cfg, token := s.loadConfig(b)
	jira := []map[string]string{{"op": "advance", "duration": "1m"}}
	for _, t := range cfg.Teams {
		for _, repo := range t.GitHubRepos {
			for _, n := range s.issueNumbers(b, repo, token, 25) {
				s.post(b, s.githubURL+"/_sim/mutate", map[string]any{"op": "touch", "repo": repo, "number": n})
			}
		}
		for _, p := range t.JiraProjects {
			for n := 1; n <= 125; n++ {
				jira = append(jira, map[string]string{"op": "touch", "key": fmt.Sprintf("%s-%d", p, n)})
			}
		}
	}
	s.post(b, s.jiraURL+"/_sim/mutate", jira)
}

// loadConfig loads the simulators' configuration and returns it with the
// GitHub token in it.
func (s *benchSim) loadConfig(b *testing.B) (*config.Config, string) {
	b.Helper()
	cfg, err := config.Load(s.configOut)
	if err != nil {
		b.Fatal(err)
	}
	var token string
	for _, src := range cfg.Sources {
		if src.Type == "github" {
			token = src.Token.Reveal()
		}
	}
	return cfg, token
}

// issueNumbers lists the first n issue numbers (not pull requests) of repo.
func (s *benchSim) issueNumbers(b *testing.B, repo, token string, n int) []int {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, s.githubURL+"/repos/"+repo+"/issues?state=all&per_page=100", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	var items []struct {
		Number      int             `json:"number"`
		PullRequest json.RawMessage `json:"pull_request"`
	}
	benchDo(b, req, &items)
	var out []int
	for _, it := range items {
		if it.PullRequest == nil && len(out) < n {
			out = append(out, it.Number)
		}
	}
	if len(out) < n {
		b.Fatalf("%s: first page has %d issues, want %d", repo, len(out), n)
	}
	return out
}

func (s *benchSim) jiraRequests(b *testing.B) int {
	b.Helper()
	var counts map[string]int
	s.get(b, s.jiraURL+"/_sim/requests", &counts)
	total := 0
	for _, n := range counts {
		total += n
	}
	return total
}

func (s *benchSim) get(b *testing.B, url string, out any) {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchDo(b, req, out)
}

func (s *benchSim) post(b *testing.B, url string, body any) {
	b.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		b.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	benchDo(b, req, nil)
}

// benchDo sends req and decodes a 2xx JSON answer into out (when not nil).
func benchDo(b *testing.B, req *http.Request, out any) {
	b.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode/100 != 2 {
		b.Fatalf("%s %s: %s %v: %s", req.Method, req.URL, resp.Status, err, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			b.Fatalf("%s %s: decoding: %v", req.Method, req.URL, err)
		}
	}
}
