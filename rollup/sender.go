package rollup

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/wneessen/go-mail"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
)

// Channel is a way a rollup goes out; also its name in the ledger and in
// metrics.
type Channel string

// The channels.
const (
	ChannelEmail Channel = "email"
	ChannelSlack Channel = "slack"
)

// Ledger remembers which rollups went out on which channel and what they
// reported. group is OrgGroup or TeamGroup(name); channel a Channel; week
// is Week.String(), e.g. "2026-W48".
type Ledger interface {
	RollupDone(ctx context.Context, group, channel, week string) (bool, error)
	MarkRollupSent(ctx context.Context, group, channel, week string, at time.Time) error
	MarkRollupRefused(ctx context.Context, group, channel, week string, at time.Time, reason string) error
	SaveWeekStats(ctx context.Context, group, week string, data []byte) error
	WeekStats(ctx context.Context, group, week string) (data []byte, ok bool, err error)
}

// Transport delivers one message; *Mailer is the SMTP one.
type Transport interface {
	Send(ctx context.Context, msg *mail.Msg) error
}

// SlackPoster posts one message to a Slack incoming webhook; *SlackWebhook
// is the real one. Its errors must not contain the webhook URL.
type SlackPoster interface {
	Post(ctx context.Context, hook config.Secret, msg *slack.WebhookMessage) error
}

// Sender composes rollups with last week's numbers from the ledger, sends
// them by email and to Slack, and records what went out on each channel.
type Sender struct {
	cfg       *config.Config
	loc       *time.Location
	ledger    Ledger
	transport Transport
	slack     SlackPoster

	mu   sync.Mutex
	hold map[string]time.Time // group -> no Slack post before, after a 429
}

// ErrNoReport is returned when there is no analysis snapshot to report on yet.
var ErrNoReport = errors.New("rollup: no analysis snapshot yet")

// NewSender returns a Sender for cfg. transport (email) and poster (Slack)
// may be nil when rollups are only rendered.
func NewSender(cfg *config.Config, ledger Ledger, transport Transport, poster SlackPoster) (*Sender, error) {
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", cfg.Timezone, err)
	}
	return &Sender{cfg: cfg, loc: loc, ledger: ledger, transport: transport, slack: poster, hold: map[string]time.Time{}}, nil
}

// Week is the ISO week at in the configured zone.
func (s *Sender) Week(at time.Time) Week { return WeekOf(at, s.loc) }

// Compose builds the rollup of g for the week of at, comparing with what
// last week's rollup of g reported.
func (s *Sender) Compose(ctx context.Context, r *analysis.Report, g Group, at time.Time) (*Digest, error) {
	if r == nil {
		return nil, ErrNoReport
	}
	week := s.Week(at)
	prev, err := s.previous(ctx, g.Name, week.Prev().String())
	if err != nil {
		return nil, err
	}
	return Compose(r, g, week, prev), nil
}

// LastReported is what the latest rollup of group up to the week of at
// reported: that week's, else the week before's; nil when neither was sent.
// The dashboard shows the change since it.
func (s *Sender) LastReported(ctx context.Context, group string, at time.Time) (*Stats, error) {
	week := s.Week(at)
	for _, w := range []Week{week, week.Prev()} {
		if st, err := s.previous(ctx, group, w.String()); err != nil || st != nil {
			return st, err
		}
	}
	return nil, nil
}

func (s *Sender) previous(ctx context.Context, group, week string) (*Stats, error) {
	data, ok, err := s.ledger.WeekStats(ctx, group, week)
	if err != nil {
		return nil, fmt.Errorf("reading stats of %s for %s: %w", group, week, err)
	}
	if !ok {
		return nil, nil
	}
	return unmarshalStats(data, group, week)
}

