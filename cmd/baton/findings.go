package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

func newFindingsCmd(g *globals) *cobra.Command {
	var asJSON bool
	var team, rule string
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List stalled and misaligned work found in the synced data",
		Long: `Analyse the issues in the store (no network calls) and print the findings:
a table by default, or with --json the array of findings (the stable contract:
kind, rule, issue, team, related, related_teams, severity, since, summary,
next_step).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if err := checkTeam(cfg, team); err != nil {
				return err
			}
			r, err := analyseWith(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			fs, err := analysis.Filter(r.Findings, team, rule)
			if err != nil {
				return &usageError{fmt.Errorf("--rule: %w", err)}
			}
			if asJSON {
				return analysis.WriteJSON(cmd.OutOrStdout(), fs)
			}
			return analysis.WriteTable(cmd.OutOrStdout(), fs)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&team, "team", "", "only findings of this team")
	cmd.Flags().StringVar(&rule, "rule", "", "only findings of this rule")
	return cmd
}

func newDepsCmd(g *globals) *cobra.Command {
	var opts analysis.DepsOptions
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
			r, err := analyseWith(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			return analysis.WriteDeps(cmd.OutOrStdout(), r, format, opts)
		},
	}
	cmd.Flags().StringVar(&format, "format", "dot", "dot, mermaid or json")
	cmd.Flags().StringVar(&opts.Team, "team", "", "only edges touching this team")
	cmd.Flags().BoolVar(&opts.CrossTeamOnly, "cross-team-only", false, "only edges between different teams")
	return cmd
}

// checkTeam makes a --team naming no configured team a usage error (exit 2),
// so a typo is not mistaken for a team with nothing to report.
func checkTeam(cfg *config.Config, team string) error {
	if team == "" {
		return nil
	}
	names := make([]string, 0, len(cfg.Teams))
	for _, t := range cfg.Teams {
		if t.Name == team {
			return nil
		}
		names = append(names, t.Name)
	}
	return usagef("--team: no team %q in the configuration (teams: %s)", team, strings.Join(names, ", "))
}

func analyseWith(ctx context.Context, cfg *config.Config, now time.Time) (*analysis.Report, error) {
	st, err := openSynced(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return analyseStored(ctx, st, cfg, now)
}

// openSynced opens the store of commands that only read it; a missing file
// is an error rather than a new, empty store (a mistyped storage.path would
// otherwise report "no findings").
func openSynced(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if _, err := os.Stat(cfg.Storage.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no store at %s (storage.path): run 'baton sync --once' first", cfg.Storage.Path)
	}
	st, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	return st, nil
}

// analyseStored analyses what st holds: open issues and those closed within
// closedWindow (plus the ends of their links).
func analyseStored(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) (*analysis.Report, error) {
	issues, err := st.LoadIssues(ctx, now.Add(-closedWindow))
	if err != nil {
		return nil, fmt.Errorf("loading issues for analysis: %w", err)
	}
	return analysis.Analyze(analysis.Input{Issues: inScope(cfg, issues), Teams: cfg.Teams, Rules: cfg.Rules, Now: now, Location: cfg.Location()}), nil
}

// inScope keeps the issues of configured sources and, for a GitHub source
// that names its repositories, of those repositories. What a source or
// repository removed from the configuration left in the store is kept there
// (adding it back needs no full sync) but is no longer analysed; links to
// it still show as links to issues outside the synced scope.
func inScope(cfg *config.Config, issues []model.Issue) []model.Issue {
	prefixes := map[string][]string{} // source -> key prefixes; nil = all
	for _, src := range cfg.Sources {
		prefixes[src.Name] = nil
		gh, ok := src.Settings.(*github.Config)
		if !ok {
			continue
		}
		var ps []string
		for _, r := range gh.Repos {
			owner, name, _ := strings.Cut(strings.ToLower(r), "/")
			if name == "*" {
				ps = append(ps, "github:"+owner+"/")
			} else {
				ps = append(ps, "github:"+owner+"/"+name+"#")
			}
		}
		prefixes[src.Name] = ps
	}
	kept := issues[:0]
	for _, is := range issues {
		ps, ok := prefixes[is.Source]
		if ok && (ps == nil || slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(is.Key, p) })) {
			kept = append(kept, is)
		}
	}
	return kept
}
