package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/web"
)

// shutdownGrace is how long in-flight HTTP requests get once a stop signal
// arrives; the whole shutdown stays well inside ten seconds.
const shutdownGrace = 3 * time.Second

func (d *Daemon) httpServer() *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{Registry: d.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", d.readyz)
	if d.Config().Web.Enabled {
		d.web.Register(mux)
	} else {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintln(w, "baton: see /metrics, /healthz, /readyz")
		})
	}
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

// serveHTTP serves srv on ln until ctx is done, then gives in-flight
// requests shutdownGrace to finish.
func (d *Daemon) serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener) {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		d.log.Error("http server", "err", err)
		return
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		d.log.Warn("http shutdown", "err", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		d.log.Error("http server", "err", err)
	}
}

// sourceStates is how fresh each source's data is, for the dashboard: the
// engine's in-memory status, no store query.
func (d *Daemon) sourceStates() []web.SourceState {
	status := d.engine.Status()
	var states []web.SourceState
	for _, name := range d.engine.Sources() {
		s := status[name]
		states = append(states, web.SourceState{Name: name, LastSuccess: s.LastSuccess, Failing: s.Failing, LastError: s.LastError, ResumeAt: s.ResumeAt})
	}
	return states
}

// readiness says whether every source has synced at least once and none is
// failing; the text lists each source's state.
func (d *Daemon) readiness() (bool, string) {
	status := d.engine.Status()
	ready, body := true, ""
	for _, name := range d.engine.Sources() {
		s, ok := status[name]
		switch {
		case !ok:
			ready = false
			body += fmt.Sprintf("%s: waiting for first sync\n", name)
		case s.Failing && !s.ResumeAt.IsZero() && s.WaitReason != "":
			ready = false
			body += fmt.Sprintf("%s: paused, %s, resuming at %s: %s%s\n", name, s.WaitReason, s.ResumeAt.UTC().Format(time.RFC3339), s.LastError, quotaNote(s.API.Quota))
		case s.Failing && !s.ResumeAt.IsZero():
			ready = false
			body += fmt.Sprintf("%s: rate-limited, resuming at %s: %s%s\n", name, s.ResumeAt.UTC().Format(time.RFC3339), s.LastError, quotaNote(s.API.Quota))
		case s.Failing:
			ready = false
			body += fmt.Sprintf("%s: failing since its last round: %s%s\n", name, s.LastError, quotaNote(s.API.Quota))
		default:
			body += fmt.Sprintf("%s: ok, last success %s%s\n", name, s.LastSuccess.UTC().Format(time.RFC3339), quotaNote(s.API.Quota))
		}
		for _, f := range s.FailingScopes {
			body += fmt.Sprintf("%s: %s failing on its own (%d tries), retried at %s while the rest syncs: %s\n",
				name, f.Scope, f.Failures, f.RetryAt.UTC().Format(time.RFC3339), f.Err)
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

// quotaNote is the API quota as readiness ends a source's line with it, ""
// when the API has not said.
func quotaNote(q httpapi.Quota) string {
	switch {
	case !q.Known:
		return ""
	case q.Reset.IsZero():
		return fmt.Sprintf("; API quota left %d", q.Remaining)
	}
	return fmt.Sprintf("; API quota left %d, resets %s", q.Remaining, q.Reset.Format(time.RFC3339))
}

func (d *Daemon) readyz(w http.ResponseWriter, _ *http.Request) {
	ok, body := d.readiness()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprint(w, body)
}
