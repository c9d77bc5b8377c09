package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/rollup"
)

type demoOptions struct {
	seed     int64
	size     int
	dataDir  string
	listen   string
	interval time.Duration
	smtp     string
}

func newDemoCmd(g *globals) *cobra.Command {
	o := demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See baton work on a simulated GitHub + Jira organisation, no credentials needed",
		Long: `Start simulated GitHub and Jira Cloud APIs in-process with a generated
organisation (four teams, planted stalled and misaligned work), write a config
that points the real connectors at them, and run the real daemon: first sync,
analysis, /metrics, rollup emails rendered to files (and sent with --smtp).
It prints the top findings and where to look next, then keeps syncing while
the simulation changes a few issues each interval, until Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.size < 50 {
				return usagef("--size must be at least 50, got %d", o.size)
			}
			if o.interval < 10*time.Second {
				return usagef("--interval must be at least 10s, got %s", o.interval)
			}
			log := g.logger
			if !cmd.Flags().Changed("log-level") {
				log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			}
			return runDemo(cmd.Context(), cmd.OutOrStdout(), log, o)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.seed, "seed", 1, "organisation generator seed")
	f.IntVar(&o.size, "size", 400, "number of issues in the simulated organisation")
	f.StringVar(&o.dataDir, "data-dir", "", "where the config, SQLite file and rollups go (default: a new temporary directory)")
	f.StringVar(&o.listen, "listen", "127.0.0.1:9464", "address for /metrics, /healthz, /readyz")
	f.DurationVar(&o.interval, "interval", 30*time.Second, "how often to re-sync (the simulation changes a few issues as often)")
	f.StringVar(&o.smtp, "smtp", "", "host:port of an SMTP server (no TLS, no auth) to send the rollups to")
	return cmd
}

func runDemo(ctx context.Context, out io.Writer, log *slog.Logger, o demoOptions) error {
	start := time.Now()
	if o.dataDir == "" {
		dir, err := os.MkdirTemp("", "baton-demo-")
		if err != nil {
			return err
		}
		o.dataDir = dir
	} else if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usagef("--listen %s: %v (pick another with --listen 127.0.0.1:0)", o.listen, err)
	}
	defer ln.Close()
	fmt.Fprintf(out, "baton demo: simulating GitHub and Jira Cloud for a %d-issue organisation (seed %d)\n", o.size, o.seed)
	sim, err := startSim(ctx, o, log)
	if err != nil {
		return err
	}
	cfg, cfgPath, err := writeDemoConfig(sim, o, ln.Addr().String())
	if err != nil {
		return err
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Logger: log, Version: version})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "first sync (the real GitHub and Jira connectors against the simulators):")
	view := newProgressView(os.Stderr, log)
	failed := d.SyncOnce(ctx, 2, view.update)
	view.finish()
	for name, err := range failed {
		fmt.Fprintf(out, "  source %s failed: %v\n", name, err)
	}
	r, err := d.Analyze(ctx)
	if err != nil {
		d.Close()
		return err
	}
	files, err := renderDemoRollups(ctx, d, r, o.dataDir)
	if err != nil {
		d.Close()
		return err
	}
	if o.smtp != "" {
		if n, err := sendRollups(ctx, cfg, d.Store(), r, "", rollup.ChannelEmail, time.Now(), false); err != nil {
			fmt.Fprintf(out, "sending rollups to %s: %v\n", o.smtp, err)
		} else {
			fmt.Fprintf(out, "sent %d rollup emails through %s\n", n, o.smtp)
		}
	}
	printDemoSummary(ctx, out, d, r, demoPaths{config: cfgPath, listen: ln.Addr().String(), rollups: files}, time.Since(start))
	return d.Serve(ctx, ln)
}

type demoSim struct {
	org                *apisim.Org
	githubURL, jiraURL string
}

// startSim serves the simulated organisation until ctx ends.
func startSim(ctx context.Context, o demoOptions, log *slog.Logger) (*demoSim, error) {
	spec := apisim.DemoSpec()
	spec.Seed, spec.Issues = o.seed, o.size
	ready := make(chan *demoSim, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- apisim.Serve(ctx, apisim.ServeOptions{
			Spec: spec, GitHubAddr: "127.0.0.1:0", JiraAddr: "127.0.0.1:0",
			MutateEvery: o.interval, Logger: log,
			CasesFile: filepath.Join(o.dataDir, "planted-cases.json"),
			Ready: func(org *apisim.Org, gh, jira string) {
				ready <- &demoSim{org: org, githubURL: gh, jiraURL: jira}
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

// writeDemoConfig writes the configuration a user could copy and loads it.
func writeDemoConfig(sim *demoSim, o demoOptions, listen string) (*config.Config, string, error) {
	text := sim.org.ConfigYAML(sim.githubURL, sim.jiraURL)
	text += fmt.Sprintf("storage: {path: %s}\nlisten: %s\n", strconv.Quote(filepath.Join(o.dataDir, "baton.db")), listen)
	if o.smtp != "" {
		host, port, err := net.SplitHostPort(o.smtp)
		if err != nil {
			return nil, "", usagef("--smtp %q: want host:port", o.smtp)
		}
		text += fmt.Sprintf("rollup:\n  to: [tpm@example.com]\n  smtp: {host: %s, port: %s, from: baton-demo@example.com, tls: none}\n", host, port)
	}
	path := filepath.Join(o.dataDir, "baton.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return nil, "", err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, "", fmt.Errorf("loading the generated config: %w", err)
	}
	for i := range cfg.Sources {
		cfg.Sources[i].Interval = config.Duration(o.interval)
	}
	return cfg, path, nil
}

// renderDemoRollups writes the org-wide and every team's rollup as HTML and
// text into dir and returns the org-wide files' paths first.
func renderDemoRollups(ctx context.Context, d *daemon.Daemon, r *analysis.Report, dir string) ([]string, error) {
	sender, err := daemon.Rollups(d.Config(), d.Store(), false)
	if err != nil {
		return nil, err
	}
	teams := []string{""}
	for _, t := range d.Config().Teams {
		teams = append(teams, t.Name)
	}
	var files []string
	now := time.Now()
	for _, team := range teams {
		name := "org"
		if team != "" {
			name = "team-" + team
		}
		for _, f := range []rollup.Format{rollup.FormatHTML, rollup.FormatText} {
			ext := map[rollup.Format]string{rollup.FormatHTML: ".html", rollup.FormatText: ".txt"}[f]
			path := filepath.Join(dir, "rollup-"+name+ext)
			if err := writeFileWith(path, func(w io.Writer) error { return sender.Render(ctx, w, r, team, f, now) }); err != nil {
				return nil, fmt.Errorf("rendering rollup %s: %w", path, err)
			}
			files = append(files, path)
		}
	}
	return files, nil
}

func writeFileWith(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type demoPaths struct {
	config, listen string
	rollups        []string
}

func printDemoSummary(ctx context.Context, out io.Writer, d *daemon.Daemon, r *analysis.Report, p demoPaths, took time.Duration) {
	fmt.Fprintf(out, "\nready in %s\n\nissues synced:\n", took.Round(100*time.Millisecond))
	counts, err := d.Store().CountBySource(ctx)
	if err == nil {
		names := make([]string, 0, len(counts))
		for n := range counts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(out, "  %-8s %5d\n", n, counts[n])
		}
	}
	byKind := map[string]int{}
	for _, f := range r.Findings {
		byKind[f.Kind]++
	}
	fmt.Fprintf(out, "\n%d findings: %d stalled, %d misaligned. The most urgent:\n\n", len(r.Findings), byKind[analysis.KindStalled], byKind[analysis.KindMisaligned])
	top := r.Findings[:min(8, len(r.Findings))]
	_ = report.WriteTable(out, top)
	fmt.Fprintf(out, `
where to look next:
  metrics      http://%[1]s/metrics   (also /healthz, /readyz)
  findings     go run ./cmd/baton findings --config %[2]s   (add --json, --team, --rule)
  graph        go run ./cmd/baton deps --config %[2]s --cross-team-only | dot -Tsvg > deps.svg
  rollups      %[3]s
  config       %[2]s   (copy it, point the sources at your GitHub and Jira)

baton keeps syncing every %[4]s while the simulation changes a few issues; Ctrl-C to stop.
`, p.listen, p.config, p.rollups[0], d.Config().Sources[0].Interval)
}
