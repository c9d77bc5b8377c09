package rollup

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/store"
)

// secretPart is in every test webhook's path: no error or log may show it.
const secretPart = "XXSECRETXX"

// fakeSlack stands in for Slack's webhook endpoint: it keeps every post by
// path and answers with what answer says for the nth post to a path.
type fakeSlack struct {
	*httptest.Server
	mu     sync.Mutex
	posts  map[string][][]byte
	answer func(path string, n int) (status int, retryAfter, body string)
}

func newFakeSlack(t *testing.T, answer func(path string, n int) (int, string, string)) *fakeSlack {
	t.Helper()
	f := &fakeSlack{posts: map[string][][]byte{}, answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		if _, err := body.ReadFrom(r.Body); err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.posts[r.URL.Path] = append(f.posts[r.URL.Path], body.Bytes())
		n := len(f.posts[r.URL.Path])
		f.mu.Unlock()
		status, retryAfter, text := http.StatusOK, "", "ok"
		if f.answer != nil {
			status, retryAfter, text = f.answer(r.URL.Path, n)
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(text))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) hook(group string) config.Secret {
	return config.Secret(f.URL + hookPath(group))
}

func hookPath(group string) string { return "/services/T0/" + group + "/" + secretPart }

// count is how many posts the webhook of group got.
func (f *fakeSlack) count(group string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts[hookPath(group)])
}

func (f *fakeSlack) last(t *testing.T, group string) payload {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	ps := f.posts[hookPath(group)]
	if len(ps) == 0 {
		t.Fatalf("no post to %s", group)
	}
	return decodePayload(t, ps[len(ps)-1])
}

// slackConfig is testConfig with Slack webhooks for payments and the org.
func slackConfig(f *fakeSlack) *config.Config {
	cfg := testConfig()
	cfg.Teams[0].SlackWebhook = f.hook("payments")
	cfg.Rollup.SlackWebhook = f.hook("org")
	cfg.Web.ExternalURL = "https://baton.example.com"
	return cfg
}

// channelHooks counts what the scheduler reports, by channel.
type channelHooks struct {
	mu           sync.Mutex
	sent, failed map[Channel]int
}

func (h *channelHooks) get() (sent, failed map[Channel]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sent, h.failed
}

