package sync

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/batonhq/baton/model"
)

// rereadHolders reads again, through their sources, the stored issues that
// declared links to the deleted issues, which listing b is about to delete,
// so that their links are as the tracker left them: those of b's own source
// join b and are committed in its transaction, those of other sources are
// committed first. A failure fails the batch, deletions included, so the next
// listing tries again. Sources that cannot reread keep their holders, whose
// links to the deleted issues the store drops.
func (e *Engine) rereadHolders(ctx context.Context, name string, b *model.Batch, deleted []string, st *roundStats) error {
	holders, err := e.Store.Holders(ctx, deleted)
	if err != nil {
		return err
	}
	for _, src := range slices.Sorted(maps.Keys(holders)) {
		r, ok := e.source(src).(Rereader)
		if !ok {
			continue
		}
		issues, err := r.Reread(ctx, holders[src])
		if err != nil {
			return fmt.Errorf("reading again the issues of %s that link to deleted ones: %w", src, err)
		}
		if src == name {
			b.Issues = append(b.Issues, issues...)
			continue
		}
		if err := e.commit(ctx, src, model.Batch{Issues: issues}, st); err != nil {
			return err
		}
	}
	return nil
}

// source is the registered source called name, or nil.
func (e *Engine) source(name string) Source {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	if i := e.indexLocked(name); i >= 0 {
		return e.runners[i].src
	}
	return nil
}