// SendNow sends the rollup of team (every group with recipients when team is
// "") for the week of at, on only's channel or on all, skipping deliveries
// already done that week unless force. It goes on after a failure and
// returns every error.
func (s *Sender) SendNow(ctx context.Context, r *analysis.Report, team string, only Channel, at time.Time, force bool) (sent int, err error) {
	var groups []Group
	for _, g := range Recipients(s.cfg) {
		if only == "" || slices.Contains(g.Channels(), only) {
			groups = append(groups, g)
		}
	}
	if team != "" {
		g, err := FindGroup(s.cfg, team)
		if err != nil {
			return 0, err
		}
		if cs := g.Channels(); len(cs) == 0 || only != "" && !slices.Contains(cs, only) {
			return 0, fmt.Errorf("rollup: team %q has %s", team, missing(only))
		}
		groups = []Group{g}
	}
	if len(groups) == 0 {
		return 0, fmt.Errorf("rollup: nobody to send to: no group has %s", missing(only))
	}
	var errs []error
	for _, g := range groups {
		for _, d := range s.SendGroup(ctx, r, g, at, only, force) {
			if d.Sent {
				sent++
			}
			if d.Err != nil {
				errs = append(errs, d.Err)
			}
		}
	}
	return sent, errors.Join(errs...)
}

// missing names what a group lacks to get a rollup on only.
func missing(only Channel) string {
	switch only {
	case ChannelEmail:
		return "no email recipients (teams[].email, rollup.to)"
	case ChannelSlack:
		return "no Slack webhook (teams[].slack_webhook, rollup.slack_webhook)"
	}
	return "no email recipients or Slack webhook (teams[].email or slack_webhook, rollup.to or slack_webhook)"
}

// Format is an output form of a rendered rollup.
type Format string

// The output formats.
const (
	FormatText Format = "text"
	FormatHTML Format = "html"
	FormatEML  Format = "eml"  // the whole message, as it would be sent
	FormatJSON Format = "json" // the Slack webhook payload, as it would be posted
)

// FormatOf picks the format from an output file's extension; "" and "-"
// (standard output) are text.
func FormatOf(path string) (Format, error) {
	if path == "" || path == "-" {
		return FormatText, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt", ".text":
		return FormatText, nil
	case ".html", ".htm":
		return FormatHTML, nil
	case ".eml":
		return FormatEML, nil
	case ".json":
		return FormatJSON, nil
	}
	return "", fmt.Errorf("rollup output %s: unknown extension (use .txt, .html, .eml or .json)", path)
}

// Render writes the rollup of team (the org-wide one when team is "") for
// the week of at to w. It sends nothing and records nothing.
func (s *Sender) Render(ctx context.Context, w io.Writer, r *analysis.Report, team string, f Format, at time.Time) error {
	g, err := FindGroup(s.cfg, team)
	if err != nil {
		return err
	}
	d, err := s.Compose(ctx, r, g, at)
	if err != nil {
		return err
	}
	switch f {
	case FormatText:
		return RenderText(w, d)
	case FormatHTML:
		return RenderHTML(w, d)
	case FormatEML:
		return writeEML(w, d, cmp.Or(s.cfg.Rollup.SMTP.From, "baton@localhost"), g.To)
	case FormatJSON:
		return writeSlackJSON(w, SlackMessage(d, s.cfg.Web.ExternalURL))
	}
	return fmt.Errorf("rollup: unknown format %q", f)
}

// RenderFile is Render into a new file at path.
func (s *Sender) RenderFile(ctx context.Context, path string, r *analysis.Report, team string, f Format, at time.Time) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := s.Render(ctx, file, r, team, f, at); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func writeEML(w io.Writer, d *Digest, from string, to []string) error {
	msg, err := Message(d, from, to)
	if err != nil {
		return err
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fmt.Errorf("writing message of %s: %w", d.Group, err)
	}
	return nil
}

// writeSlackJSON writes msg as the JSON body a webhook post carries,
// indented for reading.
func writeSlackJSON(w io.Writer, msg *slack.WebhookMessage) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("writing Slack payload: %w", err)
	}
	return nil
}
