package daemon

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

// BenchmarkWebhookEditToPublished edits GitHub issues at the simulator, one
// at a time, 100 edits an iteration, with the poll an hour away, and times
// each from the edit to the publication of an analysis that shows it (the
// new title in the published report), through the signed webhook, the
// re-fetch and the debounced analysis. It reports the median and p99 and
// the GitHub requests spent per edit. Run it alone:
//
//	go test -run '^$' -bench WebhookEditToPublished -benchtime 1x ./daemon
func BenchmarkWebhookEditToPublished(b *testing.B) {
	const edits = 100
	d, org := hookedDaemon(b)
	refs := openIssues(b, org, 10)
	keys := make([]string, len(refs))
	for i, ref := range refs {
		owner, name, _ := strings.Cut(ref.Repo, "/")
		keys[i] = model.GitHubKey(owner, name, ref.Number)
	}
	var took []time.Duration
	before := org.GitHub.Stats()
	b.ResetTimer()
	for n := range b.N {
		for i := range edits {
			title := fmt.Sprintf("edit %d.%d", n, i)
			start := time.Now()
			if err := org.GitHub.Edit(refs[i%len(refs)], title, ""); err != nil {
				b.Fatal(err)
			}
			eventually(b, "the edit published", func() bool { return published(d, keys[i%len(keys)], title) })
			took = append(took, time.Since(start))
		}
	}
	b.StopTimer()
	after := org.GitHub.Stats()
	requests := 0
	for route, n := range after.Requests {
		requests += n - before.Requests[route]
	}
	slices.Sort(took)
	b.ReportMetric(took[len(took)/2].Seconds(), "median-s")
	b.ReportMetric(took[len(took)*99/100].Seconds(), "p99-s")
	b.ReportMetric(float64(requests)/float64(len(took)), "requests/edit")
	b.ReportMetric(float64(after.QuotaUsed-before.QuotaUsed)/float64(len(took)), "quota/edit")
}

// published reports whether the published report shows key with title.
func published(d *Daemon, key, title string) bool {
	r := d.report.Load()
	if r == nil {
		return false
	}
	for _, is := range r.Issues {
		if is.Key == key {
			return is.Title == title
		}
	}
	return false
}
