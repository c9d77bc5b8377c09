package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	stdsync "sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	batonsync "github.com/batonhq/baton/sync"
)

// shutdownGrace is how long in-flight HTTP requests get once a stop signal
// arrives; the whole shutdown stays well inside ten seconds.
const shutdownGrace = 3 * time.Second

func newServeCmd(g *globals) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon: sync every source on its interval, analyse, serve /metrics, send rollups",
		Long: `Run baton as a daemon. Every source is synced on its interval (with jitter),
each page committed together with its cursor, so a restart after a crash
resumes where the last committed page left off. After each round the
findings are recomputed and exported on /metrics. /healthz answers while the
process is alive; /readyz once every source has synced and none is failing.
SIGTERM or SIGINT: the page being written is committed, the store closed,
and baton exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Catch SIGHUP before anything else: its default action would
			// kill a daemon that is still starting.
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if listen != "" {
				cfg.Listen = listen
			}
			d, err := openDaemon(cmd.Context(), cfg, g.logger)
			if err != nil {
				return err
			}
			d.path, d.hup = g.configPath, hup
			d.showFirstSync(newProgressView(cmd.ErrOrStderr(), g.logger))
			return d.serve(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "address for /metrics, /healthz, /readyz (overrides listen: in the config)")
	return cmd
}

// serve listens on the configured address and runs until ctx is cancelled.
func (d *daemon) serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", d.config().Listen)
	if err != nil {
		d.close()
		return fmt.Errorf("listening on %s: %w", d.config().Listen, err)
	}
	return d.serveOn(ctx, ln)
}

// serveOn runs the daemon on ln until ctx is cancelled, then shuts down in
// order: stop polling (the page being committed finishes), stop HTTP, close
// the store.
func (d *daemon) serveOn(ctx context.Context, ln net.Listener) error {
	srv := d.httpServer()
	d.log.Info("baton serving", "listen", ln.Addr().String(), "sources", len(d.engine.Sources()), "version", version)

	if _, err := d.analyze(ctx); err != nil {
		d.log.Warn("initial analysis of stored data", "err", err)
	}
	var wg stdsync.WaitGroup
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server", "err", err)
		}
	})
	wg.Go(func() { d.analysisLoop(ctx, 2*time.Second) })
	wg.Go(func() { d.reloadOnHangup(ctx) })
	d.engine.Run(ctx)

	d.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		d.log.Warn("http shutdown", "err", err)
	}
	wg.Wait()
	if err := d.close(); err != nil {
		return fmt.Errorf("closing store: %w", err)
	}
	d.log.Info("stopped")
	return nil
}

// reloadOnHangup runs the rollup scheduler with the configuration in force
// and, when serve catches SIGHUP (d.hup), applies the configuration file again
// on each one.
func (d *daemon) reloadOnHangup(ctx context.Context) {
	rollups := startTask(ctx, d.runRollups)
	defer func() { rollups.halt() }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.hup: // nil, and so never ready, when nobody catches SIGHUP
		}
		if err := d.reload(ctx); err != nil {
			d.log.Error("configuration reload failed; keeping the running configuration", "err", err)
			continue
		}
		rollups.halt()
		rollups = startTask(ctx, d.runRollups)
	}
}

// task is a goroutine that can be stopped and waited for.
type task struct {
	stop context.CancelFunc
	done chan struct{}
}

func startTask(ctx context.Context, f func(context.Context)) *task {
	ctx, stop := context.WithCancel(ctx)
	t := &task{stop: stop, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		f(ctx)
	}()
	return t
}

func (t *task) halt() {
	t.stop()
	<-t.done
}

// showFirstSync reports the progress of each source's first round only.
func (d *daemon) showFirstSync(v *progressView) {
	d.engine.OnProgress = func(p batonsync.Progress) {
		if d.engine.Status()[p.Source].Rounds == 0 {
			v.update(p)
		}
	}
}

func (d *daemon) httpServer() *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{Registry: d.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", d.readyz)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "baton: see /metrics, /healthz, /readyz")
	})
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}
