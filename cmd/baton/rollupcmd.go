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
			if send {
				n, err := sendRollups(ctx, cfg, st, r, team, rollup.Channel(channel), now, force)
				fmt.Fprintf(cmd.OutOrStdout(), "sent %d rollups\n", n)
				return err
			}
			return renderRollup(ctx, cmd.OutOrStdout(), cfg, st, r, team, out, format, now)
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

func sendRollups(ctx context.Context, cfg *config.Config, st *store.Store, r *analysis.Report, team string, only rollup.Channel, now time.Time, force bool) (int, error) {
	sender, err := daemon.Rollups(cfg, st, true)
	var smtp *daemon.SMTPError
	if errors.As(err, &smtp) {
		return 0, &usageError{err}
	}
	if err != nil {
		return 0, err
	}
	return sender.SendNow(ctx, r, team, only, now, force)
}

func renderRollup(ctx context.Context, stdout io.Writer, cfg *config.Config, st *store.Store, r *analysis.Report, team, out string, f rollup.Format, now time.Time) error {
	sender, err := daemon.Rollups(cfg, st, false)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		return sender.Render(ctx, stdout, r, team, f, now)
	}
	return writeFileWith(out, func(w io.Writer) error { return sender.Render(ctx, w, r, team, f, now) })
}
