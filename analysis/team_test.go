package analysis

import (
	"testing"

	"github.com/batonhq/baton/model"
)

func TestTeamFinderAnswersAsTeamOfWhateverCameBefore(t *testing.T) {
	teams := []model.Team{
		{Name: "core", GitHubRepos: []string{"acme/core"}, JiraComponents: []string{"Auth"}, Labels: []string{"team:core"}},
		{Name: "pay", GitHubRepos: []string{"acme/core2"}, JiraProjects: []string{"PAY", "P1"}},
	}
	gh := func(repo string, n int) model.Issue {
		return model.Issue{Key: model.GitHubKey("acme", repo, n), System: model.GitHub}
	}
	jira := func(key string) model.Issue { return model.Issue{Key: model.JiraKey(key), System: model.Jira} }
	labelled := gh("core2", 3)
	labelled.Labels = []string{"Team:Core"}
	component := jira("PAY-4")
	component.Components = []string{"auth"}
	wrongSystem := gh("core", 9)
	wrongSystem.System = model.Jira
	// In this order each issue shares a key prefix with the one before it.
	issues := []model.Issue{
		gh("core", 1), gh("core", 2), {Key: "github:acme/core#02", System: model.GitHub}, gh("core", 3),
		{Key: "github:acme/core#x", System: model.GitHub}, wrongSystem, gh("core", 10),
		gh("core2", 1), labelled, gh("core2", 4),
		jira("PAY-1"), component, jira("PAY-5"), jira("P1-7"), jira("P1-70"), jira("P1-1-2"),
		{Key: "jira:OTHER-1", System: model.Jira}, {Key: "nope", System: model.Jira}, {Key: "nope", System: model.Jira},
	}
	f := teamFinder{teams: teams}
	for i := range issues {
		if got, want := f.of(&issues[i]), model.TeamOf(teams, &issues[i]); got != want {
			t.Errorf("%s (%s): got %q, want %q", issues[i].Key, issues[i].System, got, want)
		}
	}
}
