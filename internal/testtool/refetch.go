package testtool

import (
	"context"
	"testing"

	"github.com/batonhq/baton/model"
)

// Refetcher is a connector that re-reads named issues, as sync.Refetcher.
type Refetcher interface {
	Refetch(ctx context.Context, keys []string, emit func(context.Context, model.Batch) error) error
}

// RefetchOne has r re-read keys and returns the one batch it emitted; an
// error or any other number of batches fails the test.
func RefetchOne(t testing.TB, r Refetcher, keys ...string) model.Batch {
	t.Helper()
	var got []model.Batch
	if err := r.Refetch(context.Background(), keys, func(_ context.Context, b model.Batch) error {
		got = append(got, b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d batches, want 1", len(got))
	}
	return got[0]
}
