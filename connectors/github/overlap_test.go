package github

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The last page of this listing starts inside the overlap, so its ETag
// cannot stand for the next round's listing; and three items sit in the
// overlap, which every later listing returns again.
func TestIssuesInTheOverlapAreNotReadAgainAndAnUnchangedRepositoryStaysFree(t *testing.T) {
	e := newEnv(t, []string{"acme/core"}) // overlap 2m
	e.addRepo(t, "acme/core", 102)        // #100 (a pull request), #101 and #102 within 2m of t0
	e.mustSync(t)

	e.sim.ResetStats()
	bs := e.mustSync(t)
	if st := e.sim.Stats(); st.QuotaUsed != 0 || st.NotModified != 1 || len(bs) != 0 {
		t.Errorf("unchanged re-poll: quota %d, %d not modified, %d batches; want 0, 1, 0", st.QuotaUsed, st.NotModified, len(bs))
	}

	e.sim.Advance(time.Hour)
	must(t, e.sim.Touch(ref("acme/core", 3)))
	e.sim.ResetStats()
	bs = e.mustSync(t)
	if diff := cmp.Diff([]string{"github:acme/core#3"}, emittedKeys(bs)); diff != "" {
		t.Errorf("emitted after one change (-want +got):\n%s", diff)
	}
	if st := e.sim.Stats(); st.QuotaUsed != 1 {
		t.Errorf("sync of one change used %d quota, want 1 (the listing)", st.QuotaUsed)
	}

	e.checkRepollIsFree(t, "the change")
}

// baton sync --once starts a new process each time: the organisation's
// listing must be conditional from the saved cursors, not only from memory.
func TestOrgListingIsConditionalInANewProcess(t *testing.T) {
	e := newEnv(t, []string{"acme/*"})
	e.addRepo(t, "acme/core", 5)
	e.addRepo(t, "acme/web", 5)
	e.mustSync(t)

	e.src.orgs = map[string]orgListing{} // what a new process knows
	e.sim.ResetStats()
	bs := e.mustSync(t)
	if st := e.sim.Stats(); st.QuotaUsed != 0 || st.NotModified != 3 || len(bs) != 0 {
		t.Errorf("unchanged re-poll from a new process: quota %d, %d not modified, %d batches; want 0, 3, 0", st.QuotaUsed, st.NotModified, len(bs))
	}

	must(t, e.sim.AddRepo("acme", "docs"))
	e.src.orgs = map[string]orgListing{}
	e.sim.ResetStats()
	e.mustSync(t)
	want := orgListing{etag: e.src.orgs["acme"].etag, repos: []repoName{{"acme", "core"}, {"acme", "web"}, {"acme", "docs"}}}
	if got := parseOrgListing(e.store.cursors[orgScope("acme")]); !cmp.Equal(got, want, cmp.AllowUnexported(orgListing{}, repoName{})) {
		t.Errorf("saved listing after a new repository: %+v, want %+v", got, want)
	}
	if e.sim.Stats().QuotaUsed != 2 {
		t.Errorf("listing a changed org used %d quota, want 2 (the org and the new repository)", e.sim.Stats().QuotaUsed)
	}
}
