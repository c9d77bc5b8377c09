package rollup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/batonhq/baton/analysis"
)

// Delivery is what became of one rollup on one channel.
type Delivery struct {
	Group   string
	Channel Channel
	Sent    bool
	Err     error // why it was not sent; nil when sent
}

// Refused reports whether the channel turned the rollup down for good this
// week (a 4xx from Slack): it is in the ledger and not tried again.
func (d Delivery) Refused() bool {
	var se *SlackError
	return errors.As(d.Err, &se) && se.Permanent()
}

// SendGroup sends the rollup of g for the week of at on each of its
// channels (only that one when only is not ""), skipping a channel the
// ledger says is done unless force. The rollup is composed once for all
// channels; each succeeds, fails and is recorded on its own. It returns a
// Delivery per channel it tried.
func (s *Sender) SendGroup(ctx context.Context, r *analysis.Report, g Group, at time.Time, only Channel, force bool) []Delivery {
	week := s.Week(at).String()
	var out []Delivery
	for _, c := range g.Channels() {
		if only != "" && c != only {
			continue
		}
		done := false
		var err error
		if !force {
			done, err = s.ledger.RollupDone(ctx, g.Name, string(c), week)
		}
		if err != nil {
			err = fmt.Errorf("checking whether %s went out by %s for %s: %w", g.Name, c, week, err)
		}
		if !done {
			out = append(out, Delivery{Group: g.Name, Channel: c, Err: err})
		}
	}
	if len(out) == 0 {
		return nil
	}
	d, err := s.Compose(ctx, r, g, at)
	for i := range out {
		switch {
		case out[i].Err != nil:
		case err != nil:
			out[i].Err = err
		default:
			out[i].Err = s.deliver(ctx, d, g, out[i].Channel, at)
			out[i].Sent = out[i].Err == nil
		}
	}
	return out
}

// deliver sends d on channel c and records the outcome.
func (s *Sender) deliver(ctx context.Context, d *Digest, g Group, c Channel, at time.Time) error {
	week := d.Week.String()
	var err error
	if c == ChannelSlack {
		err = s.postSlack(ctx, d, g, at)
	} else {
		err = s.mail(ctx, d, g)
	}
	if err != nil {
		return s.failed(ctx, d, c, at, err)
	}
	if err := s.ledger.MarkRollupSent(ctx, d.Group, string(c), week, at); err != nil {
		return fmt.Errorf("rollup %s for %s went out by %s but was not recorded: %w", d.Group, week, c, err)
	}
	data, err := d.Stats.marshal()
	if err == nil {
		err = s.ledger.SaveWeekStats(ctx, d.Group, week, data)
	}
	if err != nil {
		return fmt.Errorf("saving stats of %s for %s: %w", d.Group, week, err)
	}
	return nil
}

func (s *Sender) mail(ctx context.Context, d *Digest, g Group) error {
	if s.transport == nil {
		return errors.New("rollup: no SMTP transport configured")
	}
	msg, err := Message(d, s.cfg.Rollup.SMTP.From, g.To)
	if err != nil {
		return err
	}
	if err := s.transport.Send(ctx, msg); err != nil {
		return fmt.Errorf("sending rollup %s for %s: %w", d.Group, d.Week, err)
	}
	return nil
}

// postSlack posts d to g's webhook, unless Slack asked (429 Retry-After) to
// wait and the time has not come.
func (s *Sender) postSlack(ctx context.Context, d *Digest, g Group, at time.Time) error {
	if s.slack == nil {
		return errors.New("rollup: no Slack poster configured")
	}
	s.mu.Lock()
	until := s.hold[g.Name]
	s.mu.Unlock()
	if wait := until.Sub(at); wait > 0 {
		return &SlackError{Status: http.StatusTooManyRequests, Reason: "waiting out Retry-After", RetryAfter: wait}
	}
	err := s.slack.Post(ctx, g.Slack, SlackMessage(d, s.cfg.Web.ExternalURL))
	var se *SlackError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		s.mu.Lock()
		s.hold[g.Name] = at.Add(se.RetryAfter)
		s.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("posting rollup %s for %s to Slack: %w", d.Group, d.Week, err)
	}
	return nil
}

// failed records a refusal for good in the ledger, so that neither this
// process nor the next retries it this week, and returns err.
func (s *Sender) failed(ctx context.Context, d *Digest, c Channel, at time.Time, err error) error {
	var se *SlackError
	if !errors.As(err, &se) || !se.Permanent() {
		return err
	}
	reason := cmp.Or(se.Reason, http.StatusText(se.Status), strconv.Itoa(se.Status))
	if rerr := s.ledger.MarkRollupRefused(ctx, d.Group, string(c), d.Week.String(), at, reason); rerr != nil {
		return errors.Join(err, fmt.Errorf("recording the refusal: %w", rerr))
	}
	return err
}
