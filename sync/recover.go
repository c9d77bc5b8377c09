package sync

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/batonhq/baton/model"
)

// panicError is a round whose source panicked. Its stack was logged where it
// was recovered; the error says only what the panic said. It is permanent:
// the same data would panic again, so the round is not retried at once.
type panicError struct{ value any }

func (p panicError) Error() string   { return fmt.Sprintf("panic: %v", p.value) }
func (p panicError) Permanent() bool { return true }

// syncRecovering runs one Sync of r's source and turns a panic in it (the
// connector's or a commit's) into a failed round: one bad payload must not
// stop the daemon nor the other sources. The cursor stays at the last
// committed page, as with any failure.
func (e *Engine) syncRecovering(ctx context.Context, r *runner, cursors map[string]string, emit func(context.Context, model.Batch) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			e.logger().Error("sync round panicked", "source", r.src.Name(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = panicError{p}
		}
	}()
	return r.src.Sync(ctx, cursors, emit)
}
