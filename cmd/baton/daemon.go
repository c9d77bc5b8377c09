package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/jira"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/store"
	batonsync "github.com/batonhq/baton/sync"
)

// closedWindow is how far back closed issues are loaded for analysis: enough
// for "done this week", recently closed twins and blockers.
const closedWindow = 90 * 24 * time.Hour

// daemon is baton's wiring: store, sources, engine, analysis and metrics.
type daemon struct {
	conf    atomic.Pointer[config.Config] // replaced on SIGHUP
	path    string                        // where conf came from, for reloads
	hup     chan os.Signal                // SIGHUP, when serve catches it
	log     *slog.Logger
	store   *store.Store
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	engine  *batonsync.Engine
	now     func() time.Time

	report atomic.Pointer[analysis.Report]
	kick   chan struct{}
}

// openDaemon opens the store and builds every configured source.
func openDaemon(ctx context.Context, cfg *config.Config, log *slog.Logger) (*daemon, error) {
	st, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	reg := prometheus.NewRegistry()
	d := &daemon{
		log: log, store: st, reg: reg,
		metrics: metrics.New(reg, version),
		now:     time.Now,
		kick:    make(chan struct{}, 1),
	}
	d.conf.Store(cfg)
	d.engine = &batonsync.Engine{
		Store:    st,
		Logger:   log,
		Observer: d.metrics,
		OnRound:  func(string, error) { d.requestAnalysis() },
	}
	d.engine.SetTeams(cfg.ModelTeams())
	for _, src := range cfg.Sources {
		if err := d.addSource(src); err != nil {
			st.Close()
			return nil, err
		}
	}
	d.metrics.AddSources(d.engine.Sources()...)
	return d, nil
}

// config is the configuration in force.
func (d *daemon) config() *config.Config { return d.conf.Load() }

func (d *daemon) addSource(src config.Source) error {
	b, err := d.buildSource(d.config(), src)
	if err != nil {
		return err
	}
	b.add(d.engine)
	return nil
}

// builtSource is a connector ready to be handed to the engine.
type builtSource struct {
	src      batonsync.Source
	interval time.Duration
	meter    *batonsync.Meter
	guard    batonsync.DeletionGuard
}

func (b builtSource) add(e *batonsync.Engine) {
	e.SetDeletionGuard(b.src.Name(), b.guard)
	e.Add(b.src, b.interval, b.meter)
}

// buildSource makes the connector of src with cfg's mappings.
func (d *daemon) buildSource(cfg *config.Config, src config.Source) (builtSource, error) {
	meter := batonsync.NewMeter(d.metrics.InstrumentTransport(src.Name, nil))
	log := d.log.With("source", src.Name)
	var s batonsync.Source
	var err error
	switch src.Type {
	case "github":
		s, err = github.New(src, github.Options{
			Status:    cfg.Status.GitHub,
			Priority:  cfg.Priority.GitHubLabels,
			Transport: meter,
			Logger:    log,
		})
	case "jira":
		s, err = jira.New(src, jira.Options{
			Status:    cfg.Status.Jira,
			Priority:  cfg.Priority.JiraNames,
			Transport: meter,
			Logger:    log,
		})
	default:
		err = fmt.Errorf("unknown type %q", src.Type)
	}
	if err != nil {
		return builtSource{}, fmt.Errorf("source %s: %w", src.Name, err)
	}
	guard := batonsync.DeletionGuard{Percent: src.DeletionGuard.Percent, Issues: src.DeletionGuard.Issues}
	return builtSource{src: s, interval: src.Interval.D(), meter: meter, guard: guard}, nil
}

// analyze recomputes the findings from the store and publishes them.
func (d *daemon) analyze(ctx context.Context) (*analysis.Report, error) {
	r, err := analyseStored(ctx, d.store, d.config(), d.now())
	if err != nil {
		return nil, err
	}
	d.metrics.Publish(r)
	d.report.Store(r)
	return r, nil
}

// requestAnalysis asks the analysis loop for a fresh report; requests that
// arrive while one is pending are merged.
func (d *daemon) requestAnalysis() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// analysisLoop re-analyses after sync rounds, at most once per debounce.
func (d *daemon) analysisLoop(ctx context.Context, debounce time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(debounce):
		}
		select { // a request made during the debounce is served by this analysis
		case <-d.kick:
		default:
		}
		start := time.Now()
		r, err := d.analyze(ctx)
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("analysis failed", "err", err)
			}
			continue
		}
		d.log.Info("analysis", "issues", len(r.Issues), "edges", len(r.Edges), "findings", len(r.Findings), "duration", time.Since(start).Round(time.Millisecond))
	}
}

func (d *daemon) close() error { return d.store.Close() }

// readiness says whether every source has synced at least once and none is
// failing; the text lists each source's state.
func (d *daemon) readiness() (bool, string) {
	status := d.engine.Status()
	ready, body := true, ""
	for _, name := range d.engine.Sources() {
		s, ok := status[name]
		switch {
		case !ok:
			ready = false
			body += fmt.Sprintf("%s: waiting for first sync\n", name)
		case s.Failing && !s.ResumeAt.IsZero():
			ready = false
			body += fmt.Sprintf("%s: rate-limited, resuming at %s: %s\n", name, s.ResumeAt.UTC().Format(time.RFC3339), s.LastError)
		case s.Failing:
			ready = false
			body += fmt.Sprintf("%s: failing since its last round: %s\n", name, s.LastError)
		default:
			body += fmt.Sprintf("%s: ok, last success %s\n", name, s.LastSuccess.UTC().Format(time.RFC3339))
		}
		if s.WithheldDeletions > 0 {
			body += fmt.Sprintf("%s: withholding %d deletions until the next reconcile agrees\n", name, s.WithheldDeletions)
		}
	}
	if ready {
		return true, "ready\n" + body
	}
	return false, "not ready\n" + body
}

func (d *daemon) readyz(w http.ResponseWriter, _ *http.Request) {
	ok, body := d.readiness()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprint(w, body)
}
