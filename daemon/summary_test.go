package daemon

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// summaryAt is the clock of the first analysis in the summary tests.
var summaryAt = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

const summaryDay = 24 * time.Hour

// summaryIssue is an issue of the source "sum" updated ago before summaryAt.
func summaryIssue(key string, status model.Status, ago time.Duration) model.Issue {
	is := model.Issue{Key: key, Source: "sum", System: model.Jira, Title: key, Status: status, RawStatus: string(status),
		Assignees: []string{"alice"}, Created: summaryAt.Add(-300 * summaryDay), Updated: summaryAt.Add(-ago)}
	if status == model.StatusDone {
		is.Resolution, is.Closed = model.ResolutionCompleted, is.Updated
	}
	return is
}

// summaryRules are global rules with every threshold set.
func summaryRules() config.Rules {
	return config.Rules{IdleAfter: config.Duration(7 * summaryDay), ChurnWindow: config.Duration(14 * summaryDay), ChurnEvents: 5,
		PriorityGap: 2, ScheduleHorizon: config.Duration(30 * summaryDay), DriftAfter: config.Duration(2 * summaryDay)}
}

// openSummaryTest opens a one-round daemon whose store holds jira:S-1 (in
// progress, updated a day ago), jira:S-2 (idle for 10 days: one finding)
// and jira:S-3 (closed 80 days ago, within closedWindow).
func openSummaryTest(t *testing.T) (*Daemon, *testtool.LogBuffer) {
	t.Helper()
	cfg := fakeConfig(t.TempDir(), "sum")
	cfg.Rules = summaryRules()
	d, logs := openTest(t, cfg, nil, nil)
	t.Cleanup(func() { d.Close() })
	d.opts.OneRound = true
	d.now = func() time.Time { return summaryAt }
	d.binary = func() (string, error) { return "baton test build 1", nil }
	apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{
		summaryIssue("jira:S-1", model.StatusInProgress, summaryDay),
		summaryIssue("jira:S-2", model.StatusInProgress, 10*summaryDay),
		summaryIssue("jira:S-3", model.StatusDone, 80*summaryDay),
	}})
	return d, logs
}

