package apisim

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ConfigYAML is a baton configuration for the organisation served at the given
// simulator URLs: one GitHub and one Jira source with the simulators'
// credentials, the generated teams, and the boards of the teams that use one
// (status.github.projects). Storage, listen address, rules and rollup are
// left to their defaults (the planted cases assume the default
// rules), and teams have no email (which would require an SMTP server), so a
// caller can add its own storage:, listen: and rollup: keys.
func (o *Org) ConfigYAML(githubURL, jiraURL string) string {
	type source struct {
		Name       string   `yaml:"name"`
		Type       string   `yaml:"type"`
		URL        string   `yaml:"url"`
		Token      string   `yaml:"token"`
		Repos      []string `yaml:"repos,omitempty,flow"`
		Deployment string   `yaml:"deployment,omitempty"`
		Email      string   `yaml:"email,omitempty"`
		JQL        string   `yaml:"jql,omitempty"`
		Secret     string   `yaml:"webhook_secret,omitempty"`
	}
	type team struct {
		Name         string   `yaml:"name"`
		GitHubRepos  []string `yaml:"github_repos,flow"`
		JiraProjects []string `yaml:"jira_projects,flow"`
	}
	jira := source{Name: "jira", Type: "jira", URL: jiraURL, Token: o.JiraToken, Deployment: o.Spec.JiraDeployment, JQL: o.JQL(), Secret: o.webhooks.Secret}
	if o.Spec.JiraDeployment == "cloud" {
		jira.Email = o.JiraEmail
	}
	type webhooks struct {
		Listen string `yaml:"listen"`
	}
	type board struct {
		Owner      string   `yaml:"owner"`
		Number     int      `yaml:"number"`
		Field      string   `yaml:"field"`
		InProgress []string `yaml:"in_progress,flow"`
		Blocked    []string `yaml:"blocked,flow"`
		Done       []string `yaml:"done,flow"`
	}
	type status struct {
		GitHub struct {
			Projects []board `yaml:"projects"`
		} `yaml:"github"`
	}
	doc := struct {
		Sources  []source  `yaml:"sources"`
		Teams    []team    `yaml:"teams"`
		Status   *status   `yaml:"status,omitempty"`
		Webhooks *webhooks `yaml:"webhooks,omitempty"`
	}{Sources: []source{{Name: "github", Type: "github", URL: githubURL, Token: o.GitHubToken, Repos: []string{o.Spec.Owner + "/*"}, Secret: o.webhooks.Secret}, jira}}
	if o.webhookListen != "" {
		doc.Webhooks = &webhooks{Listen: o.webhookListen}
	}
	if boards := o.l.boards(); len(boards) > 0 {
		doc.Status = &status{}
		for _, b := range boards {
			doc.Status.GitHub.Projects = append(doc.Status.GitHub.Projects, board(b))
		}
	}
	for _, t := range o.Teams() {
		doc.Teams = append(doc.Teams, team{Name: t.Name, GitHubRepos: t.GitHubRepos, JiraProjects: t.JiraProjects})
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("apisim: marshalling a config of plain strings: %v", err))
	}
	return fmt.Sprintf("# baton configuration for an apisim organisation (seed %d, %d issues).\n# The credentials are the simulators' own; they open nothing real.\n%s",
		o.Spec.Seed, o.Spec.Issues, out)
}

// WriteConfig writes ConfigYAML, with the store in dir, to dir/baton.yaml and
// returns that file's path: a configuration to load the way the daemon does.
func (o *Org) WriteConfig(dir, githubURL, jiraURL string) (string, error) {
	path := filepath.Join(dir, "baton.yaml")
	text := o.ConfigYAML(githubURL, jiraURL) + "storage: {path: " + strconv.Quote(filepath.Join(dir, "baton.db")) + "}\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("writing the simulator config: %w", err)
	}
	return path, nil
}
