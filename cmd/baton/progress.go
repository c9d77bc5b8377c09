package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	stdsync "sync"
	"time"

	"golang.org/x/term"

	batonsync "github.com/batonhq/baton/sync"
)

// progressView shows how far each source's sync has got: on a terminal as
// live lines redrawn in place, elsewhere as an occasional log line.
type progressView struct {
	mu       stdsync.Mutex
	w        io.Writer
	tty      bool
	log      *slog.Logger
	order    []string
	state    map[string]batonsync.Progress
	waiting  map[string]time.Time // sources waiting to retry, until when
	reason   map[string]string    // why they wait, when their connector says
	drawn    int
	lastDraw time.Time
	lastLog  map[string]time.Time
}

func newProgressView(w io.Writer, log *slog.Logger) *progressView {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progressView{w: w, tty: tty, log: log, state: map[string]batonsync.Progress{}, waiting: map[string]time.Time{}, reason: map[string]string{}, lastLog: map[string]time.Time{}}
}

// Update records a committed page; it is safe for concurrent use.
func (v *progressView) Update(p batonsync.Progress) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.state[p.Source]; !ok {
		v.order = append(v.order, p.Source)
		v.state[p.Source] = batonsync.Progress{Source: p.Source, QuotaLeft: -1, Started: time.Now()}
	}
	v.waiting[p.Source] = p.WaitingUntil
	v.reason[p.Source] = p.WaitReason
	if p.WaitingUntil.IsZero() {
		v.state[p.Source] = p
	}
	now := time.Now()
	if !v.tty {
		if !p.WaitingUntil.IsZero() {
			return // the engine logs every wait
		}
		if now.Sub(v.lastLog[p.Source]) >= 5*time.Second {
			v.lastLog[p.Source] = now
			v.log.Info("sync progress", "source", p.Source, "pages", p.Pages, "issues", p.Issues,
				"requests", p.Requests, "quota_left", p.QuotaLeft, "elapsed", now.Sub(p.Started).Round(time.Second))
		}
		return
	}
	if now.Sub(v.lastDraw) < 100*time.Millisecond {
		return
	}
	v.lastDraw = now
	v.draw(now)
}

// Finish draws the final state once more and leaves the cursor below it.
func (v *progressView) Finish() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tty && len(v.order) > 0 {
		v.draw(time.Now())
	}
}

func (v *progressView) draw(now time.Time) {
	if v.drawn > 0 {
		fmt.Fprintf(v.w, "\x1b[%dA", v.drawn)
	}
	for _, name := range v.order {
		p := v.state[name]
		quota := "quota n/a"
		if p.QuotaLeft >= 0 {
			quota = fmt.Sprintf("quota left %d", p.QuotaLeft)
		}
		elapsed := now.Sub(p.Started)
		rate := 0.0
		if s := elapsed.Seconds(); s > 0 {
			rate = float64(p.Issues) / s
		}
		wait := ""
		if w := v.waiting[name]; !w.IsZero() {
			wait = "  waiting for the API until " + w.Local().Format("15:04:05")
			if why := v.reason[name]; why != "" {
				wait += " (" + why + ")"
			}
		}
		fmt.Fprintf(v.w, "\x1b[2K  %-16s %5d pages %8d issues %6d requests  %s  %6.0f issues/s  %s%s\n",
			name, p.Pages, p.Issues, p.Requests, quota, rate, elapsed.Round(time.Second), wait)
	}
	v.drawn = len(v.order)
}
