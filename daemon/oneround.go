package daemon

import (
	"os"
	"runtime"
	"runtime/debug"
)

// finalGCPercent is the collector's GOGC for the analysis that ends a
// one-round process (`baton sync --once`), unless GOGC is set. That
// analysis is the process' peak: at 200,000 issues the store loads as
// about 110 MB of live records, and at the default of 100 the collector
// lets the heap grow to twice what was live before it runs again, RSS the
// process holds only to exit. At 35 an unchanged re-sync of the 200k
// benchmark organisation peaks 10-13 MB lower than at 50 (185-187 against
// 197-198 MB) for a few more collections over those records, about 50 ms
// of GC CPU (docs/benchmarks.md, "Memory during the sync").
const finalGCPercent = 35

// syncGCPercent is the collector's GOGC while a one-round process syncs,
// unless GOGC is set. The sync keeps little live (pages in flight,
// cursors) and allocates about 1.7 GB at 200,000 issues, so at the default
// of 100 a full sync collected 81 times, 1.9 CPU-s; at 150, 53 times,
// 1.1 CPU-s (one run each). Its heap (163-166 MB of RSS when the sync
// ends, 137 at 100) stays under the final analysis' peak, which is the process' peak
// (docs/benchmarks.md, "Memory during the sync").
const syncGCPercent = 150

// pace sets the collector's GOGC to percent, unless the user set GOGC, and
// returns what puts the previous value back.
func pace(percent int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	previous := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(previous) }
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
