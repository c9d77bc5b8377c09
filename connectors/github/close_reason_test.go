package github

import (
	"fmt"
	"testing"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/model"
)

func TestDuplicateCloseReasonIsDroppedUnlessConfiguredOtherwise(t *testing.T) {
	for _, tc := range []struct {
		dropped []string
		want    map[int]model.Resolution
	}{
		{[]string{"not_planned", "duplicate"}, map[int]model.Resolution{1: model.ResolutionCompleted, 2: model.ResolutionDropped, 3: model.ResolutionDropped}},
		{[]string{"not_planned"}, map[int]model.Resolution{1: model.ResolutionCompleted, 2: model.ResolutionDropped, 3: model.ResolutionCompleted}},
	} {
		e := newEnv(t, []string{"acme/core"})
		e.src.opts.Status.DroppedReasons = tc.dropped
		must(t, e.sim.AddRepo("acme", "core"))
		for n, reason := range []string{"completed", "not_planned", "duplicate"} {
			add(t, e, "acme/core", githubsim.Issue{Title: reason})
			must(t, e.sim.Close(ref("acme/core", n+1), reason))
		}
		e.mustSync(t)
		for n, want := range tc.want {
			is := e.store.issues[fmt.Sprintf("github:acme/core#%d", n)]
			if is.Status != model.StatusDone || is.Resolution != want {
				t.Errorf("dropped_reasons %v: #%d closed as %s: got %s/%s, want done/%s", tc.dropped, n, is.RawResolution, is.Status, is.Resolution, want)
			}
		}
	}
}
