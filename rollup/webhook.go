package rollup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// DefaultSlackTimeout bounds one post to a Slack webhook.
const DefaultSlackTimeout = 30 * time.Second

// SlackError is a post to a Slack webhook that failed. It never holds the
// webhook URL: that is a credential.
type SlackError struct {
	Status     int           // HTTP status; 0 when no response came
	Reason     string        // Slack's reason from the body ("channel_not_found"), if any
	RetryAfter time.Duration // from a 429's Retry-After; 0 when not given
	Err        error         // the transport's failure when no response came
}

func (e *SlackError) Error() string {
	switch {
	case e.Status == 0:
		return "posting to Slack: " + e.Err.Error()
	case e.Reason != "":
		return fmt.Sprintf("Slack answered %d %s", e.Status, e.Reason)
	}
	return fmt.Sprintf("Slack answered %d %s", e.Status, http.StatusText(e.Status))
}

func (e *SlackError) Unwrap() error { return e.Err }

// Permanent reports whether posting again cannot help this week: Slack
// refused the webhook or the message (a 4xx such as invalid_token, 404
// channel_not_found, 410 channel_is_archived). 408 and 429 are worth
// retrying, as are 5xx and failures to reach Slack.
func (e *SlackError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}

// SlackWebhook posts messages to Slack incoming webhooks with slack-go.
type SlackWebhook struct {
	timeout   time.Duration
	transport http.RoundTripper
}

// NewSlackWebhook returns a poster whose posts each take at most timeout
// (DefaultSlackTimeout when 0), over transport (http.DefaultTransport when
// nil).
func NewSlackWebhook(timeout time.Duration, transport http.RoundTripper) *SlackWebhook {
	if timeout <= 0 {
		timeout = DefaultSlackTimeout
	}
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &SlackWebhook{timeout: timeout, transport: transport}
}

// Post sends msg to the webhook at hook. Its error is a *SlackError.
func (w *SlackWebhook) Post(ctx context.Context, hook config.Secret, msg *slack.WebhookMessage) error {
	rec := &responseRecorder{next: w.transport}
	client := &http.Client{
		Timeout:   w.timeout,
		Transport: rec,
		// A webhook does not redirect; following one would send the message,
		// and maybe the URL, elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, hook.Reveal(), client, msg)
	if err == nil {
		return nil
	}
	e := &SlackError{Status: rec.status, Reason: rec.reason}
	var limited *slack.RateLimitedError
	switch {
	case errors.As(err, &limited):
		e.RetryAfter = limited.RetryAfter
	case rec.status == http.StatusTooManyRequests:
		e.RetryAfter = httpapi.ParseRetryAfter(rec.header, time.Now())
	case rec.status == 0:
		e.Err = withoutURL(err, hook.Reveal())
	}
	return e
}

// withoutURL is err without the webhook URL that net/http puts in its
// *url.Error ("Post \"https://hooks.slack.com/services/…\": …"), and that
// slack-go's wrapping keeps.
func withoutURL(err error, hook string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if hook != "" && strings.Contains(err.Error(), hook) {
		return errors.New(strings.ReplaceAll(err.Error(), hook, "<secret>"))
	}
	return err
}

// maxReason bounds what is kept of a 4xx body: Slack's reason is one short
// word ("invalid_token").
const maxReason = 200

// maxBody bounds what is read of any answer, which slack-go drains whole
// before closing: a webhook answers "ok", so an endless body is not Slack.
const maxBody = 64 << 10

// responseRecorder keeps what slack-go drops: the status, the headers (for
// Retry-After) and, for a 4xx, Slack's reason from the body.
type responseRecorder struct {
	next   http.RoundTripper
	status int
	header http.Header
	reason string
}

func (r *responseRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.status, r.header = resp.StatusCode, resp.Header
	body := io.LimitReader(resp.Body, maxBody)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		head, _ := io.ReadAll(io.LimitReader(body, maxReason))
		r.reason = reasonOf(head)
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{body, resp.Body}
	return resp, nil
}

// reasonOf is the printable first line of a body, for the log.
func reasonOf(body []byte) string {
	line, _, _ := strings.Cut(string(body), "\n")
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(line))
}
