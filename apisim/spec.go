// Package apisim generates a simulated organisation — teams, GitHub repositories
// and Jira projects full of issues in every state, with dependencies, mirrors and
// planted stalled and misaligned cases — and serves it through the simulated
// GitHub (apisim/githubsim) and Jira (apisim/jirasim) APIs, for tests, the demo
// and benchmarks.
package apisim

import (
	"fmt"
	"time"
)

// Spec says what organisation to generate. Generate is deterministic for a
// Spec: the same values give the same organisation.
type Spec struct {
	Seed int64
	// Issues is the number of issues (pull requests not included), split half
	// GitHub, half Jira. Default 400.
	Issues int
	// Teams is the number of teams, at most len(teamNames). Default 4.
	Teams int
	// Repos and Projects are spread over the teams round-robin. Default one
	// of each per team.
	Repos    int
	Projects int
	// Owner is the GitHub organisation. Default "acme".
	Owner string
	// Now is the moment the organisation is generated at; every time in it is
	// relative to Now. Zero means a live organisation: generated at the
	// current time (truncated to the second), with the GitHub simulator on
	// the wall clock.
	Now time.Time
	// JiraTimeZone is the Jira account's zone. Default America/Los_Angeles.
	JiraTimeZone string
	// JiraDeployment is "cloud" (default) or "server" (Data Center).
	JiraDeployment string
	// PullRequestsPercent is how many pull requests are mixed into GitHub
	// issue lists, as a percentage of GitHub issues. Default 25.
	PullRequestsPercent int
	// GitHubQuota is the simulated GitHub's requests per token per hour.
	// Default 5000, as on github.com.
	GitHubQuota int
	// Plant adds the cases listed by Org.Planted.
	Plant bool
	// LabelsOnly makes every team mark status with labels. Otherwise every
	// second team (core, mobile, …) moves its open issues across the Status
	// column of a Projects board instead, one board per team.
	LabelsOnly bool
}

// DemoSpec is the organisation `baton demo` shows: a few hundred issues, four
// teams, planted cases.
func DemoSpec() Spec {
	return Spec{Seed: 1, Issues: 400, Teams: 4, Plant: true}
}

// BenchmarkSpec is the benchmark organisation: 200,000 issues, half GitHub over
// 20 repositories, half Jira over 4 projects, four teams. Its GitHub quota is
// ten million requests an hour, so that a full sync is limited by speed rather
// than by the hourly limit (the quota used is still counted).
func BenchmarkSpec() Spec {
	return Spec{Seed: 1, Issues: 200_000, Teams: 4, Repos: 20, Projects: 4, GitHubQuota: 10_000_000, Plant: true}
}

// withDefaults fills zero fields and checks the rest.
func (s Spec) withDefaults() (Spec, error) {
	if s.Issues == 0 {
		s.Issues = 400
	}
	if s.Teams == 0 {
		s.Teams = 4
	}
	if s.Repos == 0 {
		s.Repos = s.Teams
	}
	if s.Projects == 0 {
		s.Projects = s.Teams
	}
	if s.Owner == "" {
		s.Owner = "acme"
	}
	if s.Now.IsZero() {
		s.Now = time.Now()
	}
	s.Now = s.Now.UTC().Truncate(time.Second)
	if s.JiraTimeZone == "" {
		s.JiraTimeZone = "America/Los_Angeles"
	}
	if s.JiraDeployment == "" {
		s.JiraDeployment = "cloud"
	}
	if s.GitHubQuota == 0 {
		s.GitHubQuota = 5000
	}
	if s.PullRequestsPercent == 0 {
		s.PullRequestsPercent = 25
	}
	switch {
	case s.Issues < 0:
		return s, fmt.Errorf("apisim spec: issues %d: must not be negative", s.Issues)
	case s.Teams < 1 || s.Teams > len(teamNames):
		return s, fmt.Errorf("apisim spec: teams %d: want 1 to %d", s.Teams, len(teamNames))
	case s.Repos < 1 || s.Projects < 1:
		return s, fmt.Errorf("apisim spec: repos %d, projects %d: want at least one of each", s.Repos, s.Projects)
	case s.JiraDeployment != "cloud" && s.JiraDeployment != "server":
		return s, fmt.Errorf("apisim spec: jira deployment %q: want cloud or server", s.JiraDeployment)
	case s.GitHubQuota < 0:
		return s, fmt.Errorf("apisim spec: github quota %d: must not be negative", s.GitHubQuota)
	case s.PullRequestsPercent < 0 || s.PullRequestsPercent > 100:
		return s, fmt.Errorf("apisim spec: pull requests percent %d: want 0 to 100", s.PullRequestsPercent)
	}
	if s.Plant {
		if s.Teams < 4 || s.Repos < 4 || s.Projects < 4 {
			return s, fmt.Errorf("apisim spec: planting needs at least 4 teams, 4 repos and 4 projects (have %d, %d, %d)", s.Teams, s.Repos, s.Projects)
		}
		if s.Issues < plantedIssues {
			return s, fmt.Errorf("apisim spec: issues %d: planting needs at least %d", s.Issues, plantedIssues)
		}
	}
	return s, nil
}
