package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

func newConfigCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with the configuration file",
	}
	var show bool
	check := &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration without contacting any server",
		Long: `Load --config, expand ${ENV} references, read *_file secrets, apply defaults
and validate. Prints every problem as file:line: message and exits 2 if any;
with --show prints the effective configuration (secrets as <secret>).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				var ue *usageError
				if errors.As(err, &ue) {
					fmt.Fprintln(cmd.ErrOrStderr(), ue.err)
					return &usageError{fmt.Errorf("%s: configuration is invalid", g.configPath)}
				}
				return err
			}
			if show {
				out, err := cfg.Dump()
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(out)
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d sources, %d teams)\n", g.configPath, len(cfg.Sources), len(cfg.Teams))
			return nil
		},
	}
	check.Flags().BoolVar(&show, "show", false, "print the effective configuration")
	cmd.AddCommand(check)
	return cmd
}
