package apisim

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
)

// TestBackgroundIssuesAreNeitherStalledNorLate checks the background
// invariants the simple stalled rules depend on, so that the only findings of
// an organisation are its planted ones.
func TestBackgroundIssuesAreNeitherStalledNorLate(t *testing.T) {
	o := generate(t, Spec{Seed: 11, Issues: 6000, Plant: true})
	if len(o.background) < 5000 {
		t.Fatalf("only %d background issues of 6000", len(o.background))
	}
	fresh := t0.Add(-7 * day)
	for _, ref := range o.background {
		if ref.jira {
			checkJiraBackground(t, o, fmt.Sprintf("%s-%d", o.l.projects[ref.place], ref.num), fresh)
		} else {
			checkGitHubBackground(t, o, githubsim.IssueRef{Repo: o.l.fullRepo(int(ref.place)), Number: int(ref.num)}, fresh)
		}
	}
}

func checkGitHubBackground(t *testing.T, o *Org, ref githubsim.IssueRef, fresh time.Time) {
	t.Helper()
	is, ok := o.GitHub.Get(ref)
	if !ok || is.PullRequest {
		t.Fatalf("%s: background issue missing or a pull request", ref)
	}
	if is.State != "open" {
		return
	}
	started := slices.Contains(is.Labels, "in progress") || slices.Contains(is.Labels, "blocked")
	if started && (len(is.Assignees) == 0 || is.UpdatedAt.Before(fresh)) {
		t.Errorf("%s: started, assignees %v, updated %v: unowned or idle", ref, is.Assignees, is.UpdatedAt)
	}
	if is.Milestone == msClosed {
		t.Errorf("%s: open in the closed, past-due milestone", ref)
	}
	if slices.Contains(is.Labels, "blocked") && !slices.ContainsFunc(is.BlockedBy, func(b githubsim.IssueRef) bool {
		bl, ok := o.GitHub.Get(b)
		return ok && bl.State == "open"
	}) {
		t.Errorf("%s: labelled blocked without an open blocker", ref)
	}
}

func checkJiraBackground(t *testing.T, o *Org, key string, fresh time.Time) {
	t.Helper()
	is, ok := o.Jira.Issue(key)
	if !ok {
		t.Fatalf("%s: background issue missing", key)
	}
	if is.Resolution != "" {
		return
	}
	started := is.Status == "In Progress" || is.Status == "In Review" || is.Status == "Blocked"
	if started && (is.Assignee == "" || is.Updated.Before(fresh)) {
		t.Errorf("%s: started, assignee %q, updated %v: unowned or idle", key, is.Assignee, is.Updated)
	}
	if is.Due != "" && is.Due < t0.Format(time.DateOnly) {
		t.Errorf("%s: open and due %s", key, is.Due)
	}
	for _, sp := range is.Sprints {
		if sp%10 == spClosed {
			t.Errorf("%s: open in closed sprint %d", key, sp)
		}
	}
	if is.Status == "Blocked" && !slices.ContainsFunc(o.Jira.Links(key), func(l jirasim.Link) bool {
		bl, ok := o.Jira.Issue(l.From)
		return l.Type == jirasim.LinkBlocks && l.To == key && ok && bl.Resolution == ""
	}) {
		t.Errorf("%s: Blocked without an open blocker", key)
	}
}
