package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/config"
)

// globals are the flags every command shares.
type globals struct {
	configPath string
	logLevel   string
	logFormat  string
	logger     *slog.Logger
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "baton",
		Short: "Catch cross-team work that falls through the cracks between GitHub and Jira",
		Long: `baton pulls issues from GitHub and Jira into one cross-team dependency model,
finds stalled tickets and cross-team misalignment, exports Prometheus metrics
and sends weekly rollup emails.

Start with 'baton demo' to see it work on a simulated organisation.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			l, err := newLogger(cmd.ErrOrStderr(), g.logLevel, g.logFormat)
			if err != nil {
				return err
			}
			g.logger = l
			return nil
		},
	}
	def := os.Getenv("BATON_CONFIG")
	if def == "" {
		def = "baton.yaml"
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", def, "configuration file (env BATON_CONFIG)")
	pf.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		newServeCmd(g),
		newSyncCmd(g),
		newFindingsCmd(g),
		newAckCmd(g),
		newDepsCmd(g),
		newRollupCmd(g),
		newConfigCmd(g),
		newDemoCmd(g),
		newSimCmd(g),
		newVersionCmd(),
	)
	usageArgs(root)
	return root
}

// usageArgs makes a wrong number or kind of arguments, an unknown command
// included, a usage error (exit 2) on c and every command below it, as
// SetFlagErrorFunc does for flags. A command that only groups others shows
// its help when run bare.
func usageArgs(c *cobra.Command) {
	if c.HasSubCommands() && !c.Runnable() {
		c.Args = cobra.NoArgs
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level: %q is not one of debug, info, warn, error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format: %q is not text or json", format)
}

// loadConfig loads --config; a bad file is a usage error (exit 2). What
// is allowed but unsafe (a token file others can read) is logged.
func (g *globals) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(g.configPath)
	if err != nil {
		return nil, &usageError{err}
	}
	for _, w := range cfg.Warnings() {
		g.logger.Warn(w)
	}
	return cfg, nil
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print baton's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "baton", version)
		},
	}
}
