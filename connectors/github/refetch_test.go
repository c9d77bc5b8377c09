package github

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// TestRefetchEmitsLiveIssuesAndOnlyConfirmedDeletions re-fetches, as
// webhooks name them, a live issue, a deleted one (410), a transferred one
// (a followed 301 to another key) and a pull request: one batch with the
// live issue and the deleted key in Gone, nothing for the other two, no
// cursor.
func TestRefetchEmitsLiveIssuesAndOnlyConfirmedDeletions(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 5) // #5 is a pull request
	e.addRepo(t, "acme/web", 1)
	must(t, e.sim.Delete(ref("acme/core", 2)))
	if _, err := e.sim.Transfer(ref("acme/core", 3), "acme/web"); err != nil {
		t.Fatal(err)
	}
	b := testtool.RefetchOne(t, e.src, "github:acme/core#1", "github:acme/core#2", "github:acme/core#3", "github:acme/core#5")
	if len(b.Issues) != 1 || b.Issues[0].Key != "github:acme/core#1" {
		t.Errorf("issues %v, want core#1 only", emittedKeys([]model.Batch{b}))
	}
	if diff := cmp.Diff([]string{"github:acme/core#2"}, b.Gone); diff != "" || len(b.Cursors) != 0 || b.Present != nil {
		t.Errorf("gone (-want +got):\n%s\ncursors %v present %v, want none", diff, b.Cursors, b.Present)
	}
}
