package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/spf13/cobra"

	"github.com/batonhq/baton/daemon"
)

func newSyncCmd(g *globals) *cobra.Command {
	var once bool
	var parallel int
	cmd := &cobra.Command{
		Use:   "sync --once",
		Short: "Sync every source once, then analyse",
		Long: `Sync every configured source once (sources in parallel, bounded by
--parallel), then run one analysis. Exits 0 when every source succeeded and
1 when any failed, with one line per failed source on stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !once {
				return usagef("sync runs one pass and needs --once; use 'baton serve' to keep syncing")
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			// The one-round daemon lets the heap reach a floor before it
			// collects; in a container, the container's limit caps that.
			limitMemory(g.logger, memlimit.FromCgroup)
			d, err := daemon.Open(cmd.Context(), cfg, daemon.Options{Logger: g.logger, Version: version, OneRound: true})
			if err != nil {
				return err
			}
			defer d.Close()
			view := newProgressView(cmd.ErrOrStderr(), g.logger)
			failed := d.SyncOnce(cmd.Context(), parallel, view.Update)
			view.Finish()
			if cmd.Context().Err() != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "baton: sync interrupted; the pages committed so far are kept and the next sync resumes from them")
				return &failedError{}
			}
			counts, aerr := d.AnalyzeOnce(cmd.Context())
			if aerr != nil {
				return aerr
			}
			for _, n := range slices.Sorted(maps.Keys(failed)) {
				fmt.Fprintf(cmd.ErrOrStderr(), "baton: source %s failed: %v\n", n, failed[n])
			}
			fmt.Fprintf(cmd.OutOrStdout(), "synced %d sources (%d failed); %d issues analysed, %d findings\n",
				len(d.Sources()), len(failed), counts.Issues, counts.Findings)
			if len(failed) > 0 {
				return &failedError{}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "sync every source once and exit")
	cmd.Flags().IntVar(&parallel, "parallel", 4, "sources synced at the same time")
	return cmd
}
