package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/report"
)

func newFindingsCmd(g *globals) *cobra.Command {
	var asJSON, all bool
	var team, rule string
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List stalled and misaligned work found in the synced data",
		Long: `Analyse the issues in the store (no network calls) and print the findings:
a table by default, or with --json the array of findings (the stable contract:
kind, rule, issue, team, related, related_teams, severity, since, summary,
next_step). Findings acknowledged with 'baton ack' are left out unless --all,
which shows them with "acknowledged": {until, reason, by}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if err := checkTeam(cfg, team); err != nil {
				return err
			}
			r, err := daemon.AnalyseSynced(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			fs := r.Findings
			if all {
				fs = r.All()
			}
			fs, err = analysis.Filter(fs, team, rule)
			if err != nil {
				return &usageError{fmt.Errorf("--rule: %w", err)}
			}
			if asJSON {
				return report.WriteJSON(cmd.OutOrStdout(), fs)
			}
			return report.WriteTable(cmd.OutOrStdout(), fs)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "include acknowledged findings")
	cmd.Flags().StringVar(&team, "team", "", "only findings of this team")
	cmd.Flags().StringVar(&rule, "rule", "", "only findings of this rule")
	return cmd
}

func newDepsCmd(g *globals) *cobra.Command {
	var opts report.DepsOptions
	var format string
	cmd := &cobra.Command{
		Use:   "deps",
		Short: "Print the cross-team dependency graph (Graphviz, Mermaid or JSON)",
		Long: `Print the blocking dependencies among synced issues: teams as clusters,
blocked and stalled issues marked, findings on the edges. The dot output
renders with Graphviz ('baton deps | dot -Tsvg > deps.svg'), the mermaid
output in any Mermaid renderer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "dot", "mermaid", "json":
			default:
				return usagef("--format: %q is not dot, mermaid or json", format)
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if err := checkTeam(cfg, opts.Team); err != nil {
				return err
			}
			r, err := daemon.AnalyseSynced(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			return report.WriteDeps(cmd.OutOrStdout(), r, format, opts)
		},
	}
	cmd.Flags().StringVar(&format, "format", "dot", "dot, mermaid or json")
	cmd.Flags().StringVar(&opts.Team, "team", "", "only edges touching this team")
	cmd.Flags().BoolVar(&opts.CrossTeamOnly, "cross-team-only", false, "only edges between different teams")
	return cmd
}

// checkTeam makes a --team naming no configured team a usage error (exit 2).
func checkTeam(cfg *config.Config, team string) error {
	if err := cfg.CheckTeam(team); err != nil {
		return &usageError{fmt.Errorf("--team: %w", err)}
	}
	return nil
}
