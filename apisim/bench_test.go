package apisim

import (
	"runtime"
	"testing"
)

// BenchmarkGenerate200k generates the benchmark organisation (200,000 issues,
// half GitHub over 20 repositories, half Jira over 4 projects) and reports the
// heap it keeps: go test -run '^$' -bench Generate200k -benchtime 1x ./apisim/
func BenchmarkGenerate200k(b *testing.B) {
	spec := BenchmarkSpec()
	spec.Now = t0
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		o, err := Generate(spec)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(o)
		b.StartTimer()
	}
	heap := float64(after.HeapInuse) - float64(before.HeapInuse)
	b.ReportMetric(heap/float64(spec.Issues), "heap-bytes/issue")
	b.ReportMetric(heap/(1<<20), "heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "alloc-MB")
}
