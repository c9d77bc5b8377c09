package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
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
			st, err := openSynced(ctx, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			now := time.Now()
			r, err := analyseStored(ctx, st, cfg, now)
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
	mailer, err := rollup.NewMailer(cfg.Rollup.SMTP)
	if err != nil {
		return 0, &usageError{err}
	}
	sender, err := rollup.NewSender(cfg, st, mailer)
	if err != nil {
		return 0, err
	}
	return sender.SendNow(ctx, r, team, now, force)
}

func renderRollup(ctx context.Context, stdout io.Writer, cfg *config.Config, st *store.Store, r *analysis.Report, team, out string, f rollup.Format, now time.Time) error {
	sender, err := rollup.NewSender(cfg, st, nil)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		return sender.Render(ctx, stdout, r, team, f, now)
	}
	return writeFileWith(out, func(w io.Writer) error { return sender.Render(ctx, w, r, team, f, now) })
}

// runRollups sends the weekly rollups on schedule until ctx is done; it does
// nothing when nobody is configured to receive them.
func (d *daemon) runRollups(ctx context.Context) {
	cfg := d.config()
	if len(rollup.Recipients(cfg)) == 0 {
		d.log.Info("rollups off: no teams[].email or rollup.to configured")
		return
	}
	sched, err := d.rollupScheduler(cfg)
	if err == nil {
		err = sched.Run(ctx)
	}
	if err != nil && ctx.Err() == nil {
		d.log.Error("rollups stopped", "err", err)
	}
}

func (d *daemon) rollupScheduler(cfg *config.Config) (*rollup.Scheduler, error) {
	mailer, err := rollup.NewMailer(cfg.Rollup.SMTP)
	if err != nil {
		return nil, err
	}
	sender, err := rollup.NewSender(cfg, d.store, mailer)
	if err != nil {
		return nil, err
	}
	sched, err := rollup.NewScheduler(cfg, sender, d.report.Load, d.log.With("component", "rollup"))
	if err != nil {
		return nil, err
	}
	sched.OnSent = d.metrics.RollupSent
	sched.OnFailed = d.metrics.RollupFailed
	return sched, nil
}
