package githubsim

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/apisim/listall"
)

// TestRealClientListsEverything lists every repository, issue, comment, event,
// timeline item, dependency and sub-issue with go-github v60 without a
// decoding error.
func TestRealClientListsEverything(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 120)
	fill(t, s, "acme/web", 5)
	ms, err := s.AddMilestone("acme/core", Milestone{Title: "v1", DueOn: t0.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.AddIssue("acme/core", Issue{Title: "[PAY-3] rich", Body: "Blocked by #1", Labels: []string{"P1", "blocked"},
		Assignees: []string{"ada"}, Milestone: ms, BlockedBy: []IssueRef{{"acme/web", 1}}, SubIssues: []IssueRef{{"acme/core", 2}}})
	if err != nil {
		t.Fatal(err)
	}
	rich := IssueRef{"acme/core", n}
	if err := s.AddComment(rich, "bob", "ping"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLabels(rich, []string{"P1", "in progress"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(IssueRef{"acme/core", 3}, "not_planned"); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	c := github.NewClient(nil).WithAuthToken(token)
	c.BaseURL, _ = url.Parse(hs.URL + "/")

	repos, _, err := c.Repositories.ListByOrg(ctx, "acme", nil)
	if err != nil || len(repos) != 2 {
		t.Fatalf("ListByOrg = %d repos, %v; want 2", len(repos), err)
	}
	issues, prs, err := listall.GitHubIssues(ctx, c, "acme", "core")
	if err != nil {
		t.Fatal(err)
	}
	if issues != 97 || prs != 24 {
		t.Errorf("listed %d issues and %d PRs, want 97 and 24", issues, prs)
	}

	got, _, err := c.Issues.Get(ctx, "acme", "core", n)
	if err != nil {
		t.Fatal(err)
	}
	if got.GetMilestone().GetDueOn().IsZero() || got.Assignees[0].GetLogin() != "ada" || len(got.Labels) != 2 {
		t.Errorf("issue %d decoded as %v", n, got)
	}
	closed, _, err := c.Issues.Get(ctx, "acme", "core", 3)
	if err != nil || closed.GetStateReason() != "not_planned" {
		t.Errorf("closed issue state_reason = %q, %v", closed.GetStateReason(), err)
	}
	comments, _, err := c.Issues.ListComments(ctx, "acme", "core", n, nil)
	if err != nil || len(comments) != 1 || comments[0].GetBody() != "ping" {
		t.Errorf("comments = %v, %v", comments, err)
	}
	events, _, err := c.Issues.ListIssueEvents(ctx, "acme", "core", n, nil)
	if err != nil || len(events) != 2 || events[0].GetLabel().GetName() != "blocked" {
		t.Errorf("events = %v, %v; want unlabeled blocked, labeled in progress", events, err)
	}
	timeline, _, err := c.Issues.ListIssueTimeline(ctx, "acme", "core", n, nil)
	if err != nil || len(timeline) != 3 {
		t.Fatalf("timeline = %d items, %v; want 3", len(timeline), err)
	}
	if e := timeline[0]; e.GetEvent() != "commented" || e.GetBody() != "ping" || e.GetUser().GetLogin() != "bob" || e.GetCreatedAt().IsZero() {
		t.Errorf("timeline[0] = %v, want bob's comment ping", e)
	}
	if e := timeline[1]; e.GetEvent() != "unlabeled" || e.GetLabel().GetName() != "blocked" || e.GetActor().GetLogin() == "" {
		t.Errorf("timeline[1] = %v, want blocked unlabeled by someone", e)
	}
	for _, path := range []string{"dependencies/blocked_by", "sub_issues"} {
		req, err := c.NewRequest("GET", "repos/acme/core/issues/"+strconv.Itoa(n)+"/"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var related []*github.Issue
		if _, err := c.Do(ctx, req, &related); err != nil || len(related) != 1 {
			t.Errorf("%s = %d issues, %v; want 1", path, len(related), err)
		}
	}
}
