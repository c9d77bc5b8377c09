package main

import (
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/demo"
)

func newDemoCmd(g *globals) *cobra.Command {
	o := demo.Options{Version: version}
	var listen string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See baton work on a simulated GitHub + Jira organisation, no credentials needed",
		Long: `Start simulated GitHub and Jira Cloud APIs in-process with a generated
organisation (four teams, planted stalled and misaligned work), write a config
that points the real connectors at them, and run the real daemon: first sync,
analysis, /metrics, rollup emails rendered to files (and sent with --smtp).
It prints the top findings and where to look next, then keeps syncing while
the simulation changes a few issues each interval, until Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Size < 50 {
				return usagef("--size must be at least 50, got %d", o.Size)
			}
			if o.Interval < 10*time.Second {
				return usagef("--interval must be at least 10s, got %s", o.Interval)
			}
			if _, _, err := net.SplitHostPort(o.SMTP); o.SMTP != "" && err != nil {
				return usagef("--smtp %q: want host:port", o.SMTP)
			}
			o.Logger = g.logger
			if !cmd.Flags().Changed("log-level") {
				o.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return usagef("--listen %s: %v (pick another with --listen 127.0.0.1:0)", listen, err)
			}
			defer ln.Close()
			o.Progress = newProgressView(os.Stderr, o.Logger)
			return demo.Run(cmd.Context(), cmd.OutOrStdout(), ln, o)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.Seed, "seed", 1, "organisation generator seed")
	f.IntVar(&o.Size, "size", 400, "number of issues in the simulated organisation")
	f.StringVar(&o.DataDir, "data-dir", "", "where the config, SQLite file and rollups go (default: a new temporary directory)")
	f.StringVar(&listen, "listen", "127.0.0.1:9464", "address for the dashboard, /metrics, /healthz, /readyz")
	f.DurationVar(&o.Interval, "interval", 30*time.Second, "how often to re-sync (the simulation changes a few issues as often)")
	f.StringVar(&o.SMTP, "smtp", "", "host:port of an SMTP server (no TLS, no auth) to send the rollups to")
	return cmd
}
