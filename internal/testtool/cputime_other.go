//go:build !unix

package testtool

import "time"

// CPUTime is not measured here; the benchmark then reports only the clock.
func CPUTime() (time.Duration, bool) { return 0, false }
