package daemon

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/config"
)

func TestRollupsThatMailNeedAnSMTPHost(t *testing.T) {
	cfg := fakeConfig(t.TempDir())
	if _, err := Rollups(cfg, nil, false); err != nil {
		t.Errorf("rendering rollups without rollup.smtp: %v, want no error", err)
	}
	cfg.Rollup.SlackWebhook = "https://hooks.slack.com/services/T/B/x"
	if _, err := Rollups(cfg, nil, true); err != nil {
		t.Errorf("posting rollups only to Slack without rollup.smtp: %v, want no error", err)
	}
	cfg.Rollup.To = []string{"tpm@example.com"}
	_, err := Rollups(cfg, nil, true)
	var smtp *SMTPError
	if !errors.As(err, &smtp) || err.Error() != "rollup.smtp.host is empty" {
		t.Errorf("mailing rollups without rollup.smtp: %v, want an SMTPError saying the host is empty", err)
	}
}

// TestTheRollupSchedulerRestartsAfterAReload: a reload may change the
// schedule, the recipients or the SMTP settings.
func TestTheRollupSchedulerRestartsAfterAReload(t *testing.T) {
	dir := t.TempDir()
	hup := make(chan os.Signal, 1)
	d, logs := openTest(t, fakeConfig(dir, "sched-a"), hup, func(string) (*config.Config, error) {
		return fakeConfig(dir, "sched-a"), nil
	})
	stop := serve(t, d)
	t.Cleanup(func() { stop() })
	rollupsOff := func() int { return strings.Count(logs.String(), "rollups off") }
	eventually(t, "the scheduler to start", func() bool { return rollupsOff() == 1 })
	hup <- os.Interrupt
	eventually(t, "the scheduler to start again after the reload", func() bool { return rollupsOff() == 2 })
}

// TestAScheduleThatNeverFiresStopsTheRollupsWithAClearError: config
// validation accepts any cron the parser does; the scheduler refuses one with
// no next time instead of spinning on a negative wait (issue 14.6).
func TestAScheduleThatNeverFiresStopsTheRollupsWithAClearError(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "never-a")
	cfg.Rollup = config.Rollup{Schedule: "0 0 30 2 *", To: []string{"tpm@example.com"},
		SMTP: config.SMTP{Host: "127.0.0.1", Port: 2525, TLS: "none", From: "baton@example.com"}}
	d, logs := openTest(t, cfg, nil, nil)
	stop := serve(t, d)
	t.Cleanup(func() { stop() })
	eventually(t, "the rollups to stop", func() bool {
		return strings.Contains(logs.String(), `msg="rollups stopped" err="rollup.schedule \"0 0 30 2 *\" never fires: no time in the next five years matches it"`)
	})
}
