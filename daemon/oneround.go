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
// process holds only to exit. At 50 it runs two or three more times over
// those records, 0.1-0.3 CPU-s, and the peak is 20-25 MB lower
// (docs/benchmarks.md, "Memory during the sync").
const finalGCPercent = 50

// paceFinalAnalysis sets finalGCPercent and returns what puts the previous
// GOGC back.
func paceFinalAnalysis() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	previous := debug.SetGCPercent(finalGCPercent)
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
