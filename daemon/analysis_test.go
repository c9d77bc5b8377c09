package daemon

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// TestOnlyRoundsThatWriteAndReloadsTriggerAnAnalysis: the first round
// writes and is analysed once; the rounds after it find nothing new and
// cost no analysis; a reload is analysed once.
func TestOnlyRoundsThatWriteAndReloadsTriggerAnAnalysis(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "quiet-a")
	cfg.Sources[0].URL = "once"
	cfg.Sources[0].Interval = config.Duration(10 * time.Millisecond)
	hup := make(chan os.Signal, 1)
	d, logs := openTest(t, cfg, hup, func(string) (*config.Config, error) { return cfg, nil })
	d.debounce = 0
	stop := serve(t, d)
	analyses := func() int { return strings.Count(logs.String(), "msg=analysis ") }
	rounds := func() int { return d.engine.Status()["quiet-a"].Rounds }
	unchangedRounds := func() {
		t.Helper()
		r := rounds()
		eventually(t, "five more rounds", func() bool { return rounds() >= r+5 })
	}
	eventually(t, "an analysis after the first round, which wrote", func() bool { return analyses() >= 1 })
	unchangedRounds()
	if n := analyses(); n != 1 {
		t.Errorf("%d analyses after one round that wrote and %d that did not, want 1", n, rounds()-1)
	}
	hup <- syscall.SIGHUP
	eventually(t, "an analysis after the reload", func() bool { return analyses() >= 2 })
	unchangedRounds()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := analyses(); n != 2 {
		t.Errorf("%d analyses after one round that wrote, a reload and %d rounds that did not write, want 2", n, rounds()-1)
	}
}

// TestTheNextAnalysisIsDueWhenAFindingWouldChange: with nothing written,
// the daemon analyses again when a finding is next due to appear (here an
// issue turning idle or overdue), and at least hourly.
func TestTheNextAnalysisIsDueWhenAFindingWouldChange(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	for _, c := range []struct {
		name string
		edit func(*model.Issue)
		want time.Duration
	}{
		{"idle in 20 minutes", func(is *model.Issue) { is.Updated = at.Add(-7*day + 20*time.Minute) }, 20 * time.Minute},
		{"its sprint ends in 45 minutes", func(is *model.Issue) { is.Iteration = &model.Iteration{Name: "S1", End: at.Add(45 * time.Minute)} }, 45 * time.Minute},
		{"idle in two days: the hourly ceiling", func(is *model.Issue) { is.Updated = at.Add(-5 * day) }, time.Hour},
		{"already idle, nothing ahead: the hourly ceiling", func(is *model.Issue) { is.Updated = at.Add(-8 * day) }, time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := fakeConfig(t.TempDir(), "due-a")
			cfg.Rules = config.Rules{IdleAfter: config.Duration(7 * day), ChurnWindow: config.Duration(14 * day), ChurnEvents: 5,
				PriorityGap: 2, ScheduleHorizon: config.Duration(30 * day), DriftAfter: config.Duration(2 * day)}
			d, _ := openTest(t, cfg, nil, nil)
			t.Cleanup(func() { d.Close() })
			d.now = func() time.Time { return at }
			waits := make(chan time.Duration, 1)
			d.after = func(w time.Duration) <-chan time.Time {
				waits <- w
				return nil
			}
			is := model.Issue{Key: "jira:D-1", Source: "due-a", System: model.Jira, Title: "d", Status: model.StatusInProgress,
				RawStatus: "In Progress", Assignees: []string{"alice"}, Created: at.Add(-30 * day), Updated: at.Add(-day)}
			c.edit(&is)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if _, err := d.store.ApplyBatch(ctx, model.Batch{Source: "due-a", Issues: []model.Issue{is}}); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				d.analysisLoop(ctx)
			}()
			got := <-waits
			cancel()
			<-done
			if got != c.want {
				t.Errorf("next analysis in %s, want %s", got, c.want)
			}
		})
	}
}

// TestThePublishedReportKeepsNoLinksOrActivity: between analyses the daemon
// holds the report, so it keeps only what is read after the rules: the
// links live on as the report's edges.
func TestThePublishedReportKeepsNoLinksOrActivity(t *testing.T) {
	d, _ := openTest(t, fakeConfig(t.TempDir(), "lean-a"), nil, nil)
	t.Cleanup(func() { d.Close() })
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return at }
	is := func(key string) model.Issue {
		return model.Issue{Key: key, Source: "lean-a", System: model.Jira, Title: key, Status: model.StatusInProgress,
			RawStatus: "In Progress", Created: at.Add(-time.Hour), Updated: at.Add(-time.Hour), ActivityEvents: []time.Time{at.Add(-time.Hour)}}
	}
	a, b := is("jira:L-1"), is("jira:L-2")
	b.Links = []model.Link{{From: a.Key, To: b.Key, Type: model.Blocks, Origin: model.OriginJiraLink}}
	ctx := context.Background()
	if _, err := d.store.ApplyBatch(ctx, model.Batch{Source: "lean-a", Issues: []model.Issue{a, b}}); err != nil {
		t.Fatal(err)
	}
	r, err := d.Analyze(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Edges) != 1 || r.Edges[0].From != a.Key || r.Edges[0].To != b.Key {
		t.Errorf("edges %+v, want %s blocking %s", r.Edges, a.Key, b.Key)
	}
	for _, is := range r.Issues {
		if is.Links != nil || is.ActivityEvents != nil {
			t.Errorf("%s keeps %d links and %d activity events in the published report", is.Key, len(is.Links), len(is.ActivityEvents))
		}
	}
}
