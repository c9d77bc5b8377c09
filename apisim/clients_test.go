package apisim

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-github/v60/github"
)

func serveOrg(t *testing.T, spec Spec) (*Org, *httptest.Server, *httptest.Server) {
	t.Helper()
	o := generate(t, spec)
	gh, js := httptest.NewServer(o.GitHubHandler()), httptest.NewServer(o.JiraHandler())
	t.Cleanup(gh.Close)
	t.Cleanup(js.Close)
	return o, gh, js
}

func TestRealGitHubClientListsEveryIssue(t *testing.T) {
	o, gh, _ := serveOrg(t, DemoSpec())
	c := github.NewClient(nil).WithAuthToken(o.GitHubToken)
	base, err := url.Parse(gh.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = base
	var issues, prs int
	for _, full := range o.Repos() {
		owner, repo := o.Spec.Owner, full[len(o.Spec.Owner)+1:]
		opts := &github.IssueListByRepoOptions{State: "all", Sort: "updated", Direction: "asc", ListOptions: github.ListOptions{PerPage: 100}}
		for {
			page, resp, err := c.Issues.ListByRepo(context.Background(), owner, repo, opts)
			if err != nil {
				t.Fatalf("listing %s page %d: %v", full, opts.Page, err)
			}
			for _, is := range page {
				if is.IsPullRequest() {
					prs++
				} else {
					issues++
				}
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
	}
	st := o.Stats()
	if issues != st.GitHub.Issues || prs != st.GitHub.PullRequests {
		t.Errorf("go-github listed %d issues and %d pull requests, want %d and %d", issues, prs, st.GitHub.Issues, st.GitHub.PullRequests)
	}
}

var jiraFields = []string{"summary", "description", "status", "priority", "assignee", "duedate", "resolution",
	"resolutiondate", "created", "updated", "labels", "components", "comment", "issuelinks", "customfield_10020"}

func TestRealJiraClientListsEveryIssueFromCloud(t *testing.T) {
	o, _, js := serveOrg(t, DemoSpec())
	c, err := jira.NewClient((&jira.BasicAuthTransport{Username: o.JiraEmail, Password: o.JiraToken}).Client(), js.URL)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	opts := &jira.SearchOptionsV2{MaxResults: 100, Fields: jiraFields, Expand: "changelog"}
	for {
		page, resp, err := c.Issue.SearchV2JQL(o.JQL()+" ORDER BY updated ASC, key ASC", opts)
		if err != nil {
			t.Fatalf("searching after %d issues: %v", len(seen), err)
		}
		for _, is := range page {
			checkJiraIssue(t, is)
			seen[is.Key] = true
		}
		if resp.IsLast {
			break
		}
		opts.NextPageToken = resp.NextPageToken
	}
	if want := o.Stats().Jira.Issues; len(seen) != want {
		t.Errorf("go-jira listed %d distinct issues, want %d", len(seen), want)
	}
}

func TestRealJiraClientListsEveryIssueFromDataCenter(t *testing.T) {
	spec := DemoSpec()
	spec.JiraDeployment = "server"
	o, _, js := serveOrg(t, spec)
	c, err := jira.NewClient((&jira.BearerAuthTransport{Token: o.JiraToken}).Client(), js.URL)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	opts := &jira.SearchOptions{MaxResults: 100, Fields: jiraFields, Expand: "changelog"}
	for {
		page, resp, err := c.Issue.Search(o.JQL()+" ORDER BY updated ASC, key ASC", opts)
		if err != nil {
			t.Fatalf("searching from %d: %v", opts.StartAt, err)
		}
		for _, is := range page {
			checkJiraIssue(t, is)
			seen[is.Key] = true
		}
		opts.StartAt += len(page)
		if len(page) == 0 || opts.StartAt >= resp.Total {
			break
		}
	}
	if want := o.Stats().Jira.Issues; len(seen) != want {
		t.Errorf("go-jira listed %d distinct issues, want %d", len(seen), want)
	}
}

func checkJiraIssue(t *testing.T, is jira.Issue) {
	t.Helper()
	if is.Fields == nil || is.Fields.Status == nil || is.Fields.Priority == nil || time.Time(is.Fields.Updated).IsZero() {
		t.Fatalf("%s: incomplete issue %+v", is.Key, is.Fields)
	}
}
