package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/apisim"
)

func newSimCmd(g *globals) *cobra.Command {
	spec := apisim.DemoSpec()
	opts := apisim.ServeOptions{}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve simulated GitHub and Jira APIs with a generated organisation (for tests and benchmarks)",
		Long: `Generate a deterministic organisation (teams, repositories, Jira projects,
issues in every state, dependencies, planted stalled and misaligned cases) and
serve it through simulated GitHub and Jira REST APIs that behave like the real
ones: pagination caps, ETag/304, rate limits, Jira Cloud's enhanced search,
account time zones. --config-out writes a baton config pointing at them;
--cases-out writes the planted cases as JSON. Runs until interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if spec.JiraDeployment != "cloud" && spec.JiraDeployment != "server" {
				return usagef("--deployment: %q is not cloud or server", spec.JiraDeployment)
			}
			if spec.Issues < 1 {
				return usagef("--size must be at least 1, got %d", spec.Issues)
			}
			opts.Spec = spec
			opts.Logger = g.logger
			opts.Ready = func(_ *apisim.Org, githubURL, jiraURL string) {
				fmt.Fprintf(os.Stdout, "github %s\njira %s\n", githubURL, jiraURL)
			}
			return apisim.Serve(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&spec.Seed, "seed", spec.Seed, "generator seed")
	f.IntVar(&spec.Issues, "size", spec.Issues, "number of issues, half GitHub, half Jira")
	f.IntVar(&spec.Teams, "teams", spec.Teams, "number of teams")
	f.IntVar(&spec.Repos, "repos", 0, "GitHub repositories (default one per team)")
	f.IntVar(&spec.Projects, "projects", 0, "Jira projects (default one per team)")
	f.StringVar(&spec.JiraDeployment, "deployment", "cloud", "Jira deployment to simulate: cloud or server")
	f.StringVar(&spec.JiraTimeZone, "jira-timezone", "", "time zone of the Jira account (default America/Los_Angeles)")
	f.IntVar(&spec.GitHubQuota, "github-quota", 0, "GitHub requests per hour per token (default 5000)")
	f.BoolVar(&spec.Plant, "plant", true, "plant the known stalled and misaligned cases")
	f.StringVar(&opts.GitHubAddr, "github-addr", "127.0.0.1:0", "address of the simulated GitHub API")
	f.StringVar(&opts.JiraAddr, "jira-addr", "127.0.0.1:0", "address of the simulated Jira API")
	f.StringVar(&opts.ConfigFile, "config-out", "", "write a baton config for the simulators here")
	f.StringVar(&opts.CasesFile, "cases-out", "", "write the planted cases here as JSON")
	f.StringVar(&opts.Webhooks.URL, "webhook-url", "", "deliver the mutations' webhooks to baton's webhook listener at this base URL (e.g. http://127.0.0.1:9465); --config-out then turns webhooks on")
	f.StringVar(&opts.Webhooks.Secret, "webhook-secret", "", "the secret the webhooks are signed with (with --webhook-url)")
	f.DurationVar(&opts.MutateEvery, "mutate-every", 0, "change a few issues at this interval (0: never)")
	return cmd
}
