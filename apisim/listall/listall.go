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
	all, err := pages(func() ([]*github.Issue, bool, error) {
		page, resp, err := c.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return nil, false, err
		}
		opts.Page = resp.NextPage
		return page, resp.NextPage == 0, nil
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
	return pages(func() ([]jira.Issue, bool, error) {
		page, resp, err := c.Issue.SearchV2JQL(jql, opts)
		if err != nil {
			return nil, false, err
		}
		opts.NextPageToken = resp.NextPageToken
		return page, resp.IsLast, nil
	})
}

// JiraDataCenter lists what jql finds through Data Center's search (startAt
// and total), with JiraFields and the changelog.
func JiraDataCenter(c *jira.Client, jql string) ([]jira.Issue, error) {
	opts := &jira.SearchOptions{MaxResults: 100, Fields: JiraFields, Expand: "changelog"}
	return pages(func() ([]jira.Issue, bool, error) {
		page, resp, err := c.Issue.Search(jql, opts)
		if err != nil {
			return nil, false, err
		}
		opts.StartAt += len(page)
		return page, len(page) == 0 || opts.StartAt >= resp.Total, nil
	})
}

// pages collects what next returns, page after page, until it reports the
// last one.
func pages[T any](next func() (page []T, last bool, err error)) ([]T, error) {
	var all []T
	for n := 1; ; n++ {
		page, last, err := next()
		if err != nil {
			return all, fmt.Errorf("listing page %d: %w", n, err)
		}
		all = append(all, page...)
		if last {
			return all, nil
		}
	}
}
