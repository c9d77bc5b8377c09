package rollup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
)

// Ledger remembers which rollups were sent and what they reported. group is
// OrgGroup or TeamGroup(name); week is Week.String(), e.g. "2026-W48".
type Ledger interface {
	RollupSent(ctx context.Context, group, week string) (sentAt time.Time, ok bool, err error)
	MarkRollupSent(ctx context.Context, group, week string, at time.Time) error
	SaveWeekStats(ctx context.Context, group, week string, data []byte) error
	WeekStats(ctx context.Context, group, week string) (data []byte, ok bool, err error)
}

// Transport delivers one message; *Mailer is the SMTP one.
type Transport interface {
	Send(ctx context.Context, msg *mail.Msg) error
}

// Sender composes rollups with last week's numbers from the ledger, sends
// them, and records what was sent.
type Sender struct {
	cfg       *config.Config
	loc       *time.Location
	ledger    Ledger
	transport Transport
}

// ErrNoReport is returned when there is no analysis snapshot to report on yet.
var ErrNoReport = errors.New("rollup: no analysis snapshot yet")

// NewSender returns a Sender for cfg. transport may be nil when rollups are
// only rendered.
func NewSender(cfg *config.Config, ledger Ledger, transport Transport) (*Sender, error) {
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", cfg.Timezone, err)
	}
	return &Sender{cfg: cfg, loc: loc, ledger: ledger, transport: transport}, nil
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

// SendGroup sends the rollup of g for the week of at, unless the ledger says
// it was sent already and force is false. It records the send and the
// numbers it reported. sent says whether a message went out.
func (s *Sender) SendGroup(ctx context.Context, r *analysis.Report, g Group, at time.Time, force bool) (sent bool, err error) {
	if s.transport == nil {
		return false, errors.New("rollup: no SMTP transport configured")
	}
	week := s.Week(at).String()
	if !force {
		_, done, err := s.ledger.RollupSent(ctx, g.Name, week)
		if err != nil {
			return false, fmt.Errorf("checking whether %s was sent for %s: %w", g.Name, week, err)
		}
		if done {
			return false, nil
		}
	}
	d, err := s.Compose(ctx, r, g, at)
	if err != nil {
		return false, err
	}
	msg, err := Message(d, s.cfg.Rollup.SMTP.From, g.To)
	if err != nil {
		return false, err
	}
	if err := s.transport.Send(ctx, msg); err != nil {
		return false, fmt.Errorf("sending rollup %s for %s: %w", g.Name, week, err)
	}
	return true, s.record(ctx, d, at)
}

// record marks d sent first (it is what prevents a second send), then keeps
// its numbers for next week.
func (s *Sender) record(ctx context.Context, d *Digest, at time.Time) error {
	week := d.Week.String()
	if err := s.ledger.MarkRollupSent(ctx, d.Group, week, at); err != nil {
		return fmt.Errorf("rollup %s for %s was sent but not recorded: %w", d.Group, week, err)
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

// SendNow sends the rollup of team (every group with recipients when team is
// "") for the week of at, skipping groups already sent that week unless
// force. It goes on after a failed group and returns every error.
func (s *Sender) SendNow(ctx context.Context, r *analysis.Report, team string, at time.Time, force bool) (sent int, err error) {
	groups := Recipients(s.cfg)
	if team != "" {
		g, err := FindGroup(s.cfg, team)
		if err != nil {
			return 0, err
		}
		if len(g.To) == 0 {
			return 0, fmt.Errorf("rollup: team %q has no email recipients (teams[].email)", team)
		}
		groups = []Group{g}
	}
	if len(groups) == 0 {
		return 0, errors.New("rollup: nobody to send to (set teams[].email or rollup.to)")
	}
	var errs []error
	for _, g := range groups {
		ok, err := s.SendGroup(ctx, r, g, at, force)
		if ok {
			sent++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// Format is an output form of a rendered rollup.
type Format string

// The output formats.
const (
	FormatText Format = "text"
	FormatHTML Format = "html"
	FormatEML  Format = "eml" // the whole message, as it would be sent
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
	}
	return "", fmt.Errorf("rollup output %s: unknown extension (use .txt, .html or .eml)", path)
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
