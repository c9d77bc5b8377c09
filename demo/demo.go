// Package demo runs baton on a simulated organisation: it serves the
// simulated GitHub and Jira APIs, writes a configuration pointing the real
// connectors at them, runs the real daemon's first sync and analysis, renders
// the rollups to files and then keeps the daemon serving, as `baton demo`
// shows a newcomer.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	batonsync "github.com/batonhq/baton/sync"
)

// Options of a demo run.
type Options struct {
	Seed     int64
	Size     int           // issues in the simulated organisation
	DataDir  string        // config, SQLite file, rollups; "" for a new temporary directory
	Interval time.Duration // re-sync and mutation interval
	SMTP     string        // host:port to send the rollups to (no TLS, no auth); "" to only render them
	Logger   *slog.Logger
	Version  string
	Progress Progress // shows the first sync
}

// Progress shows how far the first sync has got.
type Progress interface {
	Update(batonsync.Progress)
	Finish()
}

// Run runs the demo, narrating to out, and serves /metrics, /healthz and
// /readyz on ln until ctx ends.
func Run(ctx context.Context, out io.Writer, ln net.Listener, o Options) error {
	start := time.Now()
	if err := makeDataDir(&o); err != nil {
		return err
	}
	fmt.Fprintf(out, "baton demo: simulating GitHub and Jira Cloud for a %d-issue organisation (seed %d)\n", o.Size, o.Seed)
	// The simulators deliver their changes as signed webhooks to a listener
	// of the daemon's own, so the demo shows them within a second.
	hooks, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the simulators' webhooks: %w", err)
	}
	sim, err := startSim(ctx, o, apisim.WebhookTarget{URL: "http://" + hooks.Addr().String(), Secret: rand.Text()})
	if err != nil {
		hooks.Close()
		return err
	}
	cfg, cfgPath, err := writeConfig(sim, o, ln.Addr().String())
	if err != nil {
		return err
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Logger: o.Logger, Version: o.Version, WebhookListener: hooks})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "first sync (the real GitHub and Jira connectors against the simulators):")
	failed := d.SyncOnce(ctx, 2, o.Progress.Update)
	o.Progress.Finish()
	for name, err := range failed {
		fmt.Fprintf(out, "  source %s failed: %v\n", name, err)
	}
	r, err := d.Analyze(ctx)
	if err != nil {
		d.Close()
		return err
	}
	files, err := renderRollups(ctx, d, r, o.DataDir)
	if err != nil {
		d.Close()
		return err
	}
	if o.SMTP != "" {
		sendRollups(ctx, out, d, r, o.SMTP)
	}
	printSummary(ctx, out, d, r, paths{config: cfgPath, listen: ln.Addr().String(), rollups: files}, time.Since(start))
	return d.Serve(ctx, ln)
}

func makeDataDir(o *Options) error {
	if o.DataDir != "" {
		return os.MkdirAll(o.DataDir, 0o755)
	}
	dir, err := os.MkdirTemp("", "baton-demo-")
	o.DataDir = dir
	return err
}

type sim struct {
	org                *apisim.Org
	githubURL, jiraURL string
}

// startSim serves the simulated organisation until ctx ends.
func startSim(ctx context.Context, o Options, hooks apisim.WebhookTarget) (*sim, error) {
	spec := apisim.DemoSpec()
	spec.Seed, spec.Issues = o.Seed, o.Size
	ready := make(chan *sim, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- apisim.Serve(ctx, apisim.ServeOptions{
			Spec: spec, GitHubAddr: "127.0.0.1:0", JiraAddr: "127.0.0.1:0",
			MutateEvery: o.Interval, Logger: o.Logger, Webhooks: hooks,
			CasesFile: filepath.Join(o.DataDir, "planted-cases.json"),
			Ready: func(org *apisim.Org, gh, jira string) {
				ready <- &sim{org: org, githubURL: gh, jiraURL: jira}
			},
		})
	}()
	select {
	case s := <-ready:
		return s, nil
	case err := <-errc:
		return nil, fmt.Errorf("starting the simulators: %w", err)
	}
}

// writeConfig writes the configuration a user could copy and loads it.
func writeConfig(s *sim, o Options, listen string) (*config.Config, string, error) {
	text := s.org.ConfigYAML(s.githubURL, s.jiraURL)
	text += fmt.Sprintf("storage: {path: %s}\nlisten: %s\n", strconv.Quote(filepath.Join(o.DataDir, "baton.db")), listen)
	if o.SMTP != "" {
		host, port, err := net.SplitHostPort(o.SMTP)
		if err != nil {
			return nil, "", fmt.Errorf("smtp %q: want host:port", o.SMTP)
		}
		text += fmt.Sprintf("rollup:\n  to: [tpm@example.com]\n  smtp: {host: %s, port: %s, from: baton-demo@example.com, tls: none}\n", host, port)
	}
	path := filepath.Join(o.DataDir, "baton.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return nil, "", err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, "", fmt.Errorf("loading the generated config: %w", err)
	}
	for i := range cfg.Sources {
		cfg.Sources[i].Interval = config.Duration(o.Interval)
	}
	return cfg, path, nil
}
