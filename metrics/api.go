package metrics

import (
	"maps"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/connectors/httpapi"
)

// Usage is a source's HTTP layer as metrics reads it: an *httpapi.Meter.
type Usage interface{ Snapshot() httpapi.Snapshot }

// WatchAPI exports the usage of source's API at every scrape:
// baton_api_requests_total{source,code} counts its requests by HTTP status
// ("304" for a conditional request answered from cache, "error" when no
// response arrived) and baton_api_rate_limit_remaining{source} is the
// rate-limit headroom the API last reported (GitHub's x-ratelimit-remaining
// and Jira's X-RateLimit-Remaining alike), once one did. Only the source name
// and status become labels: never a URL, header or credential. A source
// rebuilt by a reload is watched again: its counts go on from the previous
// connector's.
func (m *Metrics) WatchAPI(source string, u Usage) {
	m.api.mu.Lock()
	defer m.api.mu.Unlock()
	m.api.sources[source] = append(m.api.sources[source], u)
}

// apiCollector reads the snapshots of every watched source at scrape time.
type apiCollector struct {
	requests, remaining *prometheus.Desc

	mu      sync.Mutex
	sources map[string][]Usage // every HTTP layer a source has had, oldest first
}

func newAPICollector() *apiCollector {
	return &apiCollector{
		requests: prometheus.NewDesc("baton_api_requests_total",
			`HTTP requests to a source's API by response status code ("error" when no response arrived).`,
			[]string{"source", "code"}, nil),
		remaining: prometheus.NewDesc("baton_api_rate_limit_remaining",
			"Requests left in the current rate-limit window, as a source's API last reported.",
			[]string{"source"}, nil),
		sources: map[string][]Usage{},
	}
}

func (c *apiCollector) remove(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range names {
		delete(c.sources, s)
	}
}

// Describe implements prometheus.Collector.
func (c *apiCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.requests
	ch <- c.remaining
}

// Collect implements prometheus.Collector.
func (c *apiCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	sources := maps.Clone(c.sources)
	c.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(sources)) {
		counts := map[string]int64{}
		var quota httpapi.Quota
		for _, u := range sources[name] {
			snap := u.Snapshot()
			for code, n := range snap.Requests {
				counts[code] += n
			}
			if snap.Quota.Known {
				quota = snap.Quota
			}
		}
		for code, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(n), name, code)
		}
		if quota.Known {
			ch <- prometheus.MustNewConstMetric(c.remaining, prometheus.GaugeValue, float64(quota.Remaining), name)
		}
	}
}
