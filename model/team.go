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
	k, _ := ParseKey(is.Key) // once, not once per team: analyses call this for every issue
	for _, t := range teams {
		if t.claimsByPlace(is, k) {
			return t.Name
		}
	}
	return ""
}

// claimsByPlace reports whether t claims is, whose parsed key is k, by its
// repository, project or components.
func (t *Team) claimsByPlace(is *Issue, k Key) bool {
	switch is.System {
	case GitHub:
		return containsFold(t.GitHubRepos, k.Place)
	case Jira:
		for _, c := range is.Components {
			if containsFold(t.JiraComponents, c) {
				return true
			}
		}
		return containsFold(t.JiraProjects, k.Place)
	}
	return false
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
