package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/store"
)

// Counts are what `baton sync --once` prints of its analysis.
type Counts struct {
	Issues   int // analysed
	Findings int
}

// AnalyzeOnce is the analysis that ends a one-round process, of which only
// the counts are printed. An unchanged re-sync of 200,000 issues spends
// most of its time loading the store for an analysis that finds what the
// last one found, so the counts of each such analysis are saved in the
// store with what they depend on, and returned without loading it when
// nothing of that changed (keptCounts says what). Otherwise it analyses
// and publishes as Analyze does, and saves the summary; a summary that
// cannot be read or saved means analysing.
func (d *Daemon) AnalyzeOnce(ctx context.Context) (Counts, error) {
	cfg := d.Config()
	gen, print, err := d.summaryKeys(ctx, cfg)
	if err != nil {
		d.log.Warn("analysing without the saved analysis summary", "err", err)
	} else if c, ok := d.keptCounts(ctx, gen, print); ok {
		return c, nil
	}
	r, windowMoves, aerr := d.analyzeAndPublish(ctx, cfg) // the cfg the fingerprint hashed
	if aerr != nil {
		return Counts{}, aerr
	}
	if err == nil {
		sum := store.AnalysisSummary{Generation: gen, Fingerprint: print, At: r.Now,
			ValidUntil: validUntil(r, windowMoves), Issues: len(r.Issues), Findings: len(r.Findings)}
		if err := d.store.SaveAnalysisSummary(ctx, sum); err != nil {
			d.log.Warn("the next sync --once will analyse again", "err", err)
		}
	}
	return Counts{Issues: len(r.Issues), Findings: len(r.Findings)}, nil
}

// summaryKeys returns the store's data generation, read before any load
// (a write after it moves it, so a summary saved with it never claims
// data newer than it saw), and the fingerprint of cfg and the binary.
func (d *Daemon) summaryKeys(ctx context.Context, cfg *config.Config) (int64, string, error) {
	gen, err := d.store.Generation(ctx)
	if err != nil {
		return 0, "", err
	}
	print, err := fingerprint(cfg, d.binary)
	return gen, print, err
}

// keptCounts returns the saved summary's counts if they are what an
// analysis now would count. Those counts are a function of:
//   - the issues, links and acks stored: the data generation;
//   - the configuration: sources and the scope inScope gives each,
//     teams, rules, the time zone (cfg.Dump and TZ, in the fingerprint);
//   - the code of baton: the binary (in the fingerprint);
//   - now: which acks are active, which closed issues LoadIssues loads
//     (closedWindow), and every time-based rule, all of which first change
//     at the summary's ValidUntil (validUntil), and none of which may be
//     trusted before the summary's own clock.
func (d *Daemon) keptCounts(ctx context.Context, gen int64, print string) (Counts, bool) {
	sum, ok, err := d.store.AnalysisSummary(ctx)
	if err != nil {
		d.log.Warn("analysing without the saved analysis summary", "err", err)
		return Counts{}, false
	}
	now := d.now()
	var why string
	switch {
	case !ok:
		why = "no analysis summary saved"
	case sum.Generation != gen:
		why = "the issues, links or acks changed"
	case sum.Fingerprint != print:
		why = "the configuration or the binary changed"
	case now.Before(sum.At) || !now.Before(sum.ValidUntil):
		why = "findings may have changed with time"
	}
	if why != "" {
		d.log.Info("analysing: " + why)
		return Counts{}, false
	}
	d.log.Info(fmt.Sprintf("nothing the analysis reads changed since %s; printing that analysis' counts", sum.At.Format(time.RFC3339)),
		"issues", sum.Issues, "findings", sum.Findings, "valid_until", sum.ValidUntil)
	return Counts{Issues: sum.Issues, Findings: sum.Findings}, true
}

// validUntil is when the counts of r may first differ with nothing stored
// changing: at r.NextChange (time-based findings, expiring acks), when
// the window of closed issues loaded next moves (windowMoves), and at
// the latest analysisCeiling after r.Now, the bound serve re-analyses
// within when nothing is written, a net for a time dependence missed.
func validUntil(r *analysis.Report, windowMoves time.Time) time.Time {
	until := r.Now.Add(analysisCeiling)
	for _, t := range []time.Time{r.NextChange, windowMoves} {
		if !t.IsZero() && t.Before(until) {
			until = t
		}
	}
	return until
}

// fingerprint hashes what an analysis' result depends on besides the
// stored data and the clock: the effective configuration as `baton config
// check --show` prints it (secrets as <secret>), TZ, and binary, the
// identity of the running baton.
func fingerprint(cfg *config.Config, binary func() (string, error)) (string, error) {
	dump, err := cfg.Dump()
	if err != nil {
		return "", err
	}
	id, err := binary()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	// TZ: a timezone of Local is the process' zone, which TZ can change.
	fmt.Fprintf(h, "%s\x00TZ=%s\x00", id, os.Getenv("TZ"))
	h.Write(dump)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// executable identifies the running binary of version: the path, size
// and modification time of its file, which every build writes anew (a
// developer who edits a rule and rebuilds gets another, the version
// string and the commit unchanged), and the commit it was built from when
// the build recorded one. Hashing the file would say the same for about
// 0.1 CPU-s (43 MB) a run, an eighth of what the summary saves.
func executable(version string) func() (string, error) {
	return func() (string, error) {
		path, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("finding baton's executable: %w", err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("finding baton's executable: %w", err)
		}
		id := fmt.Sprintf("%s\x00%s\x00%d\x00%d", version, path, fi.Size(), fi.ModTime().UnixNano())
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if strings.HasPrefix(s.Key, "vcs.") {
					id += "\x00" + s.Key + "=" + s.Value
				}
			}
		}
		return id, nil
	}
}
