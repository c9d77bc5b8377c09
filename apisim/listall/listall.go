// Package listall pages through a simulated API with the vendors' own Go
// clients (go-github, go-jira) to the last page, so that tests can check the
// simulators answer in a shape those clients decode and page through.
package listall

import (
	"context"
	"fmt"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-github/v60/github"
)

// JiraFields are the issue fields Jira listings ask for: those baton's
// connector reads, and the sprint field at its usual id.
var JiraFields = []string{"summary", "description", "status", "priority", "assignee", "duedate", "resolution",
	"resolutiondate", "created", "updated", "labels", "components", "comment", "issuelinks", "customfield_10020"}

// GitHubIssues lists every issue of owner/repo, open and closed, 100 a page,
// and counts the issues and the pull requests among them.
func GitHubIssues(ctx context.Context, c *github.Client, owner, repo string) (issues, pullRequests int, err error) {
	opts := &github.IssueListByRepoOptions{State: "all", Sort: "updated", Direction: "asc", ListOptions: github.ListOptions{PerPage: 100}}
	all, err := pages(func() ([]*github.Issue, *github.Response, error) { return c.Issues.ListByRepo(ctx, owner, repo, opts) },
		func(_ []*github.Issue, resp *github.Response) bool {
			opts.Page = resp.NextPage
			return resp.NextPage == 0
		})
	for _, is := range all {
		if is.IsPullRequest() {
			pullRequests++
		} else {
			issues++
		}
	}
	return issues, pullRequests, err
}

// JiraCloud lists what jql finds through Cloud's enhanced search
// (nextPageToken), with JiraFields and the changelog.
func JiraCloud(c *jira.Client, jql string) ([]jira.Issue, error) {
	opts := &jira.SearchOptionsV2{MaxResults: 100, Fields: JiraFields, Expand: "changelog"}
	return pages(func() ([]jira.Issue, *jira.Response, error) { return c.Issue.SearchV2JQL(jql, opts) },
		func(_ []jira.Issue, resp *jira.Response) bool {
			opts.NextPageToken = resp.NextPageToken
			return resp.IsLast
		})
}

// JiraDataCenter lists what jql finds through Data Center's search (startAt
// and total), with JiraFields and the changelog.
func JiraDataCenter(c *jira.Client, jql string) ([]jira.Issue, error) {
	opts := &jira.SearchOptions{MaxResults: 100, Fields: JiraFields, Expand: "changelog"}
	return pages(func() ([]jira.Issue, *jira.Response, error) { return c.Issue.Search(jql, opts) },
		func(page []jira.Issue, resp *jira.Response) bool {
			opts.StartAt += len(page)
			return len(page) == 0 || opts.StartAt >= resp.Total
		})
}

// pages collects what list returns, page after page; after each page, next
// moves list's options on and says whether that page was the last.
func pages[T, R any](list func() ([]T, R, error), next func(page []T, resp R) (last bool)) ([]T, error) {
	var all []T
	for n := 1; ; n++ {
		page, resp, err := list()
		if err != nil {
			return all, fmt.Errorf("listing page %d: %w", n, err)
		}
		all = append(all, page...)
		if next(page, resp) {
			return all, nil
		}
	}
}
