package daemon

import (
	"os"
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
