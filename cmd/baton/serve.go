package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/spf13/cobra"

	"github.com/batonhq/baton/daemon"
)

func newServeCmd(g *globals) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon: sync every source on its interval, analyse, serve /metrics, send rollups",
		Long: `Run baton as a daemon. Every source is synced on its interval (with jitter),
each page committed together with its cursor, so a restart after a crash
resumes where the last committed page left off. After a round that wrote,
when a finding is due to change with time, and at least hourly, the
findings are recomputed and exported on /metrics. The Go memory limit
follows the container's (GOMEMLIMIT, when set, wins). /healthz answers while the
process is alive; /readyz once every source has synced and none is failing.
SIGTERM or SIGINT: the page being written is committed, the store closed,
and baton exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Catch SIGHUP before anything else: its default action would
			// kill a daemon that is still starting.
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			limitMemory(g.logger, memlimit.FromCgroup)
			if listen != "" {
				cfg.Listen = listen
			}
			d, err := daemon.Open(cmd.Context(), cfg, daemon.Options{Logger: g.logger, Version: version, ConfigPath: g.configPath, Hangup: hup})
			if err != nil {
				return err
			}
			d.ShowFirstSync(newProgressView(cmd.ErrOrStderr(), g.logger).Update)
			return d.ListenAndServe(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "address for the dashboard, /metrics, /healthz, /readyz (overrides listen: in the config)")
	return cmd
}
