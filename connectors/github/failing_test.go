package github

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// TestAFailingRepositoryNeitherFailsTheRoundNorForcesReconciles: acme/gone
// is configured but answers 404. The others sync and are reconciled once a
// day each, not every round; gone is reported and retried on its own
// doubling schedule, and syncs when it comes back.
func TestAFailingRepositoryNeitherFailsTheRoundNorForcesReconciles(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web", "acme/gone"}, func(s *config.Source) { s.Interval = config.Duration(5 * time.Minute) })
	e.addRepo(t, "acme/core", 3)
	e.addRepo(t, "acme/web", 3)
	e.mustSync(t)
	failing := func() []model.ScopeFailure { return e.src.FailingScopes() }
	if f := failing(); len(f) != 1 || f[0].Scope != "acme/gone" || f[0].Failures != 1 || !f[0].RetryAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("failing after round 1: %+v; want acme/gone, once, retried in 5m", f)
	}

	e.sim.Advance(25 * time.Hour) // reconciles of core and web are due, and gone's retry
	e.sim.ResetStats()
	e.mustSync(t)
	// core and web: a conditional listing (304) and a reconcile listing each; gone: one try.
	if got := e.sim.Stats().Requests[listRoute]; got != 2+2+1 {
		t.Errorf("%d listings in the reconciling round, want 5", got)
	}
	if f := failing(); len(f) != 1 || f[0].Failures != 2 || !f[0].RetryAt.Equal(e.sim.Now().Add(10*time.Minute)) {
		t.Errorf("failing after its second try: %+v; want 2 failures, retried in 10m", f)
	}

	e.sim.Advance(5 * time.Minute) // before gone's retry time: it is left alone
	e.sim.ResetStats()
	e.mustSync(t)
	if got := e.sim.Stats().Requests[listRoute]; got != 2 {
		t.Errorf("%d listings in the next round, want 2 (core and web, no reconcile, gone waiting)", got)
	}

	e.addRepo(t, "acme/gone", 2)
	e.sim.Advance(5 * time.Minute)
	e.mustSync(t)
	if f := failing(); len(f) != 0 {
		t.Errorf("failing after gone came back: %+v, want none", f)
	}
	if _, ok := e.store.issues["github:acme/gone#1"]; !ok {
		t.Errorf("acme/gone#1 not synced after it came back")
	}
}

func TestOwnerWildcardSkipsArchivedAndIssuelessRepositoriesUnlessListed(t *testing.T) {
	for _, tc := range []struct {
		repos []string
		want  []string
	}{
		{[]string{"acme/*"}, []string{"github:acme/core#1"}},
		{[]string{"acme/*", "acme/old"}, []string{"github:acme/core#1", "github:acme/old#1"}},
	} {
		e := newEnv(t, tc.repos)
		e.addRepo(t, "acme/core", 1)
		e.addRepo(t, "acme/old", 1)
		e.addRepo(t, "acme/noissues", 0)
		must(t, e.sim.SetRepoState("acme/old", true, false))
		must(t, e.sim.SetRepoState("acme/noissues", false, true))
		e.mustSync(t)
		if diff := cmp.Diff(tc.want, e.store.keys()); diff != "" {
			t.Errorf("repos %v: synced (-want +got):\n%s", tc.repos, diff)
		}
		if f := e.src.FailingScopes(); len(f) != 0 {
			t.Errorf("repos %v: failing %+v, want none", tc.repos, f)
		}
	}
}
