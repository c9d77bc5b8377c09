package rollup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wneessen/go-mail"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
)

// orgMessage is the org's digest of snapshot(), from from to
// program@example.com.
func orgMessage(t *testing.T, from string) *mail.Msg {
	t.Helper()
	d := Compose(snapshot(), Group{Name: OrgGroup}, WeekOf(now, time.UTC), nil)
	msg, err := Message(d, from, []string{"program@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// mailpit is a real SMTP server, started for one test.
type mailpit struct {
	smtpPort int
	api      string
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMailpit runs Mailpit on free ports, accepting any or no SMTP AUTH,
// and waits until both its SMTP and HTTP sides answer. Without extra flags
// (TLS ones) it speaks plain SMTP and takes PLAIN/LOGIN AUTH over it.
func startMailpit(t *testing.T, extra ...string) *mailpit {
	t.Helper()
	bin := testtool.Find(t, "mailpit", "run rollup/install-mailpit.sh")
	m := &mailpit{smtpPort: freePort(t)}
	httpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	m.api = "http://" + httpAddr
	var out bytes.Buffer
	cmd := exec.Command(bin,
		"--smtp", net.JoinHostPort("127.0.0.1", strconv.Itoa(m.smtpPort)),
		"--listen", httpAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--smtp-auth-accept-any",
		"--smtp-disable-rdns", "--disable-version-check", "--quiet")
	if len(extra) == 0 {
		extra = []string{"--smtp-auth-allow-insecure"}
	}
	cmd.Args = append(cmd.Args, extra...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(30 * time.Second)
	for !m.ready() {
		select {
		case <-exited:
			t.Fatalf("mailpit exited (%v):\n%s", waitErr, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit not ready after 30s:\n%s", out.String())
		}
	}
	return m
}

// probe bounds each request to Mailpit: a port picked by freePort can be taken
// by another process before Mailpit binds it, and a stranger may never answer.
var probe = &http.Client{Timeout: 2 * time.Second}

func (m *mailpit) ready() bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(m.smtpPort)), 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	resp, err := probe.Get(m.api + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// smtp returns the SMTP settings for this server.
func (m *mailpit) smtp(username string) config.SMTP {
	s := config.SMTP{Host: "127.0.0.1", Port: m.smtpPort, From: "baton@example.com", TLS: TLSNone, Timeout: config.Duration(10 * time.Second)}
	if username != "" {
		s.Username, s.Password = username, "s3cret-pass"
	}
	return s
}

type address struct{ Address string }

type summary struct {
	ID       string
	To       []address
	Subject  string
	Username string
}

type message struct {
	Text string
	HTML string
}

func (m *mailpit) get(t *testing.T, path string, v any) []byte {
	t.Helper()
	resp, err := probe.Get(m.api + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", path, resp.Status, err)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("decoding %s: %v", path, err)
		}
	}
	return body
}

func (m *mailpit) messages(t *testing.T) []summary {
	t.Helper()
	var list struct {
		Total    int
		Messages []summary
	}
	m.get(t, "/api/v1/messages?limit=500", &list)
	if list.Total != len(list.Messages) {
		t.Fatalf("mailpit holds %d messages but listed %d", list.Total, len(list.Messages))
	}
	return list.Messages
}

// byRecipient counts messages per recipient address.
func byRecipient(ms []summary) map[string]int {
	n := map[string]int{}
	for _, m := range ms {
		for _, to := range m.To {
			n[to.Address]++
		}
	}
	return n
}

func mailpitSender(t *testing.T, m *mailpit, ledger Ledger, username string) *Sender {
	t.Helper()
	cfg := testConfig()
	cfg.Rollup.SMTP = m.smtp(username)
	mailer, err := NewMailer(cfg.Rollup.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSender(cfg, ledger, mailer, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMailpitGetsOneRollupPerRecipientWithTextAndHTML(t *testing.T) {
	m := startMailpit(t)
	sender := mailpitSender(t, m, newMemLedger(), "baton")
	n, err := sender.SendNow(context.Background(), snapshot(), "", "", now, false)
	if err != nil || n != 3 {
		t.Fatalf("SendNow = %d, %v; want 3 rollups", n, err)
	}

	got := m.messages(t)
	want := map[string]int{"payments@example.com": 1, "core-lead@example.com": 1, "core@example.com": 1, "program@example.com": 1}
	if diff := cmp.Diff(want, byRecipient(got)); diff != "" {
		t.Errorf("messages per recipient (-want +got):\n%s", diff)
	}
	var subjects []string
	for _, s := range got {
		subjects = append(subjects, s.Subject)
		if s.Username != "baton" {
			t.Errorf("%q was sent as user %q, want SMTP AUTH as baton", s.Subject, s.Username)
		}
		var msg message
		m.get(t, "/api/v1/message/"+s.ID, &msg)
		if !strings.Contains(msg.Text, "NEXT STEPS") || !strings.Contains(msg.HTML, "<!DOCTYPE html>") {
			t.Errorf("%q lacks a text or an HTML part:\ntext: %.200s\nhtml: %.200s", s.Subject, msg.Text, msg.HTML)
		}
		if raw := string(m.get(t, "/api/v1/message/"+s.ID+"/raw", nil)); !strings.Contains(raw, "multipart/alternative") {
			t.Errorf("%q is not multipart/alternative:\n%.500s", s.Subject, raw)
		}
	}
	slices.Sort(subjects)
	wantSubjects := []string{
		"baton weekly: core — 1 stalled, 1 blocked on payments (week 48)",
		"baton weekly: org — 3 stalled, 1 misaligned, 2 waiting across teams (week 48)",
		"baton weekly: payments — 2 stalled, 1 blocked on core (week 48)",
	}
	if diff := cmp.Diff(wantSubjects, subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
}

func TestMailpitRestartDoesNotResend(t *testing.T) {
	m := startMailpit(t)
	ledger := newMemLedger()

	first, h := newTestScheduler(t, ledger, mailpitSender(t, m, ledger, "").transport, newFakeClock(now), snapshot)
	if sent, failed := first.SendDue(context.Background(), snapshot()); sent != 3 || failed != 0 || h.sent != 3 {
		t.Fatalf("first daemon sent %d, failed %d, hook counted %d; want 3, 0, 3", sent, failed, h.sent)
	}

	// A new daemon over the same ledger, an hour later in the same week.
	clock := newFakeClock(now.Add(time.Hour))
	second, h2 := newTestScheduler(t, ledger, mailpitSender(t, m, ledger, "").transport, clock, snapshot)
	run(t, second)
	clock.next(t) // its start pass is over
	h2.mu.Lock()
	defer h2.mu.Unlock()
	if got := len(m.messages(t)); got != 3 || h2.sent != 0 {
		t.Errorf("after the restart mailpit holds %d messages and the hook counted %d sent; want 3 and 0", got, h2.sent)
	}
}

func TestMailpitCatchesUpAMissedScheduleOnce(t *testing.T) {
	m := startMailpit(t)
	ledger := newMemLedger()
	// Thursday: Monday's 09:00 passed while the daemon was down.
	clock := newFakeClock(now)
	s, h := newTestScheduler(t, ledger, mailpitSender(t, m, ledger, "").transport, clock, snapshot)
	run(t, s)

	w := clock.next(t)
	if got := len(m.messages(t)); got != 3 {
		t.Fatalf("the start pass left %d messages in mailpit, want 3", got)
	}
	clock.set(now.Add(w.d))
	w.fire <- clock.Now()
	clock.next(t)
	h.mu.Lock()
	defer h.mu.Unlock()
	if got := len(m.messages(t)); got != 3 || h.sent != 3 || h.failed != 0 {
		t.Errorf("after the next pass: %d messages, %d sent, %d failed; want 3, 3, 0", got, h.sent, h.failed)
	}
}

func TestMailerErrorsNameTheServer(t *testing.T) {
	m := startMailpit(t)
	closed := freePort(t)
	cases := []struct {
		name string
		smtp config.SMTP
		want string
	}{
		{"nothing listening", config.SMTP{Host: "127.0.0.1", Port: closed, TLS: TLSNone}, fmt.Sprintf("127.0.0.1:%d", closed)},
		{"starttls is mandatory", config.SMTP{Host: "127.0.0.1", Port: m.smtpPort, TLS: TLSStartTLS}, "STARTTLS"},
		{"implicit tls against plain SMTP", config.SMTP{Host: "127.0.0.1", Port: m.smtpPort, TLS: TLSImplicit, Username: "u", Password: "s3cret-pass"}, fmt.Sprintf("127.0.0.1:%d", m.smtpPort)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.smtp.Timeout = config.Duration(10 * time.Second)
			mailer, err := NewMailer(c.smtp)
			if err != nil {
				t.Fatal(err)
			}
			err = mailer.Send(context.Background(), orgMessage(t, "baton@example.com"))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), mailer.Addr()) {
				t.Errorf("Send = %v; want an error naming %s and %q", err, mailer.Addr(), c.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret-pass") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	if got := len(m.messages(t)); got != 0 {
		t.Errorf("mailpit got %d messages from failed sends", got)
	}
}
