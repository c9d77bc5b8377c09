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
	var team, out, channel string
	var send, force bool
	cmd := &cobra.Command{
		Use:   "rollup",
		Short: "Render the weekly rollup, or send it now by email and to Slack",
		Long: `Compose this week's rollup from the synced data (no network calls to GitHub
or Jira). Without --send it renders one rollup: the org-wide one, or --team's,
as text to stdout or to --out (.txt, .html or .eml by extension; .json, or
--channel slack, is the Slack webhook payload). With --send it mails every
group with recipients over rollup.smtp and posts to every Slack webhook (or
only --team's, only on --channel), skipping any already sent this ISO week
unless --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := rollup.FormatOf(out)
			if err != nil {
				return &usageError{fmt.Errorf("--out: %w", err)}
			}
			if format, err = channelFormat(rollup.Channel(channel), format, out); err != nil {
				return err
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
					n, err = sender.SendNow(ctx, r, team, rollup.Channel(channel), now, force)
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
	cmd.Flags().StringVar(&out, "out", "", "write to this file (.txt, .html, .eml, or .json: the Slack payload) instead of stdout")
	cmd.Flags().StringVar(&channel, "channel", "", "only this channel: email or slack (without --send: slack renders the Slack payload)")
	cmd.Flags().BoolVar(&send, "send", false, "send now, by email and to Slack")
	cmd.Flags().BoolVar(&force, "force", false, "with --send: send even if already sent this week")
	return cmd
}

// channelFormat checks --channel and picks the format it implies when --out
// names none: the Slack payload for slack.
func channelFormat(c rollup.Channel, f rollup.Format, out string) (rollup.Format, error) {
	switch {
	case c != "" && c != rollup.ChannelEmail && c != rollup.ChannelSlack:
		return f, usagef("--channel %q: want email or slack", c)
	case c == rollup.ChannelSlack && (out == "" || out == "-"):
		return rollup.FormatJSON, nil
	case c == rollup.ChannelSlack && f != rollup.FormatJSON:
		return f, usagef("--channel slack renders the Slack payload: --out must end in .json")
	case c == rollup.ChannelEmail && f == rollup.FormatJSON:
		return f, usagef("--out %s is the Slack payload; --channel email renders .txt, .html or .eml", out)
	}
	return f, nil
}
