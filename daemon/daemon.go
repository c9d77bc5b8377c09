// Package daemon is baton's running service: the sources built from the
// configuration, the sync engine, the debounced analysis and the snapshot it
// publishes, readiness, reload on SIGHUP and the rollup scheduler, started
// together and stopped in one order. cmd/baton parses flags and wires it.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/rollup"
	"github.com/batonhq/baton/store"
	batonsync "github.com/batonhq/baton/sync"
	"github.com/batonhq/baton/web"
)

// Options are what Open needs besides the configuration.
type Options struct {
	Logger  *slog.Logger
	Version string // of the binary, for baton_build_info and the start-up log
	// ConfigPath is re-read and applied on every signal from Hangup while
	// Serve runs; a nil Hangup means no reloads.
	ConfigPath string
	Hangup     <-chan os.Signal
	// WebhookListener, when set, serves the webhooks in place of a listener
	// on webhooks.listen (tests).
	WebhookListener net.Listener
	// OneRound says the process syncs once, analyses once and exits (baton
	// sync --once): connectors keep nothing that only a later round would
	// use, SyncOnce collects at syncGCPercent and lets go of them when it
	// returns, and Analyze collects at finalGCPercent.
	OneRound bool
}

// Daemon is the store, the sources, the engine, analysis and metrics of one
// configuration.
type Daemon struct {
	conf    atomic.Pointer[config.Config] // replaced on reload
	opts    Options
	load    func(path string) (*config.Config, error) // config.Load; tests replace it
	log     *slog.Logger
	store   *store.Store
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	engine  *batonsync.Engine
	web     *web.Site
	now     func() time.Time
	// binary identifies the running baton for the analysis summary
	// (executable; tests replace it).
	binary func() (string, error)
	// after and debounce pace the analysis loop (time.After and
	// analysisDebounce; tests replace them).
	after    func(time.Duration) <-chan time.Time
	debounce time.Duration

	report      atomic.Pointer[analysis.Report]
	lastRollups atomic.Pointer[map[string]*rollup.Stats] // stored before the report it goes with
	kick        chan struct{}                            // asks for an analysis
	soon        chan struct{}                            // shortens the pending analysis's debounce to webhookDebounce
	hooked      hookedReceipts
	polled      hookedReceipts // of board events, waiting for their source's round
	rescheduled chan struct{}  // tells the rollup scheduler the configuration changed
}

// Open opens cfg's store and builds every configured source.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*Daemon, error) {
	st, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	reg := prometheus.NewRegistry()
	d := &Daemon{
		opts: opts, load: config.Load, log: opts.Logger, store: st, reg: reg,
		metrics:     metrics.New(reg, opts.Version),
		now:         time.Now,
		binary:      executable(opts.Version),
		after:       time.After,
		debounce:    analysisDebounce,
		kick:        make(chan struct{}, 1),
		soon:        make(chan struct{}, 1),
		rescheduled: make(chan struct{}, 1),
	}
	d.conf.Store(cfg)
	d.web = web.New(web.Options{
		Report:  d.report.Load,
		Sources: d.sourceStates,
		LastRollups: func() map[string]*rollup.Stats {
			if m := d.lastRollups.Load(); m != nil {
				return *m
			}
			return nil
		},
		Location: func() *time.Location { return d.Config().Location() },
		Logger:   d.log.With("component", "web"),
	})
	d.engine = &batonsync.Engine{
		Store:    st,
		Logger:   d.log,
		Observer: d.metrics,
		OnRound: func(r batonsync.Round) {
			d.roundDone(r)
			if r.Wrote() {
				d.requestAnalysis()
			}
		},
	}
	for _, src := range cfg.Sources {
		b, err := d.buildSource(cfg, src)
		if err == nil {
			err = b.add(d.engine)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	d.metrics.AddSources(d.engine.Sources()...)
	return d, nil
}

// Config is the configuration in force.
func (d *Daemon) Config() *config.Config { return d.conf.Load() }

// Store is the daemon's store, open until Close or the end of Serve.
func (d *Daemon) Store() *store.Store { return d.store }

// Sources names the sources being synced.
func (d *Daemon) Sources() []string { return d.engine.Sources() }

// SyncOnce syncs every source once, at most parallel at a time, reporting
// every committed page to progress, and returns each failed source's error.
// A one-round daemon collects less often while it syncs (syncGCPercent,
// oneRoundHeapFloor), and its sources sync no more after it: what their
// connectors hold (a GitHub source's board pages and places) is garbage,
// the store's connections close (the write connection's page cache would
// stay beside the one the load reads with), and the memory of the sync goes
// back to the system, before the analysis loads the store.
func (d *Daemon) SyncOnce(ctx context.Context, parallel int, progress func(batonsync.Progress)) map[string]error {
	d.engine.OnProgress = progress
	defer func() { d.engine.OnProgress = nil }()
	restore := func() {}
	if d.opts.OneRound {
		restore = pace(syncGCPercent)
	}
	failed := d.engine.RunOnce(ctx, parallel)
	restore()
	if d.opts.OneRound {
		d.engine.Release()
		if err := d.store.ReleaseConnections(); err != nil {
			d.log.Warn("closing the store's connections after the sync", "err", err)
		}
		releaseSync()
	}
	return failed
}

// ShowFirstSync reports the progress of each source's first round only, to
// a Serve about to start.
func (d *Daemon) ShowFirstSync(progress func(batonsync.Progress)) {
	d.engine.OnProgress = func(p batonsync.Progress) {
		if d.engine.Status()[p.Source].Rounds == 0 {
			progress(p)
		}
	}
}

// Close closes the store of a daemon that is not serving.
func (d *Daemon) Close() error { return d.store.Close() }
