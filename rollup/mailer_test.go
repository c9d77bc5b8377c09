package rollup

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/config"
)

func TestNewMailerDefaultsThePortByTLSMode(t *testing.T) {
	cases := map[string]string{"": "mail.example.com:587", TLSNone: "mail.example.com:25", TLSStartTLS: "mail.example.com:587", TLSImplicit: "mail.example.com:465"}
	for mode, want := range cases {
		m, err := NewMailer(config.SMTP{Host: "mail.example.com", TLS: mode})
		if err != nil {
			t.Fatalf("tls %q: %v", mode, err)
		}
		if m.Addr() != want {
			t.Errorf("tls %q: address %s, want %s", mode, m.Addr(), want)
		}
	}
}

func TestNewMailerRejectsBadSettings(t *testing.T) {
	cases := []struct {
		smtp config.SMTP
		want string
	}{
		{config.SMTP{}, "rollup.smtp.host is empty"},
		{config.SMTP{Host: "h", TLS: "ssl"}, `rollup.smtp.tls: unknown mode "ssl"`},
		{config.SMTP{Host: "h", Port: 70000}, "rollup.smtp.port: 70000"},
	}
	for _, c := range cases {
		if _, err := NewMailer(c.smtp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewMailer(%+v) = %v, want an error containing %q", c.smtp, err, c.want)
		}
	}
}

func TestMessageRejectsABadSender(t *testing.T) {
	d := Compose(snapshot(), Group{Name: OrgGroup}, WeekOf(now, now.Location()), nil)
	if _, err := Message(d, "not an address", nil); err == nil || !strings.Contains(err.Error(), "rollup.smtp.from") {
		t.Errorf("Message with a bad from = %v, want an error naming rollup.smtp.from", err)
	}
	if _, err := Message(d, "baton@example.com", []string{"bad address"}); err == nil || !strings.Contains(err.Error(), "recipients of org") {
		t.Errorf("Message with a bad recipient = %v, want an error naming the group", err)
	}
}
