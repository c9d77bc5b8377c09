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

	e.sim.ResetStats()
	if bs := e.mustSync(t); len(bs) != 0 || e.sim.Stats().QuotaUsed != 0 {
		t.Errorf("re-poll after the change: %d batches, %d quota; want none", len(bs), e.sim.Stats().QuotaUsed)
	}
}
