package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	batonsync "github.com/batonhq/baton/sync"
)

func TestProgressShowsCountsAndWaits(t *testing.T) {
	var out bytes.Buffer
	v := newProgressView(&out, slog.New(slog.DiscardHandler))
	v.tty = true // as on a terminal
	start := time.Now().Add(-10 * time.Second)
	v.Update(batonsync.Progress{Source: "github", Pages: 3, Issues: 300, Requests: 5, QuotaLeft: 4995, Started: start})
	resume := time.Now().Add(time.Hour)
	v.lastDraw = time.Time{}
	v.Update(batonsync.Progress{Source: "github", WaitingUntil: resume, QuotaLeft: -1})
	v.Finish()
	last := out.String()[strings.LastIndex(out.String(), "\x1b[2K"):]
	for _, want := range []string{"github", "3 pages", "300 issues", "quota left 4995", "waiting for the API until " + resume.Local().Format("15:04:05")} {
		if !strings.Contains(last, want) {
			t.Errorf("last progress line %q lacks %q", last, want)
		}
	}
	v.Update(batonsync.Progress{Source: "github", Pages: 4, Issues: 400, QuotaLeft: 4994, Started: start})
	v.Finish()
	last = out.String()[strings.LastIndex(out.String(), "\x1b[2K"):]
	if strings.Contains(last, "waiting") || !strings.Contains(last, "400 issues") {
		t.Errorf("after a committed page the line is %q, want 400 issues and no wait", last)
	}
}

func TestProgressSaysWhyASourceWaits(t *testing.T) {
	var out bytes.Buffer
	v := newProgressView(&out, slog.New(slog.DiscardHandler))
	v.tty = true
	resume := time.Now().Add(time.Hour)
	v.Update(batonsync.Progress{Source: "github", WaitingUntil: resume, WaitReason: "keeping the quota reserve (1000 of 5000 left)", QuotaLeft: -1})
	v.Finish()
	want := "waiting for the API until " + resume.Local().Format("15:04:05") + " (keeping the quota reserve (1000 of 5000 left))"
	if last := out.String()[strings.LastIndex(out.String(), "\x1b[2K"):]; !strings.Contains(last, want) {
		t.Errorf("progress line %q lacks %q", last, want)
	}
}
