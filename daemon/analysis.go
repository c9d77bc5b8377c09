package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/rollup"
	"github.com/batonhq/baton/store"
)

// closedWindow is how far back closed issues are loaded for analysis: enough
// for "done this week", recently closed twins and blockers.
const closedWindow = 90 * 24 * time.Hour

// analysisDebounce is how long the analysis loop lets sync rounds that
// wrote pile up before analysing once for all of them.
const analysisDebounce = 2 * time.Second

// analysisCeiling is the longest the daemon goes without analysing when
// nothing is written and no finding is due to change: ages and day counts
// ("idle for 12 days") are at most this stale.
const analysisCeiling = time.Hour

// analysisRetry is how soon a failed analysis is tried again.
const analysisRetry = time.Minute

// Analyze recomputes the findings from the store and publishes them: to
// /metrics, as the snapshot the rollups are composed from, and to the
// dashboard, which indexes it here rather than on a page view.
func (d *Daemon) Analyze(ctx context.Context) (*analysis.Report, error) {
	r, _, err := d.analyzeAndPublish(ctx, d.Config())
	return r, err
}

// analyzeAndPublish is Analyze with cfg, which also returns when the set of issues
// loaded next changes with time alone (see loadForAnalysis).
func (d *Daemon) analyzeAndPublish(ctx context.Context, cfg *config.Config) (*analysis.Report, time.Time, error) {
	if d.opts.OneRound {
		defer pace(finalGCPercent)() // the process' last analysis, and its peak
	}
	in, windowMoves, err := loadForAnalysis(ctx, d.store, cfg, d.now())
	if err != nil {
		return nil, time.Time{}, err
	}
	if d.opts.OneRound {
		collectLoadGarbage()
	}
	r := analyse(in)
	d.metrics.Publish(r)
	web := cfg.Web.Enabled
	if web {
		last := d.readLastRollups(ctx, r.Now)
		d.lastRollups.Store(&last)
	}
	d.report.Store(r)
	if web {
		d.web.Index()
	}
	return r, windowMoves, nil
}

// releaseAnalysis hands the garbage of an analysis just published back to
// the system. An analysis is a burst: the store's issues loaded and the
// graph built, a few hundred MB at 200,000 issues, garbage once the report
// is published. The runtime would return it over minutes, keeping the
// resident size near the burst's peak; between analyses it should be what
// the report keeps.
func releaseAnalysis() { debug.FreeOSMemory() }

// readLastRollups reads what the latest rollup of the org and of each team
// reported, so that the dashboard shows the change since then: once per
// analysis, not per page view. A ledger that cannot be read shows no change.
func (d *Daemon) readLastRollups(ctx context.Context, now time.Time) map[string]*rollup.Stats {
	cfg := d.Config()
	sender, err := Rollups(cfg, d.store, false)
	if err != nil {
		d.log.Warn("reading the last rollups for the dashboard", "err", err)
		return nil
	}
	groups := []string{rollup.OrgGroup}
	for _, t := range cfg.Teams {
		groups = append(groups, rollup.TeamGroup(t.Name))
	}
	last := map[string]*rollup.Stats{}
	for _, g := range groups {
		st, err := sender.LastReported(ctx, g, now)
		if err != nil {
			d.log.Warn("reading the last rollups for the dashboard", "err", err)
			return nil
		}
		if st != nil {
			last[g] = st
		}
	}
	return last
}

// requestAnalysis asks the analysis loop for a fresh report; requests that
// arrive while one is pending are merged.
func (d *Daemon) requestAnalysis() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// requestAnalysisSoon asks for an analysis after webhookDebounce rather
// than the usual debounce: a webhook's re-fetch wrote.
func (d *Daemon) requestAnalysisSoon() {
	select {
	case d.soon <- struct{}{}:
	default:
	}
	d.requestAnalysis()
}

// debounced waits out the debounce of a requested analysis, cut to
// webhookDebounce once a webhook's re-fetch has written; false when ctx is
// done first.
func (d *Daemon) debounced(ctx context.Context) bool {
	wait := d.after(d.debounce)
	for {
		select {
		case <-ctx.Done():
			return false
		case <-wait:
			return true
		case <-d.soon:
			wait = d.after(min(webhookDebounce, d.debounce))
		}
	}
}

// analysisLoop analyses when asked (after a sync round that wrote, after a
// reload), at most once per debounce, and otherwise when the published
// report's findings are next due to change with time, or at the ceiling.
// A round that wrote nothing costs no analysis.
func (d *Daemon) analysisLoop(ctx context.Context) {
	due := d.after(d.untilDue(d.report.Load()))
	for {
		select {
		case <-ctx.Done():
			return
		case <-due:
		case <-d.kick:
			if !d.debounced(ctx) {
				return
			}
			select { // a request made during the debounce is served by this analysis
			case <-d.kick:
			default:
			}
		}
		start := time.Now()
		hooked := d.hooked.take()
		r, err := d.Analyze(ctx)
		if err != nil && ctx.Err() != nil {
			return
		}
		if err != nil {
			d.log.Error("analysis failed", "err", err, "retry_in", analysisRetry)
			due = d.after(analysisRetry)
			continue
		}
		d.observeHooked(hooked)
		wait := d.untilDue(r)
		d.log.Info("analysis", "issues", len(r.Issues), "edges", len(r.Edges), "findings", len(r.Findings),
			"duration", time.Since(start).Round(time.Millisecond), "next_in", wait.Round(time.Second))
		releaseAnalysis()
		due = d.after(wait)
	}
}

