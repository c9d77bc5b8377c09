package daemon

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent is the collector's GOGC now.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestFinalAnalysisCollectsAtFinalGCPercentUnlessGOGCIsSet(t *testing.T) {
	before := gcPercent()
	t.Setenv("GOGC", "") // restored after the test
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	restore := paceFinalAnalysis()
	if got := gcPercent(); got != finalGCPercent {
		t.Errorf("GOGC during the final analysis = %d, want %d", got, finalGCPercent)
	}
	restore()
	if got := gcPercent(); got != before {
		t.Errorf("GOGC after the final analysis = %d, want %d as before", got, before)
	}

	t.Setenv("GOGC", "200")
	restore = paceFinalAnalysis()
	if got := gcPercent(); got != before {
		t.Errorf("GOGC with GOGC set = %d, want %d untouched", got, before)
	}
	restore()
}
