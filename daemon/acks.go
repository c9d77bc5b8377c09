package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/store"
)

// expiredListed is how long ListAcks keeps an expired ack.
const expiredListed = 30 * 24 * time.Hour

var (
	// ErrNotInStore: the issue of an ack is not in the store.
	ErrNotInStore = errors.New("issue not in the store")
	// ErrNothingToAck: the issue of an ack has no finding (of its rule) now.
	ErrNothingToAck = errors.New("no finding to acknowledge")
)

// TakeAck records a after checking that its issue is in st and has findings
// to acknowledge in an analysis at now, whose severity and related issues it
// keeps; it returns how many findings it covers.
func TakeAck(ctx context.Context, st *store.Store, cfg *config.Config, a *model.Ack, now time.Time) (int, error) {
	if _, ok, err := st.Issue(ctx, a.Issue); err != nil {
		return 0, err
	} else if !ok {
		return 0, ErrNotInStore
	}
	r, err := AnalyseStored(ctx, st, cfg, now)
	if err != nil {
		return 0, err
	}
	var n int
	a.Severity, a.Related, n = analysis.Snapshot(r.All(), a.Issue, a.Rule)
	if n == 0 {
		return 0, ErrNothingToAck
	}
	if a.ID, err = st.AddAck(ctx, *a); err != nil {
		return 0, err
	}
	return n, nil
}

// ListAcks returns the acks not expired for longer than 30 days, each with
// its state in an analysis at now.
func ListAcks(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) ([]report.Ack, error) {
	acks, err := st.Acks(ctx, now.Add(-expiredListed))
	if err != nil {
		return nil, err
	}
	r, err := AnalyseStored(ctx, st, cfg, now)
	if err != nil {
		return nil, err
	}
	all := r.All()
	out := make([]report.Ack, len(acks))
	for i := range acks {
		out[i] = report.NewAck(acks[i], analysis.AckState(all, &acks[i], now))
	}
	return out, nil
}
