package daemon

import (
	"context"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/rollup"
	"github.com/batonhq/baton/store"
)

// SMTPError is a rollup.smtp that cannot send: a configuration problem.
type SMTPError struct{ Err error }

func (e *SMTPError) Error() string { return e.Err.Error() }
func (e *SMTPError) Unwrap() error { return e.Err }

// Rollups is the rollup service of cfg over st, the one place it is built:
// with send it mails through rollup.smtp (an *SMTPError when that cannot
// work, if any group gets email) and posts to the Slack webhooks; without it
// only renders.
func Rollups(cfg *config.Config, st *store.Store, send bool) (*rollup.Sender, error) {
	if !send {
		return rollup.NewSender(cfg, st, nil, nil)
	}
	var mailer rollup.Transport
	if mails(cfg) {
		m, err := rollup.NewMailer(cfg.Rollup.SMTP)
		if err != nil {
			return nil, &SMTPError{err}
		}
		mailer = m
	}
	return rollup.NewSender(cfg, st, mailer, rollup.NewSlackWebhook(rollup.DefaultSlackTimeout, nil))
}

// mails reports whether any rollup goes out by email.
func mails(cfg *config.Config) bool {
	for _, g := range rollup.Recipients(cfg) {
		if len(g.To) > 0 {
			return true
		}
	}
	return false
}

// scheduleRollups runs the rollup scheduler with the configuration in force,
// restarting it after every reload, until ctx is done.
func (d *Daemon) scheduleRollups(ctx context.Context) {
	for {
		run, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.runRollups(run)
		}()
		select {
		case <-ctx.Done():
		case <-d.rescheduled:
		}
		stop()
		<-done
		if ctx.Err() != nil {
			return
		}
	}
}

// runRollups sends the weekly rollups on schedule until ctx is done; it does
// nothing when nobody is configured to receive them.
func (d *Daemon) runRollups(ctx context.Context) {
	cfg := d.Config()
	if len(rollup.Recipients(cfg)) == 0 {
		d.log.Info("rollups off: no teams[].email, teams[].slack_webhook, rollup.to or rollup.slack_webhook configured")
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

func (d *Daemon) rollupScheduler(cfg *config.Config) (*rollup.Scheduler, error) {
	sender, err := Rollups(cfg, d.store, true)
	if err != nil {
		return nil, err
	}
	sched, err := rollup.NewScheduler(cfg, sender, d.report.Load, d.log.With("component", "rollup"))
	if err != nil {
		return nil, err
	}
	sched.OnSent = func(c rollup.Channel, n int, at time.Time) { d.metrics.RollupSent(string(c), n, at) }
	sched.OnFailed = func(c rollup.Channel) { d.metrics.RollupFailed(string(c)) }
	return sched, nil
}
