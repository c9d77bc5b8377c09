package sync

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// rereadingSource is a source whose issues link to another source's; it
// lists nothing and records which of its issues it is asked to read again.
type rereadingSource struct{ reread [][]string }

func (r *rereadingSource) Name() string { return "gh" }

func (r *rereadingSource) Sync(context.Context, map[string]string, func(context.Context, model.Batch) error) error {
	return nil
}

func (r *rereadingSource) Reread(_ context.Context, keys []string) ([]model.Issue, error) {
	r.reread = append(r.reread, keys)
	var out []model.Issue
	for _, k := range keys {
		out = append(out, issue("gh", k, t0.Add(time.Hour)))
	}
	return out, nil
}

// TestAReconcileRereadsTheHoldersOfLinksToWhatItDeletesAndOnlyThen: a
// reconcile that deletes nothing asks no source to read anything again; one
// that deletes an issue has the issue of another source linking to it read
// again.
func TestAReconcileRereadsTheHoldersOfLinksToWhatItDeletesAndOnlyThen(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	if _, err := st.ApplyBatch(ctx, model.Batch{Source: "s", Issues: []model.Issue{
		issue("s", "jira:K-0", t0), issue("s", "jira:K-1", t0), issue("s", "jira:K-2", t0),
	}}); err != nil {
		t.Fatal(err)
	}
	holder := issue("gh", "github:acme/core#1", t0)
	holder.Links = []model.Link{{From: holder.Key, To: "jira:K-1", Type: model.Blocks, Origin: model.OriginGitHubDependency}}
	if _, err := st.ApplyBatch(ctx, model.Batch{Source: "gh", Issues: []model.Issue{holder}}); err != nil {
		t.Fatal(err)
	}
	gh := &rereadingSource{}
	e := &Engine{Logger: quiet, Store: st}
	e.Add(&reconcilingSource{lists: [][]string{keys(0, 3), {"jira:K-0", "jira:K-2"}}}, time.Minute, nil)
	e.Add(gh, time.Minute, nil)

	for round, want := range [][][]string{nil, {{"github:acme/core#1"}}} {
		if failed := e.RunOnce(ctx, 1); len(failed) > 0 {
			t.Fatalf("round %d: RunOnce: %v", round, failed)
		}
		if diff := cmp.Diff(want, gh.reread); diff != "" {
			t.Errorf("round %d: issues read again (-want +got):\n%s", round, diff)
		}
	}
	if n := storedCount(t, st, "s"); n != 2 {
		t.Errorf("stored issues of s = %d, want 2", n)
	}
}
