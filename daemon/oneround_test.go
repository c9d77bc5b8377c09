package daemon

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// gcPercent is the collector's GOGC now.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// heapGoal is the heap size the collector paces the current cycle to.
func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// unsetGOGC runs the test as if the user had not set GOGC.
func unsetGOGC(t *testing.T) {
	t.Helper()
	t.Setenv("GOGC", "") // restored after the test
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
}

func TestPaceKeepsTheHeapGoalAtTheFloorUntilRestoredUnlessGOGCIsSet(t *testing.T) {
	before := gcPercent()
	unsetGOGC(t)
	for _, percent := range []int{finalGCPercent, syncGCPercent} {
		restore := pace(percent)
		if got := gcPercent(); got < percent {
			t.Errorf("GOGC while paced at %d = %d, want at least %d", percent, got, percent)
		}
		if got := heapGoal(); got < oneRoundHeapFloor {
			t.Errorf("heap goal while paced at %d = %d MiB, want at least the floor, %d MiB", percent, got>>20, oneRoundHeapFloor>>20)
		}
		if got := heapGoal(); gcPercent() > percent && got > oneRoundHeapFloor+oneRoundHeapFloor/100 {
			t.Errorf("heap goal while paced at %d, GOGC raised to %d = %.1f MiB, want the floor, %d MiB", percent, gcPercent(), float64(got)/(1<<20), oneRoundHeapFloor>>20)
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

func TestPaceLeavesTheMemoryLimitToCapTheHeapGoal(t *testing.T) {
	unsetGOGC(t)
	previous := debug.SetMemoryLimit(64 << 20) // as GOMEMLIMIT=64MiB would
	t.Cleanup(func() { debug.SetMemoryLimit(previous) })
	restore := pace(syncGCPercent)
	defer restore()
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("memory limit while paced = %d MiB, want 64 MiB untouched", got>>20)
	}
	if got := heapGoal(); got > 64<<20 {
		t.Errorf("heap goal with a 64 MiB limit = %d MiB, want the limit to cap the floor", got>>20)
	}
}

func TestFloorPacerRaisesGOGCOnlyBelowTheFloor(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name          string
		percent       int
		live, scanned uint64
		want          int
	}{
		{"little live: the goal is the floor", syncGCPercent, 10 * mib, 11 * mib, 819}, // 10 + 11 × 8.19 ≥ 100 MiB
		{"nothing live yet", syncGCPercent, 0, 0, 2500},                                // the runtime's minimum, 4 MiB × 25, is the floor
		{"less than 4 MiB scanned", syncGCPercent, 1 * mib, 2 * mib, 2500},             // not 4950: a minimum of 198 MiB
		{"percent reaches the floor by itself", syncGCPercent, 45 * mib, 46 * mib, syncGCPercent},
		{"just under the floor", finalGCPercent, 95 * mib, 96 * mib, finalGCPercent}, // 95 + 96 × 0.10 ≥ 100 MiB
		{"live above the floor", finalGCPercent, 114 * mib, 115 * mib, finalGCPercent},
	} {
		p := &floorPacer{floor: 100 * mib, percent: c.percent}
		got := p.percentFor(collection{live: c.live, scanned: c.scanned})
		if got != c.want {
			t.Errorf("%s: GOGC %d, want %d", c.name, got, c.want)
		}
		// The runtime's goal (see percentFor).
		goal := max(c.live+c.scanned*uint64(got)/100, runtimeHeapMinimum*uint64(got)/100)
		if goal < p.floor {
			t.Errorf("%s: goal %d bytes under the floor", c.name, goal)
		}
		if got > c.percent && goal > p.floor+p.floor/100 {
			t.Errorf("%s: GOGC raised to %d puts the goal at %d MiB, over the floor", c.name, got, goal>>20)
		}
	}
}

func TestFloorPacerSetsNothingAfterStop(t *testing.T) {
	before := gcPercent()
	p := &floorPacer{floor: 1 << 40, percent: syncGCPercent, previous: before}
	p.collected() // as after a collection
	if got := gcPercent(); got <= syncGCPercent {
		t.Errorf("GOGC after a collection under a 1 TiB floor = %d, want it raised", got)
	}
	p.stop()
	p.collected() // a collection's cleanup that ran after stop
	if got := gcPercent(); got != before {
		t.Errorf("GOGC after stop and a collection = %d, want %d as before", got, before)
	}
}