func apply(t *testing.T, d *Daemon, b model.Batch) {
	t.Helper()
	if _, err := d.store.ApplyBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func addAck(t *testing.T, d *Daemon, until time.Time) int64 {
	t.Helper()
	id, err := d.store.AddAck(context.Background(), model.Ack{Issue: "jira:S-2", Rule: "idle", Until: until,
		Reason: "r", By: "tpm", Created: summaryAt, Severity: "warning"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// keptLine starts the line AnalyzeOnce logs when it returns the saved
// counts (the Sync200k benchmark looks for it).
const keptLine = "nothing the analysis reads changed since "

// analyzeOnce runs AnalyzeOnce and checks its counts against a fresh
// analysis of the store; kept says whether they must be a saved summary's,
// which AnalyzeOnce logs in keptLine.
func analyzeOnce(t *testing.T, d *Daemon, logs *testtool.LogBuffer, kept bool) Counts {
	t.Helper()
	ctx := context.Background()
	before := len(logs.String())
	got, err := d.AnalyzeOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logged := logs.String()[before:]
	fresh, err := AnalyseStored(ctx, d.store, d.Config(), d.now())
	if err != nil {
		t.Fatal(err)
	}
	if got.Issues != len(fresh.Issues) || got.Findings != len(fresh.Findings) {
		t.Errorf("AnalyzeOnce at %s counts %d issues and %d findings, a fresh analysis %d and %d; it logged:\n%s",
			d.now(), got.Issues, got.Findings, len(fresh.Issues), len(fresh.Findings), logged)
	}
	if strings.Contains(logged, keptLine) != kept {
		t.Errorf("AnalyzeOnce at %s logged:\n%swant the saved counts: %v", d.now(), logged, kept)
	}
	return got
}

// TestSyncOnceSkipsTheLoadOnlyWhileNothingTheAnalysisReadsChanged: a
// second one-round analysis with nothing changed prints the saved counts,
// without loading; after each change to what the analysis reads, or once
// time alone may change the counts, it analyses again (and the counts it
// prints are a fresh analysis', not the saved ones), and the one after
// that is kept again.
func TestSyncOnceSkipsTheLoadOnlyWhileNothingTheAnalysisReadsChanged(t *testing.T) {
	later := func(d *Daemon, after time.Duration) { d.now = func() time.Time { return summaryAt.Add(after) } }
	editConfig := func(d *Daemon, edit func(*config.Config)) {
		cfg := *d.Config()
		edit(&cfg)
		d.conf.Store(&cfg)
	}
	for _, c := range []struct {
		name    string
		setup   func(t *testing.T, d *Daemon) // before the first analysis
		change  func(t *testing.T, d *Daemon)
		changes bool // the counts differ after change
	}{
		{name: "an issue edited", changes: true, change: func(t *testing.T, d *Daemon) {
			apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{summaryIssue("jira:S-2", model.StatusInProgress, 0)}})
		}},
		{name: "an issue deleted", changes: true, change: func(t *testing.T, d *Daemon) {
			apply(t, d, model.Batch{Source: "sum", Gone: []string{"jira:S-1"}})
		}},
		{name: "a link added to a long-closed issue", changes: true,
			setup: func(t *testing.T, d *Daemon) {
				apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{summaryIssue("jira:S-9", model.StatusDone, 200*summaryDay)}})
			},
			change: func(t *testing.T, d *Daemon) {
				is := summaryIssue("jira:S-1", model.StatusInProgress, 0)
				is.Links = []model.Link{{From: "jira:S-9", To: is.Key, Type: model.Blocks, Origin: model.OriginJiraLink}}
				apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{is}})
			}},
		{name: "an ack added", changes: true, change: func(t *testing.T, d *Daemon) { addAck(t, d, summaryAt.Add(10*summaryDay)) }},
		{name: "an ack removed", changes: true,
			setup: func(t *testing.T, d *Daemon) { addAck(t, d, summaryAt.Add(10*summaryDay)) },
			change: func(t *testing.T, d *Daemon) {
				acks, err := d.store.Acks(context.Background(), summaryAt)
				if err != nil || len(acks) != 1 {
					t.Fatalf("acks %+v, %v; want the one added", acks, err)
				}
				if ok, err := d.store.RemoveAck(context.Background(), acks[0].ID); !ok || err != nil {
					t.Fatalf("RemoveAck = %v, %v", ok, err)
				}
			}},
		{name: "an ack expiring", changes: true,
			setup:  func(t *testing.T, d *Daemon) { addAck(t, d, summaryAt.Add(20*time.Minute)) },
			change: func(_ *testing.T, d *Daemon) { later(d, 21*time.Minute) }},
		{name: "a finding due", changes: true,
			setup: func(t *testing.T, d *Daemon) {
				apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{summaryIssue("jira:S-4", model.StatusInProgress, 7*summaryDay-20*time.Minute)}})
			},
			change: func(_ *testing.T, d *Daemon) { later(d, 21*time.Minute) }},
		{name: "a closed issue leaving the closed window", changes: true,
			setup: func(t *testing.T, d *Daemon) {
				apply(t, d, model.Batch{Source: "sum", Issues: []model.Issue{summaryIssue("jira:S-5", model.StatusDone, closedWindow-20*time.Minute)}})
			},
			change: func(_ *testing.T, d *Daemon) { later(d, 21*time.Minute) }},
		{name: "an hour with nothing due", change: func(_ *testing.T, d *Daemon) { later(d, analysisCeiling) }},
		{name: "the clock set back", change: func(_ *testing.T, d *Daemon) { later(d, -time.Minute) }},
		{name: "the rules", changes: true, change: func(_ *testing.T, d *Daemon) {
			editConfig(d, func(cfg *config.Config) { cfg.Rules.IdleAfter = config.Duration(14 * summaryDay) })
		}},
		{name: "the teams", changes: true, change: func(_ *testing.T, d *Daemon) {
			rules := summaryRules()
			rules.IdleAfter = config.Duration(14 * summaryDay)
			editConfig(d, func(cfg *config.Config) {
				cfg.Teams = []config.Team{{Team: model.Team{Name: "core", JiraProjects: []string{"S"}}, Rules: rules}}
			})
		}},
		{name: "a source's scope", changes: true, change: func(_ *testing.T, d *Daemon) {
			editConfig(d, func(cfg *config.Config) {
				cfg.Sources = []config.Source{{Name: "other", Type: "fake", Interval: config.Duration(time.Hour)}}
			})
		}},
		{name: "the binary", change: func(_ *testing.T, d *Daemon) {
			d.binary = func() (string, error) { return "baton test build 2", nil }
		}},
		{name: "a migration", change: func(t *testing.T, d *Daemon) {
			path := d.Config().Storage.Path
			if err := d.store.Close(); err != nil {
				t.Fatal(err)
			}
			// Back to version 8, as a baton from before migration 9 left it.
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{`DROP TABLE data_generation`, `DROP TABLE analysis_summary`, `DELETE FROM schema_version WHERE version = 9`} {
				if _, err := db.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			st, err := store.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			d.store = st
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, logs := openSummaryTest(t)
			if c.setup != nil {
				c.setup(t, d)
			}
			first := analyzeOnce(t, d, logs, false)
			analyzeOnce(t, d, logs, true)
			if !strings.Contains(logs.String(), keptLine+"2026-11-27T12:00:00Z") {
				t.Errorf("no log line says the counts were kept from the first analysis, at %s:\n%s", summaryAt, logs)
			}
			if c.name == "a closed issue leaving the closed window" || c.name == "a finding due" || c.name == "an ack expiring" {
				later(d, 19*time.Minute)
				analyzeOnce(t, d, logs, true)
			}
			c.change(t, d)
			after := analyzeOnce(t, d, logs, false)
			if changed := after.Issues != first.Issues || after.Findings != first.Findings; changed != c.changes {
				t.Errorf("counts %+v after the change, %+v before; want them to differ: %v", after, first, c.changes)
			}
			analyzeOnce(t, d, logs, true)
		})
	}
}
