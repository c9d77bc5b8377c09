package jira

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// TestRefetchReadsByKeyAndIdAndDeletesOnlyAConfirmedKey re-fetches, as
// webhooks name them, an issue by key, another by id (a link event), a
// deleted key and a deleted id: the two issues come converted as a sync
// converts them, the deleted key is Gone, the deleted id is skipped, no
// cursor moves, and each costs one GET, plus one search matching those
// read against the JQL (and Cloud's bulk changelog).
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
			b := testtool.RefetchOne(t, e.src, "jira:PAY-2", "jira:"+strconv.Itoa(byID.ID), "jira:PAY-4", "jira:"+strconv.Itoa(gone.ID))
			if len(b.Cursors) != 0 || b.Present != nil || !cmp.Equal(b.Gone, []string{"jira:PAY-4"}) || b.Left != nil {
				t.Errorf("cursors %v present %v gone %v left %v, want none, none, [jira:PAY-4], none", b.Cursors, b.Present, b.Gone, b.Left)
			}
			if len(b.Issues) != 2 {
				t.Fatalf("%d issues, want PAY-2 and PAY-3", len(b.Issues))
			}
			for _, is := range b.Issues {
				if diff := cmp.Diff(synced[is.Key], is); diff != "" {
					t.Errorf("%s re-fetched differs from synced (-sync +refetch):\n%s", is.Key, diff)
				}
			}
			if diff := cmp.Diff(refetchRequests(dep, 4, true), e.sim.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// refetchRequests are the requests a Refetch makes for gets GETs: one
// search matching the issues read against the JQL, and on Cloud, when some
// match, the bulk changelog.
func refetchRequests(dep string, gets int, matched bool) map[string]int {
	want := map[string]int{jirasim.EndpointIssue: gets, jirasim.EndpointSearch: 1}
	if dep == jirasim.Cloud {
		want = map[string]int{jirasim.EndpointIssue: gets, jirasim.EndpointSearchJQL: 1}
		if matched {
			want[jirasim.EndpointBulkChangelog] = 1
		}
	}
	return want
}

// TestRefetchStoresOnlyIssuesTheJQLMatches re-fetches, as a webhook
// registered without the source's JQL names them, an issue the JQL matches,
// one it never matched (another project) and one an edit moved out of it:
// only the first is emitted, as a sync emits it; the other two, which a full
// sync would not hold, go in Left (deleted, links to them kept), not Gone.
func TestRefetchStoresOnlyIssuesTheJQLMatches(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			// The simulator's clock is 16:00 in the account's zone: an edit
			// now moves an issue out of this JQL.
			e := newEnv(t, dep, jirasim.Options{}, func(src *config.Source) {
				src.Settings.(*Config).JQL = `project = PAY AND updated < "2026/11/26 16:00"`
			})
			e.mustSync()
			synced := e.emitted()
			if _, ok := synced["jira:PAY-3"]; !ok {
				t.Fatal("the sync did not store PAY-3")
			}
			if err := e.sim.Touch("PAY-3"); err != nil {
				t.Fatal(err)
			}
			e.sim.ResetRequests()
			got := testtool.RefetchOne(t, e.src, "jira:PAY-2", "jira:CORE-1", "jira:PAY-3")
			if len(got.Issues) != 1 || got.Issues[0].Key != "jira:PAY-2" {
				t.Fatalf("emitted %d issues, want PAY-2 alone", len(got.Issues))
			}
			if diff := cmp.Diff(synced["jira:PAY-2"], got.Issues[0]); diff != "" {
				t.Errorf("PAY-2 re-fetched differs from synced (-sync +refetch):\n%s", diff)
			}
			if got.Gone != nil || !cmp.Equal(got.Left, []string{"jira:CORE-1", "jira:PAY-3"}) {
				t.Errorf("gone %v left %v, want none, [jira:CORE-1 jira:PAY-3]", got.Gone, got.Left)
			}
			if diff := cmp.Diff(refetchRequests(dep, 3, true), e.sim.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefetchOfIssuesOutsideTheJQLReadsNoChangelog re-fetches only an
// issue the JQL does not match: it is Left, and Cloud reads no changelog.
func TestRefetchOfIssuesOutsideTheJQLReadsNoChangelog(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, func(src *config.Source) {
				src.Settings.(*Config).JQL = "project = PAY"
			})
			e.mustSync()
			e.sim.ResetRequests()
			got := testtool.RefetchOne(t, e.src, "jira:CORE-1")
			if got.Issues != nil || !cmp.Equal(got.Left, []string{"jira:CORE-1"}) {
				t.Errorf("emitted %d issues, left %v, want none, [jira:CORE-1]", len(got.Issues), got.Left)
			}
			if diff := cmp.Diff(refetchRequests(dep, 1, false), e.sim.Requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefetchRemovesNothingWhenTheJQLSearchFails fails the search that
// matches the issues read against the JQL: the re-fetch fails and emits
// nothing, neither the issue nor the confirmed 404, for the next hint or
// round to try again.
func TestRefetchRemovesNothingWhenTheJQLSearchFails(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			if err := e.sim.Delete("PAY-4"); err != nil {
				t.Fatal(err)
			}
			endpoint := jirasim.EndpointSearch
			if dep == jirasim.Cloud {
				endpoint = jirasim.EndpointSearchJQL
			}
			e.sim.InjectFault(jirasim.Fault{Endpoint: endpoint, Status: 400})
			emitted := 0
			err := e.src.Refetch(context.Background(), []string{"jira:PAY-2", "jira:PAY-4"}, func(context.Context, model.Batch) error {
				emitted++
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), "against the source's jql") || emitted != 0 {
				t.Errorf("err %v after %d batches, want the search's error and none", err, emitted)
			}
		})
	}
}

// closeCounter is a transport that counts the response bodies it hands out
// and those closed.
type closeCounter struct {
	opened, closed atomic.Int32
}

func (c *closeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		c.opened.Add(1)
		resp.Body = countedBody{resp.Body, c}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	c *closeCounter
}

func (b countedBody) Close() error {
	b.c.closed.Add(1)
	return b.ReadCloser.Close()
}

// TestRefetchClosesTheBodyOfA404 re-fetches a deleted key, which Jira
// answers 404: that answer's body is closed like every other, so its
// connection goes back to the pool rather than waiting out the deadline.
func TestRefetchClosesTheBodyOfA404(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			if err := e.sim.Delete("PAY-4"); err != nil {
				t.Fatal(err)
			}
			bodies := &closeCounter{}
			opts := e.opts
			opts.Transport = bodies
			src, err := New(e.cfg, opts)
			if err != nil {
				t.Fatal(err)
			}
			b := testtool.RefetchOne(t, src, "jira:PAY-4")
			if !cmp.Equal(b.Gone, []string{"jira:PAY-4"}) {
				t.Fatalf("gone %v, want [jira:PAY-4]", b.Gone)
			}
			if opened, closed := bodies.opened.Load(), bodies.closed.Load(); opened == 0 || closed != opened {
				t.Errorf("%d of %d response bodies closed, want all", closed, opened)
			}
		})
	}
}
