package model

import (
	"testing"
	"time"
)

func TestTeamOfChecksLabelsBeforePlaces(t *testing.T) {
	teams := []Team{
		{Name: "payments", GitHubRepos: []string{"acme/payments-api"}, JiraProjects: []string{"PAY"}},
		{Name: "core", GitHubRepos: []string{"Acme/Core"}, JiraComponents: []string{"Auth"}, Labels: []string{"team:core"}},
	}
	for _, tt := range []struct {
		name string
		is   Issue
		want string
	}{
		{"repo", Issue{Key: GitHubKey("acme", "payments-api", 3), System: GitHub}, "payments"},
		{"repo, case-insensitive", Issue{Key: GitHubKey("ACME", "core", 1), System: GitHub}, "core"},
		{"a label claims an issue in another team's repo", Issue{Key: GitHubKey("acme", "payments-api", 4), System: GitHub, Labels: []string{"Team:Core"}}, "core"},
		{"project", Issue{Key: JiraKey("pay-12"), System: Jira}, "payments"},
		{"the first team in order claims, by project or component", Issue{Key: JiraKey("PAY-13"), System: Jira, Components: []string{"auth"}}, "payments"},
		{"component of an unclaimed project", Issue{Key: JiraKey("OPS-1"), System: Jira, Components: []string{"Auth"}}, "core"},
		{"nobody", Issue{Key: JiraKey("OPS-2"), System: Jira}, ""},
		{"a project key prefix is not the project", Issue{Key: JiraKey("PAYX-1"), System: Jira}, ""},
	} {
		if got := TeamOf(teams, &tt.is); got != tt.want {
			t.Errorf("%s: TeamOf(%s) = %q, want %q", tt.name, tt.is.Key, got, tt.want)
		}
	}
}

func TestTargetIsTheDueDateElseTheIterationEnd(t *testing.T) {
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		is   Issue
		want time.Time
	}{
		{"due date", Issue{Due: due, Iteration: &Iteration{End: end}}, due},
		{"iteration end", Issue{Iteration: &Iteration{End: end}}, end},
		{"neither", Issue{}, time.Time{}},
	} {
		if got := tt.is.Target(); !got.Equal(tt.want) {
			t.Errorf("%s: Target() = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestKeysAreCanonical(t *testing.T) {
	if got := GitHubKey("Acme", "Core", 7); got != "github:acme/core#7" {
		t.Errorf("GitHubKey = %q", got)
	}
	if got := JiraKey("pay-3"); got != "jira:PAY-3" {
		t.Errorf("JiraKey = %q", got)
	}
	if StatusDone.Open() || !StatusBlocked.Open() {
		t.Error("Open: done must be closed, blocked open")
	}
}
