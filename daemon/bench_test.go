package daemon

import (
	"context"
	"log/slog"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim"
)

// lastPublished keeps the last report of BenchmarkAnalyseStored50k alive, so
// that -memprofile's in-use view shows what a published report holds.
var lastPublished *analysis.Report

// BenchmarkAnalyseStored50k syncs a 50,000-issue simulated organisation
// in-process once, then analyses the store as the daemon does after a round
// that wrote. B/op is what one analysis allocates; -memprofile's in-use
// view shows what the lastPublished report holds (beside the simulators' own
// organisation, under apisim).
//
//	go test -run '^$' -bench AnalyseStored50k -benchtime 3x -benchmem -memprofile mem.out ./daemon/
//	go tool pprof -sample_index=inuse_space -top daemon.test mem.out
func BenchmarkAnalyseStored50k(b *testing.B) {
	spec := apisim.BenchmarkSpec()
	spec.Issues = 50_000
	_, cfg := simOrg(b, spec)
	ctx := context.Background()
	d, err := Open(ctx, cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if failed := d.SyncOnce(ctx, 2, nil); len(failed) > 0 {
		b.Fatal(failed)
	}
	b.ReportAllocs()
	for b.Loop() {
		if lastPublished, err = d.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(lastPublished.Issues)), "issues")
	b.ReportMetric(float64(len(lastPublished.Findings)), "findings")
}