// untilDue is how long after now r needs analysing again with nothing
// written: until its findings next change with time, at most
// analysisCeiling; analysisCeiling without a report.
func (d *Daemon) untilDue(r *analysis.Report) time.Duration {
	now := d.now()
	if r == nil || r.NextChange.IsZero() || r.NextChange.Sub(now) > analysisCeiling {
		return analysisCeiling
	}
	return max(r.NextChange.Sub(now), 0)
}

// OpenSynced opens the store of commands that only read it; a missing file
// is an error rather than a new, empty store (a mistyped storage.path would
// otherwise report "no findings").
func OpenSynced(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if _, err := os.Stat(cfg.Storage.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no store at %s (storage.path): run 'baton sync --once' first", cfg.Storage.Path)
	}
	st, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	return st, nil
}

// AnalyseStored analyses what st holds: open issues and those closed within
// closedWindow (plus the ends of their links), with the acks not yet expired.
func AnalyseStored(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) (*analysis.Report, error) {
	in, _, err := loadForAnalysis(ctx, st, cfg, now)
	if err != nil {
		return nil, err
	}
	return analyse(in), nil
}

// loadForAnalysis reads what AnalyseStored analyses, and returns the first
// instant after now at which a later now would load fewer issues, zero when
// none would: when the earliest loaded issue closed within closedWindow
// leaves it (taking with it the link ends only it brought in, whatever
// their scope, hence before inScope).
func loadForAnalysis(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) (analysis.Input, time.Time, error) {
	since := now.Add(-closedWindow)
	issues, err := st.LoadIssues(ctx, since)
	if err != nil {
		return analysis.Input{}, time.Time{}, fmt.Errorf("loading issues for analysis: %w", err)
	}
	acks, err := st.Acks(ctx, now)
	if err != nil {
		return analysis.Input{}, time.Time{}, fmt.Errorf("loading acks for analysis: %w", err)
	}
	var windowMoves time.Time
	for i := range issues {
		// LoadIssues compares milliseconds: an issue closed less than a
		// millisecond before since may be loaded, and leaves at once.
		if c := issues[i].Closed; !c.IsZero() && c.After(since.Add(-time.Millisecond)) && (windowMoves.IsZero() || c.Before(windowMoves)) {
			windowMoves = c
		}
	}
	if !windowMoves.IsZero() {
		windowMoves = windowMoves.Add(closedWindow)
	}
	return analysis.Input{Issues: inScope(cfg, issues), Teams: cfg.Teams, Rules: cfg.Rules, Acks: acks,
		Now: now, Location: cfg.Location()}, windowMoves, nil
}

// analyse is AnalyseStored's analysis of what loadForAnalysis read.
func analyse(in analysis.Input) *analysis.Report {
	r := analysis.Analyze(in)
	// The report outlives the analysis: it keeps its issues without what
	// only the rules read (the links, which its edges hold, and the
	// activity events).
	for i := range r.Issues {
		r.Issues[i].Links, r.Issues[i].ActivityEvents = nil, nil
	}
	return r
}

// AnalyseSynced is AnalyseStored on cfg's store, opened (as OpenSynced)
// only for it.
func AnalyseSynced(ctx context.Context, cfg *config.Config, now time.Time) (*analysis.Report, error) {
	st, err := OpenSynced(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return AnalyseStored(ctx, st, cfg, now)
}

// inScope keeps the issues of configured sources, within each source's
// scope (see sourceType). What a source or repository removed from the
// configuration left in the store is kept there (adding it back needs no
// full sync) but is no longer analysed; links to it still show as links to
// issues outside the synced scope.
func inScope(cfg *config.Config, issues []model.Issue) []model.Issue {
	scopes := map[string]func(model.Key) bool{} // by source; nil = all
	for _, src := range cfg.Sources {
		scopes[src.Name] = nil
		if scope := sourceTypes[src.Type].scope; scope != nil {
			scopes[src.Name] = scope(src)
		}
	}
	kept := issues[:0]
	for _, is := range issues {
		in, ok := scopes[is.Source]
		if !ok {
			continue
		}
		if k, parsed := model.ParseKey(is.Key); in == nil || parsed && in(k) {
			kept = append(kept, is)
		}
	}
	clear(issues[len(kept):]) // the report keeps the array: let go of what was left out
	return kept
}
