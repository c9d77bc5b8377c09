package jira

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// TestRefetchReadsByKeyAndIdAndDeletesOnlyAConfirmedKey re-fetches, as
// webhooks name them, an issue by key, another by id (a link event), a
// deleted key and a deleted id: the two issues come converted as a sync
// converts them, the deleted key is Gone, the deleted id is skipped, no
// cursor moves, and each costs one GET (plus Cloud's bulk changelog).
func TestRefetchReadsByKeyAndIdAndDeletesOnlyAConfirmedKey(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			e.mustSync()
			synced := e.emitted()
			e.batches = nil
			byID, ok := e.sim.Issue("PAY-3")
			if !ok {
				t.Fatal("no PAY-3")
			}
			gone, _ := e.sim.Issue("PAY-5")
			for _, k := range []string{"PAY-4", "PAY-5"} {
				if err := e.sim.Delete(k); err != nil {
					t.Fatal(err)
				}
			}
			e.sim.ResetRequests()
			keys := []string{"jira:PAY-2", "jira:" + strconv.Itoa(byID.ID), "jira:PAY-4", "jira:" + strconv.Itoa(gone.ID)}
			var got []model.Batch
			if err := e.src.Refetch(context.Background(), keys, func(_ context.Context, b model.Batch) error {
				got = append(got, b)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d batches, want 1", len(got))
			}
			b := got[0]
			if len(b.Cursors) != 0 || b.Present != nil || !cmp.Equal(b.Gone, []string{"jira:PAY-4"}) {
				t.Errorf("cursors %v present %v gone %v, want none, none, [jira:PAY-4]", b.Cursors, b.Present, b.Gone)
			}
			if len(b.Issues) != 2 {
				t.Fatalf("%d issues, want PAY-2 and PAY-3", len(b.Issues))
			}
			for _, is := range b.Issues {
				if diff := cmp.Diff(synced[is.Key], is); diff != "" {
					t.Errorf("%s re-fetched differs from synced (-sync +refetch):\n%s", is.Key, diff)
				}
			}
			want := map[string]int{jirasim.EndpointIssue: 4}
			if dep == jirasim.Cloud {
				want[jirasim.EndpointBulkChangelog] = 1
			}
			if diff := cmp.Diff(want, e.sim.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}
