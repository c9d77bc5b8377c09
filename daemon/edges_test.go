package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// reconcileEveryRound makes every sync round list all keys, so a deletion
// at the tracker is seen by the next sync.
func reconcileEveryRound(cfg *config.Config) {
	for i := range cfg.Sources {
		cfg.Sources[i].ReconcileInterval = config.Duration(time.Nanosecond)
	}
}

// syncOnce syncs every source of d once and fails the test on any error.
func syncOnce(t *testing.T, d *Daemon) {
	t.Helper()
	if failed := d.SyncOnce(context.Background(), 2, nil); len(failed) > 0 {
		t.Fatalf("sync: %v", failed)
	}
}

// stored is every issue of d's store by key, with its links.
func stored(t *testing.T, d *Daemon) map[string]model.Issue {
	t.Helper()
	issues, err := d.Store().LoadIssues(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]model.Issue, len(issues))
	for _, is := range issues {
		out[is.Key] = is
	}
	return out
}

// heldBlocker finds a blocking link of origin that a stored issue declares
// on its own side, from another stored issue of system: the dependent and
// its blocker.
func heldBlocker(t *testing.T, issues map[string]model.Issue, origin model.Origin) (dependent, blocker string) {
	t.Helper()
	for _, is := range issues {
		for _, l := range is.Links {
			if l.Origin != origin || l.Type != model.Blocks || l.To != is.Key {
				continue
			}
			if _, ok := issues[l.From]; ok {
				return is.Key, l.From
			}
		}
	}
	t.Fatalf("no stored issue declares a %s blocker that is stored too", origin)
	return "", ""
}

// deleteAtTracker deletes the issue with model key k in org's simulators.
func deleteAtTracker(org *apisim.Org, k string) error {
	if j, ok := strings.CutPrefix(k, "jira:"); ok {
		return org.Jira.Delete(j)
	}
	ref, err := gitHubRef(k)
	if err != nil {
		return err
	}
	return org.GitHub.Delete(ref)
}

// gitHubRef is the simulator's reference for a github:owner/repo#N key.
func gitHubRef(k string) (githubsim.IssueRef, error) {
	key, ok := model.ParseKey(k)
	if !ok || key.System != model.GitHub {
		return githubsim.IssueRef{}, fmt.Errorf("%q is not a github:owner/repo#N key", k)
	}
	return githubsim.IssueRef{Repo: key.Place, Number: key.Number}, nil
}

// TestDeletedBlockerLeavesNoDanglingEdge deletes, at the trackers, a Jira
// blocker and a GitHub blocker whose dependents are not touched (deleting an
// issue removes its links without editing the issues at their other ends):
// after the next sync's reconcile, no stored issue still says it waits on
// them, and the dependents are kept.
func TestDeletedBlockerLeavesNoDanglingEdge(t *testing.T) {
	d, org, _ := simDaemon(t, time.Hour, reconcileEveryRound)
	syncOnce(t, d)
	before := stored(t, d)
	var deleted, dependents []string
	for _, origin := range []model.Origin{model.OriginJiraLink, model.OriginGitHubDependency} {
		dependent, blocker := heldBlocker(t, before, origin)
		if err := deleteAtTracker(org, blocker); err != nil {
			t.Fatal(err)
		}
		deleted, dependents = append(deleted, blocker), append(dependents, dependent)
	}

	syncOnce(t, d)
	after := stored(t, d)
	for _, k := range deleted {
		if _, ok := after[k]; ok {
			t.Fatalf("%s is still stored after a reconcile", k)
		}
	}
	for _, k := range dependents {
		if _, ok := after[k]; !ok {
			t.Errorf("dependent %s was removed with its blocker", k)
		}
	}
	for _, is := range after {
		for _, l := range is.Links {
			for _, k := range deleted {
				if (l.From == k || l.To == k) && l.Origin != model.OriginTextReference {
					t.Errorf("%s still declares %s %s -> %s (%s) to the deleted %s", is.Key, l.Type, l.From, l.To, l.Origin, k)
				}
			}
		}
	}
}
