package metrics

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/analysis"
)

// unassigned is the team label of issues no team claims: an empty label value
// would read as "label absent" in PromQL and in dashboards.
const unassigned = "unassigned"

var (
	issuesDesc = prometheus.NewDesc("baton_issues",
		"Issues by team, source and normalised status: open ones, plus those done in the 7 days before the analysis.",
		[]string{"team", "source", "status"}, nil)
	stalledDesc = prometheus.NewDesc("baton_stalled_issues",
		"Issues of a team with a stalled finding of a rule.",
		[]string{"team", "rule"}, nil)
	misalignedDesc = prometheus.NewDesc("baton_misalignments",
		"Misalignment findings of a rule where team waits on counterpart_team.",
		[]string{"team", "counterpart_team", "rule"}, nil)
	dependenciesDesc = prometheus.NewDesc("baton_cross_team_dependencies",
		"Open blocking dependencies where team waits on counterpart_team.",
		[]string{"team", "counterpart_team"}, nil)
	oldestStalledDesc = prometheus.NewDesc("baton_oldest_stalled_age_seconds",
		"Age of the team's oldest stalled finding at the time of the analysis; 0 when it has none.",
		[]string{"team"}, nil)
	acknowledgedDesc = prometheus.NewDesc("baton_acknowledged_findings",
		"Findings of a rule on a team's issues that an acknowledgement (baton ack) keeps out of the other findings families.",
		[]string{"team", "rule"}, nil)
)

// findingsCollector exports the last published analysis report. Publish does
// all the work and swaps in a ready list of metrics; Collect only sends it.
type findingsCollector struct {
	snapshot atomic.Pointer[[]prometheus.Metric]

	mu      sync.Mutex // serialises publish and guards sources and seen
	sources []string
	seen    seenLabels
}

func newFindingsCollector() *findingsCollector {
	return &findingsCollector{seen: newSeenLabels()}
}

// Describe implements prometheus.Collector.
func (c *findingsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{issuesDesc, stalledDesc, misalignedDesc, dependenciesDesc, oldestStalledDesc, acknowledgedDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. Before the first publish it sends
// nothing.
func (c *findingsCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.snapshot.Load()
	if snap == nil {
		return
	}
	for _, m := range *snap {
		ch <- m
	}
}

func (c *findingsCollector) addSources(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range names {
		if !slices.Contains(c.sources, n) {
			c.sources = append(c.sources, n)
		}
	}
}

func (c *findingsCollector) removeSources(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sources = slices.DeleteFunc(c.sources, func(s string) bool { return slices.Contains(names, s) })
	for k := range c.seen.issues {
		if slices.Contains(names, k.source) {
			delete(c.seen.issues, k)
		}
	}
}

// Publish makes r the report that scrapes export. Series seen in an earlier
// report keep reporting 0 after they drop out, so alerts on them resolve.
func (m *Metrics) Publish(r *analysis.Report) { m.findings.publish(r) }

func (c *findingsCollector) publish(r *analysis.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := aggregate(r)
	c.seen.remember(a)
	c.seen.fillZeros(a, r.Teams, c.sources)
	snap := a.metrics()
	c.snapshot.Store(&snap)
}
