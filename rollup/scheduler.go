package rollup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
)

// Clock is the scheduler's view of time, so tests can set it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Defaults of the Scheduler's knobs.
const (
	DefaultRetryBase  = time.Minute
	DefaultRetryMax   = time.Hour
	DefaultReportPoll = 10 * time.Second
	// maxSleep bounds one wait so a clock jump or a suspended machine delays a
	// rollup by at most this much.
	maxSleep = time.Hour
	// minSleep is the shortest wait, so no setting or clock can make Run spin.
	minSleep = time.Second
)

// Scheduler sends each group's rollup once per ISO week, at or after the
// first time rollup.schedule fires in that week. Set the exported fields
// before Run.
type Scheduler struct {
	sender   *Sender
	schedule cron.Schedule
	report   func() *analysis.Report
	log      *slog.Logger

	OnSent     func(c Channel, n int, at time.Time) // n rollups went out on c at at; may be nil
	OnFailed   func(c Channel)                      // once per rollup that failed to go out on c; may be nil
	Clock      Clock
	RetryBase  time.Duration // first wait after a failure; doubles up to RetryMax
	RetryMax   time.Duration
	ReportPoll time.Duration // how often to look for the first snapshot
}

// NewScheduler returns a Scheduler sending through sender on cfg's schedule,
// with the latest snapshot from report (nil until the first analysis); log
// may be nil.
func NewScheduler(cfg *config.Config, sender *Sender, report func() *analysis.Report, log *slog.Logger) (*Scheduler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sched, err := cron.ParseStandard(cfg.Rollup.Schedule)
	if err != nil {
		return nil, fmt.Errorf("rollup.schedule %q: %w", cfg.Rollup.Schedule, err)
	}
	// cron gives up after five years and returns the zero time: every wait
	// would then be negative.
	if sched.Next(time.Now()).IsZero() {
		return nil, fmt.Errorf("rollup.schedule %q never fires: no time in the next five years matches it", cfg.Rollup.Schedule)
	}
	return &Scheduler{
		sender: sender, schedule: sched, report: report, log: log,
		Clock:     realClock{},
		RetryBase: DefaultRetryBase, RetryMax: DefaultRetryMax, ReportPoll: DefaultReportPoll,
	}, nil
}

// Due reports whether the schedule has fired in the ISO week of at, at or
// before at: this week's rollups should have gone out.
func (s *Scheduler) Due(at time.Time) bool {
	week := s.sender.Week(at)
	first := s.schedule.Next(week.Start.Add(-time.Second))
	return !first.After(at) && first.Before(week.End())
}

// SendDue sends every group's rollup that is due and not in the ledger for
// this week, on each of its channels, using snapshot r. It reports sends and
// failures to the hooks.
func (s *Scheduler) SendDue(ctx context.Context, r *analysis.Report) (sent, failed int) {
	p := s.sendDue(ctx, r)
	return p.sent, p.failed
}

// pass is what one SendDue did.
type pass struct {
	sent, failed int
	retry        int           // failures worth retrying
	retryAfter   time.Duration // the longest wait Slack asked for
}

func (s *Scheduler) sendDue(ctx context.Context, r *analysis.Report) pass {
	var p pass
	now := s.Clock.Now()
	if !s.Due(now) {
		return p
	}
	sent := map[Channel]int{}
groups:
	for _, g := range Recipients(s.sender.cfg) {
		for _, d := range s.sender.SendGroup(ctx, r, g, now, "", false) {
			if d.Sent {
				sent[d.Channel]++
			}
			if ctx.Err() != nil {
				break groups // shutting down: not a failed send
			}
			if d.Err != nil {
				s.failure(&p, d)
			}
		}
	}
	for _, c := range []Channel{ChannelEmail, ChannelSlack} {
		if n := sent[c]; n > 0 {
			p.sent += n
			s.log.Info("rollups sent", "channel", string(c), "count", n, "week", s.sender.Week(now).String())
			if s.OnSent != nil {
				s.OnSent(c, n, now)
			}
		}
	}
	return p
}

// failure counts and logs d's failure: with Slack's reason, and whether it
// will be retried or waits for next week.
func (s *Scheduler) failure(p *pass, d Delivery) {
	p.failed++
	if s.OnFailed != nil {
		s.OnFailed(d.Channel)
	}
	log := s.log.With("group", d.Group, "channel", string(d.Channel))
	var se *SlackError
	if errors.As(d.Err, &se) && se.Reason != "" {
		log = log.With("reason", se.Reason)
	}
	if d.Refused() {
		log.Error("rollup refused; not retried this week", "err", d.Err)
		return
	}
	p.retry++
	if se != nil {
		p.retryAfter = max(p.retryAfter, se.RetryAfter)
	}
	log.Error("rollup not sent; will retry", "err", d.Err)
}

// Run sends due rollups once at start and again at every tick of the
// schedule, retrying failures with backoff (never sooner than a Slack
// Retry-After), until ctx is done; then it returns nil. Run it in its own
// goroutine: it never blocks syncing. It waits for the first snapshot
// before sending anything.
func (s *Scheduler) Run(ctx context.Context) error {
	failures := 0
	for {
		wait := s.ReportPoll
		if r := s.report(); r != nil {
			p := s.sendDue(ctx, r)
			wait, failures = s.nextWait(p.retry, failures)
			wait = max(wait, p.retryAfter)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.Clock.After(min(max(wait, minSleep), maxSleep)):
		}
	}
}

// nextWait is how long to sleep after a pass: until the next tick, or less
// after failures (RetryBase doubling up to RetryMax), never over maxSleep.
func (s *Scheduler) nextWait(failed, failures int) (time.Duration, int) {
	now := s.Clock.Now()
	wait := min(s.schedule.Next(now.In(s.sender.loc)).Sub(now), maxSleep)
	if failed == 0 {
		return wait, 0
	}
	failures++
	backoff := s.RetryBase
	for i := 1; i < failures && backoff < s.RetryMax; i++ {
		backoff *= 2
	}
	return min(wait, backoff, s.RetryMax), failures
}