func newSlackScheduler(t *testing.T, cfg *config.Config, ledger Ledger, tr Transport, clock Clock) (*Scheduler, *channelHooks, *testtool.LogBuffer) {
	t.Helper()
	sender, err := NewSender(cfg, ledger, tr, NewSlackWebhook(10*time.Second, nil))
	if err != nil {
		t.Fatal(err)
	}
	logs := &testtool.LogBuffer{}
	s, err := NewScheduler(cfg, sender, snapshot, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h := &channelHooks{sent: map[Channel]int{}, failed: map[Channel]int{}}
	s.Clock = clock
	s.RetryBase, s.RetryMax, s.ReportPoll = time.Second, 4*time.Second, 3*time.Second
	s.OnSent = func(c Channel, n int, _ time.Time) { h.mu.Lock(); h.sent[c] += n; h.mu.Unlock() }
	s.OnFailed = func(c Channel) { h.mu.Lock(); h.failed[c]++; h.mu.Unlock() }
	return s, h, logs
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSlackAndEmailGoOutOnceAcrossARestart(t *testing.T) {
	slack := newFakeSlack(t, nil)
	cfg := slackConfig(slack)
	path := filepath.Join(t.TempDir(), "baton.db")
	tr := &fakeTransport{}

	st := openStore(t, path)
	s, h, _ := newSlackScheduler(t, cfg, st, tr, newFakeClock(now))
	if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 5 || failed != 0 {
		t.Fatalf("first pass sent %d, failed %d; want 3 emails and 2 Slack posts", sent, failed)
	}
	sent, _ := h.get()
	if diff := cmp.Diff(map[Channel]int{ChannelEmail: 3, ChannelSlack: 2}, sent); diff != "" {
		t.Errorf("sent by channel (-want +got):\n%s", diff)
	}
	if got := slack.last(t, "payments").texts()["header"]; len(got) != 1 || !strings.Contains(got[0], "payments · week 48") {
		t.Errorf("payments' post has headers %q, want its week 48 header", got)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = openStore(t, path) // a restart
	t.Cleanup(func() { st.Close() })
	s, _, _ = newSlackScheduler(t, cfg, st, tr, newFakeClock(now.Add(time.Hour)))
	if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 0 || failed != 0 {
		t.Errorf("after the restart sent %d, failed %d; want nothing again", sent, failed)
	}
	if slack.count("payments") != 1 || slack.count("org") != 1 || tr.sent() != 3 {
		t.Errorf("posts payments %d, org %d, emails %d; want each once", slack.count("payments"), slack.count("org"), tr.sent())
	}
}

func TestSlackRefusalsArePermanentForTheWeek(t *testing.T) {
	for _, c := range []struct {
		status int
		reason string
	}{
		{http.StatusForbidden, "invalid_token"},
		{http.StatusNotFound, "channel_not_found"},
		{http.StatusGone, "channel_is_archived"},
		{http.StatusNotFound, "no_service"},
		{http.StatusBadRequest, "invalid_payload"},
	} {
		t.Run(c.reason, func(t *testing.T) {
			slack := newFakeSlack(t, func(path string, _ int) (int, string, string) {
				if strings.Contains(path, "/payments/") {
					return c.status, "", c.reason
				}
				return http.StatusOK, "", "ok"
			})
			st := openStore(t, filepath.Join(t.TempDir(), "baton.db"))
			t.Cleanup(func() { st.Close() })
			clock := newFakeClock(now)
			s, h, logs := newSlackScheduler(t, slackConfig(slack), st, &fakeTransport{}, clock)

			if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 4 || failed != 1 {
				t.Errorf("sent %d, failed %d; want 4 sent and payments' Slack post failed", sent, failed)
			}
			_, failed := h.get()
			if failed[ChannelSlack] != 1 || failed[ChannelEmail] != 0 {
				t.Errorf("failures by channel %v, want one on slack", failed)
			}
			log := logs.String()
			for _, want := range []string{"reason=" + c.reason, "not retried this week", "group=team:payments", "channel=slack"} {
				if !strings.Contains(log, want) {
					t.Errorf("log has no %q:\n%s", want, log)
				}
			}
			if strings.Contains(log, secretPart) {
				t.Errorf("log shows the webhook URL:\n%s", log)
			}

			clock.set(now.Add(time.Hour))
			if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 0 || failed != 0 || slack.count("payments") != 1 {
				t.Errorf("an hour later: sent %d, failed %d, payments posts %d; want the refusal to hold for the week", sent, failed, slack.count("payments"))
			}
			clock.set(now.AddDate(0, 0, 7))
			s.SendDue(context.Background(), snapshot())
			if slack.count("payments") != 2 {
				t.Errorf("payments posts next week = %d, want a new try", slack.count("payments"))
			}
		})
	}
}

func TestSlackServerErrorsRetryWithBackoffWhileEmailIsDone(t *testing.T) {
	slack := newFakeSlack(t, func(_ string, n int) (int, string, string) {
		if n <= 2 {
			return http.StatusInternalServerError, "", "rollup_error"
		}
		return http.StatusOK, "", "ok"
	})
	clock := newFakeClock(now)
	tr := &fakeTransport{}
	s, h, _ := newSlackScheduler(t, slackConfig(slack), newMemLedger(), tr, clock)
	run(t, s)

	waits := clock.pass(t, 3)
	clock.next(t) // the pass after the third has run
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, time.Hour}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	sent, failed := h.get()
	if diff := cmp.Diff(map[Channel]int{ChannelEmail: 3, ChannelSlack: 2}, sent); diff != "" {
		t.Errorf("sent by channel (-want +got):\n%s", diff)
	}
	if failed[ChannelSlack] != 4 || failed[ChannelEmail] != 0 || tr.sent() != 3 {
		t.Errorf("failed %v, emails %d; want 2 passes × 2 Slack failures and each email once", failed, tr.sent())
	}
}

func TestSlackRateLimitWaitsOutRetryAfter(t *testing.T) {
	slack := newFakeSlack(t, func(path string, n int) (int, string, string) {
		if strings.Contains(path, "/payments/") && n == 1 {
			return http.StatusTooManyRequests, "120", "rate_limited"
		}
		return http.StatusOK, "", "ok"
	})
	clock := newFakeClock(now)
	s, _, logs := newSlackScheduler(t, slackConfig(slack), newMemLedger(), &fakeTransport{}, clock)
	run(t, s)

	w := clock.next(t)
	if w.d < 120*time.Second {
		t.Errorf("wait after a 429 with Retry-After: 120 = %v, want at least 2m (RetryBase is 1s)", w.d)
	}
	if !strings.Contains(logs.String(), "will retry") {
		t.Errorf("log does not say the 429 is retried:\n%s", logs)
	}
	clock.set(now.Add(60 * time.Second)) // too early: the hold keeps the post back
	w.fire <- clock.Now()
	w = clock.next(t)
	if n := slack.count("payments"); n != 1 {
		t.Errorf("payments posts 60s after a Retry-After of 120s = %d, want 1", n)
	}
	clock.set(now.Add(121 * time.Second))
	w.fire <- clock.Now()
	clock.next(t)
	if n := slack.count("payments"); n != 2 {
		t.Errorf("payments posts after Retry-After = %d, want 2", n)
	}
	if n := slack.count("org"); n != 1 {
		t.Errorf("org posts = %d, want 1: its webhook was not limited", n)
	}
}

func TestEmailFailureNeitherBlocksNorRepeatsSlack(t *testing.T) {
	slack := newFakeSlack(t, nil)
	tr := &fakeTransport{failing: true}
	clock := newFakeClock(now)
	s, _, _ := newSlackScheduler(t, slackConfig(slack), newMemLedger(), tr, clock)
	if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 2 || failed != 3 {
		t.Errorf("with SMTP down: sent %d, failed %d; want the 2 Slack posts and 3 failed emails", sent, failed)
	}
	tr.setFailing(false)
	clock.set(now.Add(time.Minute))
	if sent, failed := s.SendDue(context.Background(), snapshot()); sent != 3 || failed != 0 {
		t.Errorf("with SMTP back: sent %d, failed %d; want the 3 emails", sent, failed)
	}
	if slack.count("payments") != 1 || slack.count("org") != 1 {
		t.Errorf("Slack posts payments %d, org %d; want each once", slack.count("payments"), slack.count("org"))
	}
}

func TestSlackErrorsNeverShowTheWebhookURL(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	redirect := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/"+secretPart, http.StatusFound))
	t.Cleanup(redirect.Close)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close finish

	poster := NewSlackWebhook(200*time.Millisecond, nil)
	msg := SlackMessage(digest(t, snapshot(), "payments", nil), "")
	for name, base := range map[string]string{"refused": closed.URL, "redirect": redirect.URL, "timeout": slow.URL} {
		err := poster.Post(context.Background(), config.Secret(base+hookPath("payments")), msg)
		if err == nil {
			t.Errorf("%s: Post succeeded, want an error", name)
			continue
		}
		if strings.Contains(err.Error(), secretPart) {
			t.Errorf("%s: error shows the webhook URL: %v", name, err)
		}
	}
}

func TestSlackWebhookReadsABoundedAnswer(t *testing.T) {
	const endless = 64 << 20 // far more than maxBody and than socket buffers hold
	written := make(chan int, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := bytes.Repeat([]byte("ok"), 16<<10)
		n := 0
		for n < endless {
			m, err := w.Write(chunk)
			n += m
			if err != nil {
				break
			}
		}
		written <- n
	}))
	t.Cleanup(srv.Close)

	msg := SlackMessage(digest(t, snapshot(), "payments", nil), "")
	if err := NewSlackWebhook(time.Minute, nil).Post(context.Background(), config.Secret(srv.URL+hookPath("payments")), msg); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if n := <-written; n >= endless {
		t.Errorf("the whole %d-byte answer was read; want the read to stop at %d bytes", n, maxBody)
	}
}

func TestSlackErrorClasses(t *testing.T) {
	for _, c := range []struct {
		err       SlackError
		permanent bool
	}{
		{SlackError{Status: 400, Reason: "invalid_payload"}, true},
		{SlackError{Status: 403, Reason: "invalid_token"}, true},
		{SlackError{Status: 404, Reason: "channel_not_found"}, true},
		{SlackError{Status: 408}, false},
		{SlackError{Status: 429, RetryAfter: time.Second}, false},
		{SlackError{Status: 500, Reason: "rollup_error"}, false},
		{SlackError{Status: 503}, false},
	} {
		if got := c.err.Permanent(); got != c.permanent {
			t.Errorf("%v: Permanent() = %v, want %v", &c.err, got, c.permanent)
		}
	}
}

func TestRetryAfterReadsSecondsAndDates(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30":                            30 * time.Second,
		"Thu, 26 Nov 2026 09:02:00 GMT": 2 * time.Minute,
		"Thu, 26 Nov 2026 08:00:00 GMT": 0, // in the past
		"soon":                          0,
		"-5":                            0,
	} {
		if got := httpapi.ParseRetryAfter(http.Header{"Retry-After": {in}}, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
