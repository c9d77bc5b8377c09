package rollup

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSendGroupKeepsStatsForNextWeek(t *testing.T) {
	ctx := context.Background()
	ledger := newMemLedger()
	sender, err := NewSender(testConfig(), ledger, &fakeTransport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := FindGroup(testConfig(), "payments")
	if ds := sender.SendGroup(ctx, snapshot(), g, now, "", false); len(ds) != 1 || !ds[0].Sent || ds[0].Err != nil {
		t.Fatalf("SendGroup = %+v; want one email sent", ds)
	}
	if done, _ := ledger.RollupDone(ctx, g.Name, "email", "2026-W48"); !done {
		t.Error("the send is not in the ledger")
	}
	d, err := sender.Compose(ctx, snapshot(), g, now.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	if d.First || d.Headline[3].Delta != "±0" || d.Week.String() != "2026-W49" {
		t.Errorf("next week: first %v, stalled delta %q, week %s; want a comparison with W48", d.First, d.Headline[3].Delta, d.Week)
	}
}

func TestSendNowHonoursTheLedgerUnlessForced(t *testing.T) {
	ctx := context.Background()
	tr := &fakeTransport{}
	sender, err := NewSender(testConfig(), newMemLedger(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		team  string
		force bool
		want  int
	}{
		{"payments", false, 1},
		{"", false, 2}, // core and org; payments went already
		{"", false, 0},
		{"core", true, 1},
	}
	for _, s := range steps {
		n, err := sender.SendNow(ctx, snapshot(), s.team, "", now, s.force)
		if err != nil || n != s.want {
			t.Errorf("SendNow(%q, force %v) = %d, %v; want %d", s.team, s.force, n, err, s.want)
		}
	}
	empty := testConfig()
	empty.Teams, empty.Rollup.To = nil, nil
	nobody, err := NewSender(empty, newMemLedger(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nobody.SendNow(ctx, snapshot(), "", "", now, false); err == nil || !strings.Contains(err.Error(), "nobody to send to") {
		t.Errorf("sending without any recipients: %v", err)
	}
	if _, err := sender.SendNow(ctx, snapshot(), "search", "", now, false); err == nil || !strings.Contains(err.Error(), "no email recipients") {
		t.Errorf("sending to a team without recipients: %v", err)
	}
}

func TestRenderFormats(t *testing.T) {
	ctx := context.Background()
	sender, err := NewSender(testConfig(), newMemLedger(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want []string
	}{
		{"-", []string{"WHAT MOVED", "PAY-1"}},
		{"out.html", []string{"<!DOCTYPE html>", "PAY-1"}},
		{"out.eml", []string{"multipart/alternative", "text/plain", "text/html", "X-Baton-Rollup: team:payments 2026-W48", "To: <payments@example.com>"}},
	}
	for _, c := range cases {
		f, err := FormatOf(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := sender.Render(ctx, &b, snapshot(), "payments", f, now); err != nil {
			t.Fatalf("rendering %s: %v", c.path, err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s lacks %q:\n%s", c.path, w, b.String())
			}
		}
	}
	if _, err := FormatOf("out.pdf"); err == nil {
		t.Error("FormatOf(out.pdf) accepted an unknown extension")
	}
	if err := sender.Render(ctx, &bytes.Buffer{}, snapshot(), "nope", FormatText, now); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("rendering an unknown team: %v", err)
	}
	if err := sender.Render(ctx, &bytes.Buffer{}, nil, "", FormatText, now); err != ErrNoReport {
		t.Errorf("rendering without a report: %v, want ErrNoReport", err)
	}
}
