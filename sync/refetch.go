package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton/model"
)

// Refetcher is a Source that can read named issues of its own again and emit
// them with its normal conversion, for a webhook's hint that they changed.
// The batches it emits carry no cursors (a hint says nothing of where a
// listing stands) and list in Gone only the keys the API answered 404 or
// 410 for, and in Left only those a search confirmed the source's scope no
// longer matches: an issue is deleted only once the tracker confirms it.
type Refetcher interface {
	Refetch(ctx context.Context, keys []string, emit func(context.Context, model.Batch) error) error
}

// Refetch reads the given issues of the named source again through the same
// commit path and panic recovery as a round (deletion guard aside: a
// confirmed 404 is no mass deletion) and reports what it wrote to OnRound, so a re-fetch that wrote
// is analysed like a round that did. It fails for a source that is not
// registered or cannot re-fetch.
func (e *Engine) Refetch(ctx context.Context, source string, keys []string) (Round, error) {
	r, ok := e.source(source).(Refetcher)
	if !ok {
		return Round{}, fmt.Errorf("source %q cannot read issues again by key", source)
	}
	st := roundStats{started: time.Now()}
	err := e.recovering(source, "re-fetch", func() error {
		return r.Refetch(ctx, keys, func(ctx context.Context, b model.Batch) error {
			b.Cursors = nil
			return e.commit(ctx, source, b, &st)
		})
	})
	if err != nil {
		err = fmt.Errorf("reading %d issues of %s again: %w", len(keys), source, err)
	}
	round := Round{Source: source, Upserted: st.upserted, Deleted: st.deleted, Err: err}
	if e.OnRound != nil {
		e.OnRound(round)
	}
	return round, err
}
