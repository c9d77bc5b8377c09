package sync

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

func TestDeletionGuardWithholdsOnlyMassDeletions(t *testing.T) {
	g := DefaultDeletionGuard
	for _, tc := range []struct {
		missing, stored int
		want            bool
	}{
		{0, 0, false},
		{0, 1000, false},
		{1, 1, true},       // all of them
		{3, 3, true},       // all of them, however few
		{2, 3, false},      // most, but few
		{51, 200, true},    // over 20% and over 50
		{50, 200, false},   // 25%, but not over 50
		{200, 1000, false}, // over 50, but 20% exactly
		{201, 1000, true},
	} {
		if got := g.withholds(tc.missing, tc.stored); got != tc.want {
			t.Errorf("withholds(%d of %d) = %v, want %v", tc.missing, tc.stored, got, tc.want)
		}
	}
}

// reconcilingSource emits, on its n-th Sync, a reconcile listing the keys
// of lists[n] (the last one once past the end).
type reconcilingSource struct {
	lists [][]string
	calls int
}

func (r *reconcilingSource) Name() string { return "s" }

func (r *reconcilingSource) Sync(ctx context.Context, _ map[string]string, emit func(context.Context, model.Batch) error) error {
	keys := r.lists[min(r.calls, len(r.lists)-1)]
	r.calls++
	return emit(ctx, model.Batch{Present: &model.KeySet{Prefix: "jira:", Keys: keys}})
}

// keys returns jira:K-from … jira:K-(to-1).
func keys(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("jira:K-%d", i))
	}
	return out
}

// guarded is an engine over a store holding the issues jira:K-0 … K-99 of
// source s, and the source that will reconcile them.
func guarded(t *testing.T, lists ...[]string) (*Engine, *roundsObserver) {
	t.Helper()
	st := newStore(t)
	var b model.Batch
	b.Source = "s"
	for _, k := range keys(0, 100) {
		b.Issues = append(b.Issues, issue("s", k, t0))
	}
	if _, err := st.ApplyBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	obs := newRoundsObserver()
	e := &Engine{Logger: quiet, Store: st, Observer: obs}
	e.SetDeletionGuard("s", DeletionGuard{Percent: 20, Issues: 10})
	e.Add(&reconcilingSource{lists: lists}, time.Minute, nil)
	return e, obs
}

// reconcile runs a round and returns the stored count and the withheld
// deletions as Status and the Observer report them.
func reconcile(t *testing.T, e *Engine, obs *roundsObserver) (stored, status, observed int) {
	t.Helper()
	if failed := e.RunOnce(context.Background(), 1); len(failed) > 0 {
		t.Fatalf("RunOnce: %v", failed)
	}
	return storedCount(t, e.Store, "s"), e.Status()["s"].WithheldDeletions, obs.withheld["s"]
}

func TestAZeroKeyReconcileWithholdsDeletionsUntilTheNextAgrees(t *testing.T) {
	e, obs := guarded(t, nil)
	if stored, status, observed := reconcile(t, e, obs); stored != 100 || status != 100 || observed != 100 {
		t.Fatalf("after a reconcile listing nothing: %d stored, %d withheld by status, %d observed; want 100 kept and 100 withheld", stored, status, observed)
	}
	if stored, status, observed := reconcile(t, e, obs); stored != 0 || status != 0 || observed != 0 {
		t.Errorf("after a second agreeing reconcile: %d stored, %d withheld by status, %d observed; want all deleted, none withheld", stored, status, observed)
	}
}

func TestAWithheldDeletionIsDroppedWhenTheNextReconcileListsTheIssuesAgain(t *testing.T) {
	e, obs := guarded(t, nil, keys(0, 100), nil)
	reconcile(t, e, obs)
	if stored, status, observed := reconcile(t, e, obs); stored != 100 || status != 0 || observed != 0 {
		t.Fatalf("after the issues were listed again: %d stored, %d withheld by status, %d observed; want 100 kept, none withheld", stored, status, observed)
	}
	if stored, status, _ := reconcile(t, e, obs); stored != 100 || status != 100 {
		t.Errorf("an empty listing after a full one: %d stored, %d withheld; want it withheld afresh", stored, status)
	}
}

func TestTheNextReconcileDeletesWhatItAgreesOnAndWithholdsWhatIsNew(t *testing.T) {
	e, obs := guarded(t, keys(40, 100), keys(60, 100))
	if stored, status, _ := reconcile(t, e, obs); stored != 100 || status != 40 {
		t.Fatalf("40 of 100 missing: %d stored, %d withheld; want 100 kept, 40 withheld", stored, status)
	}
	if stored, status, observed := reconcile(t, e, obs); stored != 60 || status != 20 || observed != 20 {
		t.Errorf("the 40 missing again and 20 more: %d stored, %d withheld by status, %d observed; want the 40 deleted, the 20 new ones withheld", stored, status, observed)
	}
}

func TestASmallDeletionAppliesAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		listed []string
	}{
		{"10% of the issues", keys(10, 100)},
		{"20% exactly", keys(20, 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, obs := guarded(t, tc.listed)
			if stored, status, observed := reconcile(t, e, obs); stored != len(tc.listed) || status != 0 || observed != 0 {
				t.Errorf("%d stored, %d withheld by status, %d observed; want %d stored, none withheld", stored, status, observed, len(tc.listed))
			}
		})
	}
}
