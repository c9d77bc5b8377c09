//go:build !unix

package analysis

import "time"

// cpuTime is not measured here; the benchmark then reports only the clock.
func cpuTime() (time.Duration, bool) { return 0, false }
