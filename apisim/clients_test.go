package apisim

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/apisim/listall"
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
		i, p, err := listall.GitHubIssues(context.Background(), c, o.Spec.Owner, full[len(o.Spec.Owner)+1:])
		if err != nil {
			t.Fatal(err)
		}
		issues, prs = issues+i, prs+p
	}
	st := o.Stats()
	if issues != st.GitHub.Issues || prs != st.GitHub.PullRequests {
		t.Errorf("go-github listed %d issues and %d pull requests, want %d and %d", issues, prs, st.GitHub.Issues, st.GitHub.PullRequests)
	}
}

func TestRealJiraClientListsEveryIssueFromCloud(t *testing.T) {
	o, _, js := serveOrg(t, DemoSpec())
	c, err := jira.NewClient((&jira.BasicAuthTransport{Username: o.JiraEmail, Password: o.JiraToken}).Client(), js.URL)
	if err != nil {
		t.Fatal(err)
	}
	issues, err := listall.JiraCloud(c, o.JQL()+" ORDER BY updated ASC, key ASC")
	checkJiraListing(t, o, issues, err)
}

func TestRealJiraClientListsEveryIssueFromDataCenter(t *testing.T) {
	spec := DemoSpec()
	spec.JiraDeployment = "server"
	o, _, js := serveOrg(t, spec)
	c, err := jira.NewClient((&jira.BearerAuthTransport{Token: o.JiraToken}).Client(), js.URL)
	if err != nil {
		t.Fatal(err)
	}
	issues, err := listall.JiraDataCenter(c, o.JQL()+" ORDER BY updated ASC, key ASC")
	checkJiraListing(t, o, issues, err)
}

// checkJiraListing checks that go-jira listed each of o's Jira issues once,
// complete.
func checkJiraListing(t *testing.T, o *Org, issues []jira.Issue, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if is.Fields == nil || is.Fields.Status == nil || is.Fields.Priority == nil || time.Time(is.Fields.Updated).IsZero() {
			t.Fatalf("%s: incomplete issue %+v", is.Key, is.Fields)
		}
		seen[is.Key] = true
	}
	if want := o.Stats().Jira.Issues; len(seen) != want || len(issues) != want {
		t.Errorf("go-jira listed %d issues, %d distinct, want %d", len(issues), len(seen), want)
	}
}
