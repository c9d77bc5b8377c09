package demo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/rollup"
)

// renderRollups writes the org-wide and every team's rollup as HTML and
// text into dir and returns the org-wide files' paths first.
func renderRollups(ctx context.Context, d *daemon.Daemon, r *analysis.Report, dir string) ([]string, error) {
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
			if err := sender.RenderFile(ctx, path, r, team, f, now); err != nil {
				return nil, fmt.Errorf("rendering rollup %s: %w", path, err)
			}
			files = append(files, path)
		}
	}
	return files, nil
}

// sendRollups mails every rollup through the demo's SMTP server and says how
// it went; a failure does not stop the demo.
func sendRollups(ctx context.Context, out io.Writer, d *daemon.Daemon, r *analysis.Report, smtp string) {
	sender, err := daemon.Rollups(d.Config(), d.Store(), true)
	n := 0
	if err == nil {
		n, err = sender.SendNow(ctx, r, "", rollup.ChannelEmail, time.Now(), false)
	}
	if err != nil {
		fmt.Fprintf(out, "sending rollups to %s: %v\n", smtp, err)
		return
	}
	fmt.Fprintf(out, "sent %d rollup emails through %s\n", n, smtp)
}

type paths struct {
	config, listen string
	rollups        []string
}

func printSummary(ctx context.Context, out io.Writer, d *daemon.Daemon, r *analysis.Report, p paths, took time.Duration) {
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
  dashboard    http://%[1]s/   (teams, the blocking graph, findings, issues)
  metrics      http://%[1]s/metrics   (also /healthz, /readyz)
  findings     go run ./cmd/baton findings --config %[2]s   (add --json, --team, --rule)
  graph        go run ./cmd/baton deps --config %[2]s --cross-team-only   (DOT; also on the dashboard)
  rollups      %[3]s
  config       %[2]s   (copy it, point the sources at your GitHub and Jira)

baton keeps syncing every %[4]s while the simulation changes a few issues; Ctrl-C to stop.
`, p.listen, p.config, p.rollups[0], d.Config().Sources[0].Interval)
}
