package rollup

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/batonhq/baton/config"
)

// The rollup.smtp.tls modes.
const (
	TLSNone     = "none"     // plain SMTP, no TLS at all
	TLSStartTLS = "starttls" // STARTTLS, mandatory
	TLSImplicit = "tls"      // implicit TLS (SMTPS)
)

// DefaultTimeout bounds one SMTP conversation when rollup.smtp.timeout is unset.
const DefaultTimeout = 30 * time.Second

// Mailer sends messages through the configured SMTP server. A new connection
// is made for every Send.
type Mailer struct {
	host string
	addr string // host:port, for errors
	opts []mail.Option
}

// MailerOption adjusts a Mailer beyond what the configuration says.
type MailerOption func(*[]mail.Option)

// WithTLSConfig makes the Mailer verify the server (starttls and tls modes)
// with tc instead of the system's roots and the host name, e.g. to trust a
// private CA.
func WithTLSConfig(tc *tls.Config) MailerOption {
	return func(opts *[]mail.Option) { *opts = append(*opts, mail.WithTLSConfig(tc)) }
}

// NewMailer checks the SMTP settings and prepares a Mailer; it makes no
// connection. SMTP AUTH (PLAIN or LOGIN, whichever the server offers) is used
// only when a username is set; go-mail refuses to send a password over a
// connection without TLS unless the server is localhost.
func NewMailer(c config.SMTP, options ...MailerOption) (*Mailer, error) {
	if c.Host == "" {
		return nil, fmt.Errorf("rollup.smtp.host is empty")
	}
	mode := c.TLS
	if mode == "" {
		mode = TLSStartTLS
	}
	port := c.Port
	opts := []mail.Option{}
	switch mode {
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		port = cmp.Or(port, 25)
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		port = cmp.Or(port, 587)
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
		port = cmp.Or(port, 465)
	default:
		return nil, fmt.Errorf("rollup.smtp.tls: unknown mode %q (use none, starttls or tls)", c.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("rollup.smtp.port: %d is not a port", port)
	}
	timeout := c.Timeout.D()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts = append(opts, mail.WithPort(port), mail.WithTimeout(timeout))
	if c.Username != "" {
		opts = append(opts,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(c.Username),
			mail.WithPassword(c.Password.Reveal()))
	}
	for _, o := range options {
		o(&opts)
	}
	return &Mailer{host: c.Host, addr: net.JoinHostPort(c.Host, strconv.Itoa(port)), opts: opts}, nil
}

// Addr is the host:port the Mailer connects to.
func (m *Mailer) Addr() string { return m.addr }

// Send delivers msg in one SMTP conversation.
func (m *Mailer) Send(ctx context.Context, msg *mail.Msg) error {
	client, err := mail.NewClient(m.host, m.opts...)
	if err != nil {
		return fmt.Errorf("setting up SMTP client for %s: %w", m.addr, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("sending mail via %s: %w", m.addr, err)
	}
	return nil
}

// headerRollup names the group and week a message is the rollup of.
const headerRollup mail.Header = "X-Baton-Rollup"

// Message builds the multipart/alternative mail of d: the text part and the
// HTML part with the same content.
func Message(d *Digest, from string, to []string) (*mail.Msg, error) {
	var text, html bytes.Buffer
	if err := RenderText(&text, d); err != nil {
		return nil, fmt.Errorf("rendering text of %s: %w", d.Group, err)
	}
	if err := RenderHTML(&html, d); err != nil {
		return nil, fmt.Errorf("rendering HTML of %s: %w", d.Group, err)
	}
	m := mail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("rollup.smtp.from %q: %w", from, err)
	}
	if len(to) > 0 {
		if err := m.To(to...); err != nil {
			return nil, fmt.Errorf("recipients of %s: %w", d.Group, err)
		}
	}
	m.Subject(d.Subject())
	m.SetGenHeader(headerRollup, d.Group+" "+d.Week.String())
	m.SetBodyString(mail.TypeTextPlain, text.String())
	m.AddAlternativeString(mail.TypeTextHTML, html.String())
	return m, nil
}
