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

func TestPaceSetsGOGCUntilRestoredUnlessGOGCIsSet(t *testing.T) {
	before := gcPercent()
	t.Setenv("GOGC", "") // restored after the test
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	for _, percent := range []int{finalGCPercent, syncGCPercent} {
		restore := pace(percent)
		if got := gcPercent(); got != percent {
			t.Errorf("GOGC while paced at %d = %d", percent, got)
		}
		restore()
		if got := gcPercent(); got != before {
			t.Errorf("GOGC after pacing at %d = %d, want %d as before", percent, got, before)
		}
	}

	t.Setenv("GOGC", "200")
	restore := pace(finalGCPercent)
	if got := gcPercent(); got != before {
		t.Errorf("GOGC with GOGC set = %d, want %d untouched", got, before)
	}
	restore()
}
