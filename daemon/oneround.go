package daemon

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// finalGCPercent is the collector's GOGC for the analysis that ends a
// one-round process (`baton sync --once`), unless GOGC is set. That
// analysis is the process' peak: at 200,000 issues the store loads as
// about 110 MB of live records, and at the default of 100 the collector
// lets the heap grow to twice what was live before it runs again, RSS the
// process holds only to exit. The 200k benchmark organisation's full sync
// peaked at 193.6-200.3 MB at 35 (five runs), 188.3-198.3 at 20 until the
// final review's commits, then 196.7-201.8 at 20 and 187.6-197.5 at 10
// (five runs each), for 0.1-0.3 CPU-s more of collection over those records
// (docs/benchmarks.md, "Memory during the sync").
const finalGCPercent = 10

// syncGCPercent is the collector's GOGC while a one-round process syncs,
// unless GOGC is set, once what is live sets a heap goal above
// oneRoundHeapFloor. The sync keeps little live (pages in flight, cursors:
// 20-49 MB at 200,000 issues) and allocates about 1.7 GB; at the default
// of 100 a full sync collected 81 times, at 150 alone 45-50 times
// (docs/benchmarks.md, "Memory during the sync").
const syncGCPercent = 150

// oneRoundHeapFloor is the heap goal a one-round process keeps at least,
// in its sync and in its final load: below it the collector waits for the
// heap to reach it rather than for GOGC percent more than is live, which
// in the sync reclaimed 30-60 MB a collection. At 200,000 issues a full
// sync collected 26-27 times instead of 46-50 and the final load 4 times
// instead of 4-5 (the 82 MB array of records no longer starts one of its
// own); the process' mark workers took 0.70-0.72 CPU-s instead of
// 0.85-0.89 (perf samples: gctrace's sums, 1.1-3.2 s, count the workers'
// wall time on a busy box), and the RSS when the sync ended and the peak
// stayed where they were (158-169 and 195-200 MiB against 158-167 and
// 195-199). A floor of 128 MB put the sync's RSS at 203 MiB. A floor
// rather than a memory limit: a limit caps the goal, so an organisation
// whose sync keeps more live (a million issues) would collect over and
// over near it, while above the floor GOGC paces as before. A memory limit
// (GOMEMLIMIT, or a container's) still caps it. A small organisation's
// one-shot sync may now hold up to this much heap before it collects.
const oneRoundHeapFloor = 100 << 20

// pace sets the collector's GOGC to percent, raised after each collection
// as far as it takes for the heap goal to reach oneRoundHeapFloor, unless
// the user set GOGC. It returns what stops the raising and puts the
// previous GOGC back.
func pace(percent int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	p := &floorPacer{floor: oneRoundHeapFloor, percent: percent}
	p.previous = debug.SetGCPercent(p.percentFor(latestCollection()))
	p.watch()
	return p.stop
}

// floorPacer sets GOGC after every collection so that the next heap goal
// is at least floor, and never below percent.
type floorPacer struct {
	floor    uint64
	percent  int
	mu       sync.Mutex // orders a collection's setting against stop
	stopped  bool
	previous int
}

// runtimeHeapMinimum is the runtime's least heap goal at GOGC 100; at any
// other GOGC it is GOGC percent of this (defaultHeapMinimum and
// setGCPercent in Go's runtime/mgcpacer.go).
const runtimeHeapMinimum = 4 << 20

// percentFor is the least GOGC that puts the heap goal after gc at floor
// or above, or percent if that is higher. The runtime's goal is what gc found live plus
// GOGC percent of that, of the goroutine stacks and of the globals, and at
// least GOGC percent of runtimeHeapMinimum: with less than that scanned,
// the GOGC that brings the first to the floor would put the second above
// it (1.7 GiB for a process with 0.2 MiB scanned), so GOGC stops where the
// second is the floor.
func (p *floorPacer) percentFor(gc collection) int {
	if gc.live >= p.floor {
		return p.percent
	}
	scanned := max(gc.scanned, 1)
	toFloor := ((p.floor-gc.live)*100 + scanned - 1) / scanned // rounded up
	return max(p.percent, int(min(toFloor, p.floor*100/runtimeHeapMinimum)))
}

// gcSentinel is garbage as soon as it is made; its cleanup tells the pacer
// a collection ran. The pointer keeps it out of the tiny allocator, whose
// blocks may never be freed.
type gcSentinel struct{ _ *byte }

// watch has collected called once after the next collection.
func (p *floorPacer) watch() {
	runtime.AddCleanup(&gcSentinel{}, (*floorPacer).collected, p)
}

// collected sets GOGC for what the collection left live and watches for the
// next one, until stop.
func (p *floorPacer) collected() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	debug.SetGCPercent(p.percentFor(latestCollection()))
	p.watch()
}

// stop ends the pacing and puts the previous GOGC back.
func (p *floorPacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	debug.SetGCPercent(p.previous)
}

// collection is what the latest collection found: the live heap, and that
// plus the stacks and globals it scanned.
type collection struct{ live, scanned uint64 }

func latestCollection() collection {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}
	metrics.Read(s)
	live := s[0].Value.Uint64()
	return collection{live: live, scanned: live + s[1].Value.Uint64() + s[2].Value.Uint64()}
}

// collectLoadGarbage collects between the final load and its analysis.
// The load leaves about as much garbage as it keeps (the driver's copies of
// the rows, the key index); collected now, the analysis allocates into it
// and the heap goal is set on what the load keeps, not on what was live
// partway through it. At 200,000 issues it marks about 115 MB once, about
// 0.1 CPU-s, for a peak 4-16 MB lower (docs/benchmarks.md).
func collectLoadGarbage() { runtime.GC() }

// releaseSync hands the memory a one-round process' sync freed back to the
// system before the final load. At 200,000 issues a full sync ends with
// about 25 MB live in a heap of over 100 MB; kept, its free pages stayed
// resident beside the load's (the full sync's peak was 20 MB above an
// unchanged re-sync's, 10 MB after this). It costs one collection of those
// 25 MB.
func releaseSync() { debug.FreeOSMemory() }
