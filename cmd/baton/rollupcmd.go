package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/rollup"
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
			sender, err := daemon.Rollups(cfg, st, send)
			if smtp := new(daemon.SMTPError); errors.As(err, &smtp) {
				err = &usageError{err} // rollup.smtp cannot work: a configuration problem
			}
			if send {
				n := 0
				if err == nil {
					n, err = sender.SendNow(ctx, r, team, now, force)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "sent %d rollups\n", n)
				return err
			}
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				return sender.Render(ctx, cmd.OutOrStdout(), r, team, format, now)
			}
			return sender.RenderFile(ctx, out, r, team, format, now)
		},
	}
	cmd.Flags().StringVar(&team, "team", "", "the team's rollup instead of the org-wide one")
	cmd.Flags().StringVar(&out, "out", "", "write to this file (.txt, .html, .eml) instead of stdout")
	cmd.Flags().BoolVar(&send, "send", false, "send by email now")
	cmd.Flags().BoolVar(&force, "force", false, "with --send: send even if already sent this week")
	return cmd
}
