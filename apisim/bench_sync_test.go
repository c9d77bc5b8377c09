package apisim

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/testtool"
)

// BenchmarkServeSync200k serves the benchmark organisation from this test
// process, as `baton sim` does, to a full `baton sync --once` run as its own
// process, so that the test's CPU and memory are the simulators' alone:
//
//	go test -run '^$' -bench ServeSync200k -benchtime 1x -timeout 20m -cpuprofile cpu.out ./apisim/
//	go tool pprof -top -focus ServeHTTP apisim.test cpu.out
//
// sim_cpu_s is the simulators' user and system time during the sync (the
// organisation's generation is not in it, but is in a -cpuprofile),
// unchanged_sim_cpu_s theirs during a second sync that finds nothing new, and
// heap_MB the heap they hold after it, peak_rss_MB the process' high-water
// mark (generation included).
func BenchmarkServeSync200k(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "baton")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/baton").CombinedOutput(); err != nil {
		b.Fatalf("building baton: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "sim.yaml")
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServeOptions{Spec: BenchmarkSpec(), GitHubAddr: "127.0.0.1:0", JiraAddr: "127.0.0.1:0",
			ConfigFile: cfg, Ready: func(*Org, string, string) { close(ready) }})
	}()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("serving the simulators: %v", err)
	}
	var cpu, unchanged time.Duration
	b.ResetTimer()
	for i := range b.N {
		conf := filepath.Join(dir, "baton.yaml")
		data, err := os.ReadFile(cfg)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, "storage:\n  path: "+filepath.Join(dir, "baton"+string(rune('a'+i%26))+".db")+"\n"...)
		if err := os.WriteFile(conf, data, 0o600); err != nil {
			b.Fatal(err)
		}
		cpu += syncOnce(b, bin, conf)
		unchanged += syncOnce(b, bin, conf)
	}
	b.StopTimer()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "sim_cpu_s")
	b.ReportMetric(unchanged.Seconds()/float64(b.N), "unchanged_sim_cpu_s")
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap_MB")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak_rss_MB")
	}
}

// syncOnce runs `baton sync --once` with conf and returns the CPU this
// process used meanwhile.
func syncOnce(b *testing.B, bin, conf string) time.Duration {
	b.Helper()
	before, _ := testtool.CPUTime()
	if out, err := exec.Command(bin, "--config", conf, "--log-level", "warn", "sync", "--once").CombinedOutput(); err != nil {
		b.Fatalf("baton sync --once: %v\n%s", err, out)
	}
	after, _ := testtool.CPUTime()
	return after - before
}
