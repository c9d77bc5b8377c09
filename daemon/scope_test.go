package daemon

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/model"
)

func TestInScopeDropsWhatTheConfigurationNoLongerNames(t *testing.T) {
	cfg := &config.Config{Sources: []config.Source{
		{Name: "gh", Type: "github", Settings: &github.Config{Repos: []string{"Acme/Core", "tools/*"}}},
		{Name: "jira", Type: "jira"},
	}}
	issues := []model.Issue{
		{Key: "github:acme/core#1", Source: "gh"},
		{Key: "github:acme/core-ui#2", Source: "gh"}, // a repo removed from repos: (and not a prefix match of core)
		{Key: "github:tools/cli#3", Source: "gh"},    // from the owner/* entry
		{Key: "jira:PAY-1", Source: "jira"},
		{Key: "jira:OPS-1", Source: "old-jira"}, // a removed source
	}
	var got []string
	for _, is := range inScope(cfg, issues) {
		got = append(got, is.Key)
	}
	if diff := cmp.Diff([]string{"github:acme/core#1", "github:tools/cli#3", "jira:PAY-1"}, got); diff != "" {
		t.Errorf("in scope (-want +got):\n%s", diff)
	}
}

func TestJiraSourcesKnowTheGitHubEnterpriseHosts(t *testing.T) {
	cfg := &config.Config{Sources: []config.Source{
		{Name: "ghe", Type: "github", URL: "https://ghe.acme.com"},
		{Name: "ghe-again", Type: "github", URL: "https://ghe.acme.com/api/v3/"},
		{Name: "dotcom", Type: "github", URL: "https://api.github.com/"},
		{Name: "jira", Type: "jira", URL: "https://acme.atlassian.net"},
	}}
	if diff := cmp.Diff([]string{"ghe.acme.com"}, gitHubHosts(cfg)); diff != "" {
		t.Errorf("GitHub Enterprise hosts (-want +got):\n%s", diff)
	}
}
