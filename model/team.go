package model

import (
	"slices"
	"strings"
)

// Team is a group of people and the selectors that say which issues are theirs.
// An issue belongs to the first team, in configured order, with a matching
// selector; labels are checked before repositories and projects so that a
// shared repository can be split by label.
type Team struct {
	Name           string   `yaml:"name" json:"name"`
	GitHubRepos    []string `yaml:"github_repos" json:"github_repos,omitempty"`       // owner/repo
	JiraProjects   []string `yaml:"jira_projects" json:"jira_projects,omitempty"`     // project keys
	JiraComponents []string `yaml:"jira_components" json:"jira_components,omitempty"` // component names
	Labels         []string `yaml:"labels" json:"labels,omitempty"`                   // labels on either system
}

// TeamOf returns the name of the team an issue belongs to, or "" when no team
// claims it.
func TeamOf(teams []Team, is *Issue) string {
	for _, t := range teams {
		for _, l := range is.Labels {
			if containsFold(t.Labels, l) {
				return t.Name
			}
		}
	}
	for _, t := range teams {
		if t.claimsByPlace(is) {
			return t.Name
		}
	}
	return ""
}

func (t *Team) claimsByPlace(is *Issue) bool {
	switch is.System {
	case GitHub:
		return containsFold(t.GitHubRepos, githubRepo(is.Key))
	case Jira:
		for _, c := range is.Components {
			if containsFold(t.JiraComponents, c) {
				return true
			}
		}
		return containsFold(t.JiraProjects, jiraProject(is.Key))
	}
	return false
}

// githubRepo returns "owner/repo" of a github:owner/repo#N key.
func githubRepo(key string) string {
	s := strings.TrimPrefix(key, "github:")
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// jiraProject returns the project key of a jira:KEY-N key.
func jiraProject(key string) string {
	s := strings.TrimPrefix(key, "jira:")
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return s[:i]
	}
	return s
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
