package sync

import (
	"fmt"
	"runtime/debug"
)

// panicError is a call into a source that panicked. Its stack was logged
// where it was recovered; the error says only what the panic said. It is
// permanent: the same data would panic again, so the round is not retried at
// once.
type panicError struct{ value any }

func (p panicError) Error() string   { return fmt.Sprintf("panic: %v", p.value) }
func (p panicError) Permanent() bool { return true }

// recovering runs f, one call into the named source (a round's Sync, a
// webhook's Refetch), and turns a panic in it (the connector's or a
// commit's) into its failure: one bad payload must not stop the daemon nor
// the other sources. The cursor stays at the last committed page, as with
// any failure.
func (e *Engine) recovering(source, what string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			e.logger().Error(what+" panicked", "source", source, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = panicError{p}
		}
	}()
	return f()
}
