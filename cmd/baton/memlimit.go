package main

import (
	"log/slog"
	"math"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// limitMemory sets the Go runtime's soft memory limit to 90% of what
// container reports (memlimit.FromCgroup: the cgroup's memory.max), so that
// the garbage collector works harder as the heap nears the container's
// limit instead of the kernel killing the process. GOMEMLIMIT, when set,
// wins; AUTOMEMLIMIT sets another ratio, or "off".
func limitMemory(log *slog.Logger, container memlimit.Provider) {
	limit, err := memlimit.Set(memlimit.WithProvider(container))
	switch {
	case err != nil:
		log.Debug("no container memory limit to follow", "err", err)
	case limit < math.MaxInt64:
		log.Info("go memory limit", "gomemlimit_mib", limit>>20)
	}
}
