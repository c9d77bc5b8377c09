package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

func TestTheGoMemoryLimitFollowsTheContainerUnlessGOMEMLIMITIsSet(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	quiet := slog.New(slog.DiscardHandler)
	container := memlimit.Limit(1000 << 20)

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	limitMemory(quiet, container)
	if got, want := debug.SetMemoryLimit(-1), int64(900<<20); got != want {
		t.Errorf("with a 1000 MiB container: limit %d MiB, want %d MiB", got>>20, want>>20)
	}

	t.Setenv("GOMEMLIMIT", "300MiB") // as the runtime read it at start
	debug.SetMemoryLimit(300 << 20)
	limitMemory(quiet, container)
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("with GOMEMLIMIT=300MiB: limit %d MiB, want it kept", got>>20)
	}
}
