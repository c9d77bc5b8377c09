package daemon

import (
	"context"
	"fmt"
	"net"
)

// actor is one running part of the daemon, stopped on its own.
type actor struct {
	name string
	stop context.CancelFunc
	done chan struct{}
}

// start runs f as the actor name; its context keeps ctx's values but not
// its cancellation, so that Serve stops the actors one by one, in order.
func start(ctx context.Context, name string, f func(context.Context)) *actor {
	ctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a := &actor{name: name, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		f(ctx)
	}()
	return a
}

// halt stops the actor and waits for it to return.
func (a *actor) halt() {
	a.stop()
	<-a.done
}

// ListenAndServe listens on the configured address and serves until ctx is
// done; the store is closed either way.
func (d *Daemon) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", d.Config().Listen)
	if err != nil {
		d.Close()
		return fmt.Errorf("listening on %s: %w", d.Config().Listen, err)
	}
	return d.Serve(ctx, ln)
}

// Serve runs the daemon on ln (and the webhook listener, when configured)
// until ctx is done, then shuts down in one order: stop taking webhooks (the
// re-fetch under way finishes), stop accepting reloads, stop the sync loops
// (the page being committed finishes), stop analysing and the rollup
// scheduler, stop HTTP, close the store.
func (d *Daemon) Serve(ctx context.Context, ln net.Listener) error {
	d.log.Info("baton serving", "listen", ln.Addr().String(), "sources", len(d.engine.Sources()), "version", d.opts.Version)
	if _, err := d.Analyze(ctx); err != nil {
		d.log.Warn("initial analysis of stored data", "err", err)
	}
	releaseAnalysis()
	hooks, err := d.listenWebhooks()
	if err != nil {
		d.Close()
		return err
	}
	actors := []*actor{ // in the order they stop
		start(ctx, "webhooks", func(ctx context.Context) { d.serveWebhooks(ctx, hooks) }),
		start(ctx, "reload", d.reloadOnHangup),
		start(ctx, "engine", d.engine.Run),
		start(ctx, "analysis", d.analysisLoop),
		start(ctx, "rollups", d.scheduleRollups),
		start(ctx, "http", func(ctx context.Context) { d.serveHTTP(ctx, d.httpServer(), ln) }),
	}
	<-ctx.Done()
	d.log.Info("shutting down")
	for _, a := range actors {
		a.halt()
		d.log.Debug("actor stopped", "actor", a.name)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("closing store: %w", err)
	}
	d.log.Info("stopped")
	return nil
}
