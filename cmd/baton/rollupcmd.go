package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/rollup"
	"github.com/batonhq/baton/store"
)

func newRollupCmd(g *globals) *cobra.Command {
	var team, out string
	var send, force bool
	cmd := &cobra.Command{
		Use:   "rollup",
		Short: "Render the weekly rollup email, or send it now",
		Long: `Compose this week's rollup from the synced data (no network calls to GitHub
or Jira). Without --send it renders one rollup: the org-wide one, or --team's,
as text to stdout or to --out (.txt, .html or .eml by extension). With --send
it mails every group with recipients (or only --team's) over rollup.smtp,
skipping any already sent this ISO week unless --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := rollup.FormatOf(out)
			if err != nil {
				return &usageError{fmt.Errorf("--out: %w", err)}
			}
			if force && !send {
				return usagef("--force only makes sense with --send")
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if err := checkTeam(cfg, team); err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := daemon.OpenSynced(ctx, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			now := time.Now()
			r, err := daemon.AnalyseStored(ctx, st, cfg, now)
			if err != nil {
				return err
			}
			if send {
				n, err := sendRollups(ctx, cfg, st, r, team, now, force)
				fmt.Fprintf(cmd.OutOrStdout(), "sent %d rollups\n", n)
				return err
			}
			return renderRollup(ctx, cmd.OutOrStdout(), cfg, st, r, team, out, format, now)
		},
	}
	cmd.Flags().StringVar(&team, "team", "", "the team's rollup instead of the org-wide one")
	cmd.Flags().StringVar(&out, "out", "", "write to this file (.txt, .html, .eml) instead of stdout")
	cmd.Flags().BoolVar(&send, "send", false, "send by email now")
	cmd.Flags().BoolVar(&force, "force", false, "with --send: send even if already sent this week")
	return cmd
}

func sendRollups(ctx context.Context, cfg *config.Config, st *store.Store, r *analysis.Report, team string, now time.Time, force bool) (int, error) {
	sender, err := daemon.Rollups(cfg, st, true)
	var smtp *daemon.SMTPError
	if errors.As(err, &smtp) {
		return 0, &usageError{err}
	}
	if err != nil {
		return 0, err
	}
	return sender.SendNow(ctx, r, team, now, force)
}

func renderRollup(ctx context.Context, stdout io.Writer, cfg *config.Config, st *store.Store, r *analysis.Report, team, out string, f rollup.Format, now time.Time) error {
	sender, err := daemon.Rollups(cfg, st, false)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		return sender.Render(ctx, stdout, r, team, f, now)
	}
	return sender.RenderFile(ctx, out, r, team, f, now)
}
