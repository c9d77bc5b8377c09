package main

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/store"
)

type ackOptions struct {
	rule, until, forDur, reason, by string
}

func newAckCmd(g *globals) *cobra.Command {
	var o ackOptions
	cmd := &cobra.Command{
		Use:   "ack ISSUE (--until DATE | --for DURATION) --reason TEXT [--rule RULE] [--by NAME]",
		Short: "Acknowledge the findings on an issue until a date",
		Long: `Record that the findings on ISSUE (only those of --rule, if given) are known
and agreed on: until the date they leave baton findings (see --all), the
finding metrics (their alerts resolve; baton_acknowledged_findings counts
them) and the rollup's numbers and next steps, which list them under
"Acknowledged". --until DATE holds through that day in the configured
timezone; --for takes a duration such as 14d.

An ack lapses early when a finding it covers gets worse than when it was
taken: a higher severity, or an issue it did not name then (a new blocker, a
longer cycle). It takes effect at the daemon's next analysis.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("ack takes one issue key (github:owner/repo#N or jira:KEY-N), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			now := time.Now()
			a, err := o.ack(args[0], cfg.Location(), now) // bad flags are usage errors, store or not
			if err != nil {
				return err
			}
			st, err := daemon.OpenSynced(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := takeAck(cmd.Context(), st, cfg, &a, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ack %d: %d finding%s on %s acknowledged until %s\n",
				a.ID, n, plural(n), a.Issue, a.Until.In(cfg.Location()).Format("2006-01-02 15:04 MST"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.rule, "rule", "", "acknowledge only this rule's finding (default: every finding on the issue)")
	f.StringVar(&o.until, "until", "", "last day the ack holds (YYYY-MM-DD, in the configured timezone) or an RFC 3339 time")
	f.StringVar(&o.forDur, "for", "", "how long the ack holds from now, e.g. 14d or 36h")
	f.StringVar(&o.reason, "reason", "", "what was agreed (required)")
	f.StringVar(&o.by, "by", "", "who acknowledges (default: the current user)")
	cmd.AddCommand(newAckListCmd(g), newAckRmCmd(g))
	return cmd
}

// ack checks the flags and returns the ack they describe for issue, without
// its snapshot of the findings.
func (o *ackOptions) ack(issue string, loc *time.Location, now time.Time) (model.Ack, error) {
	a := model.Ack{Issue: issue, Rule: o.rule, Reason: o.reason, By: o.by, Created: now}
	if o.rule != "" {
		if _, err := analysis.Filter(nil, "", o.rule); err != nil {
			return a, &usageError{fmt.Errorf("--rule: %w", err)}
		}
	}
	if o.reason == "" {
		return a, usagef("--reason is required: say what was agreed")
	}
	switch {
	case (o.until == "") == (o.forDur == ""):
		return a, usagef("give exactly one of --until DATE and --for DURATION")
	case o.forDur != "":
		d, err := config.ParseDuration(o.forDur)
		if err != nil || d <= 0 {
			return a, usagef("--for %q: want a positive duration such as 14d or 36h", o.forDur)
		}
		a.Until = now.Add(d.D())
	default:
		until, err := untilFlag(o.until, loc)
		if err != nil {
			return a, err
		}
		if !until.After(now) {
			return a, usagef("--until %s is in the past", o.until)
		}
		a.Until = until
	}
	if a.By == "" {
		a.By = currentUser()
	}
	return a, nil
}

// untilFlag parses --until: a day (held through its end in loc) or an
// RFC 3339 time.
func untilFlag(s string, loc *time.Location) (time.Time, error) {
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--until %q: want a date (YYYY-MM-DD) or an RFC 3339 time", s)
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// takeAck records a (daemon.TakeAck); an issue not in the store or without
// findings is a usage error.
func takeAck(ctx context.Context, st *store.Store, cfg *config.Config, a *model.Ack, now time.Time) (int, error) {
	n, err := daemon.TakeAck(ctx, st, cfg, a, now)
	switch {
	case errors.Is(err, daemon.ErrNotInStore):
		return 0, usagef("no issue %q in the store (keys look like github:owner/repo#N or jira:KEY-N; run 'baton sync --once' if it is new)", a.Issue)
	case errors.Is(err, daemon.ErrNothingToAck):
		what := "no finding"
		if a.Rule != "" {
			what = "no " + a.Rule + " finding"
		}
		return 0, usagef("%s has %s now: nothing to acknowledge", a.Issue, what)
	}
	return n, err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newAckListCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List acknowledgements: active, lapsed, and those expired in the last 30 days",
		Long: `List acknowledgements with their state: active (it applies), lapsed (a finding
it covers got worse, so it applies to none) or expired (listed for 30 days
after its until).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return g.withStore(cmd.Context(), func(cfg *config.Config, st *store.Store) error {
				out, err := daemon.ListAcks(cmd.Context(), st, cfg, time.Now())
				if err != nil {
					return err
				}
				if asJSON {
					return report.WriteAcksJSON(cmd.OutOrStdout(), out)
				}
				return report.WriteAcksTable(cmd.OutOrStdout(), out, cfg.Location())
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// withStore loads the configuration, opens the synced store, runs run and
// closes the store.
func (g *globals) withStore(ctx context.Context, run func(*config.Config, *store.Store) error) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, err := daemon.OpenSynced(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return run(cfg, st)
}

func newAckRmCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID",
		Short: "Remove an acknowledgement: its findings count again at the next analysis",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("ack rm takes one ack ID (see 'baton ack list'), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("ack rm %q: want an ack ID (see 'baton ack list')", args[0])
			}
			return g.withStore(cmd.Context(), func(_ *config.Config, st *store.Store) error {
				if ok, err := st.RemoveAck(cmd.Context(), id); err != nil {
					return err
				} else if !ok {
					return usagef("no ack %d (see 'baton ack list')", id)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed ack %d\n", id)
				return nil
			})
		},
	}
}
