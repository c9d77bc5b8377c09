// Package metrics exports baton's state to Prometheus: the findings of the last
// published analysis (through a custom collector, so a scrape does no store
// query and no API call), the health of each source's sync, API usage and quota,
// and rollup deliveries. Metric names and labels are a contract (issue 8): the
// alert rules and dashboard under deploy/ depend on them.
package metrics

import (
	"errors"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is every metric baton exports. Its methods are safe for concurrent
// use.
type Metrics struct {
	findings *findingsCollector

	syncLastSuccess *prometheus.GaugeVec
	syncDuration    *prometheus.HistogramVec
	syncErrors      *prometheus.CounterVec
	syncUpserted    *prometheus.CounterVec
	withheld        *prometheus.GaugeVec
	failingScopes   *prometheus.GaugeVec

	api *apiCollector

	rollupSent     *prometheus.CounterVec
	rollupLastSent prometheus.Gauge
	rollupErrors   *prometheus.CounterVec

	webhooks webhooks

	now func() time.Time
}

// New creates baton's metrics and registers them with reg: build info, the
// findings collector, sync, API and rollup metrics, and the Go and process
// collectors (unless reg already has them, as prometheus.DefaultRegisterer
// does). It panics if a baton metric is already registered with reg.
func New(reg prometheus.Registerer, version string) *Metrics {
	m := &Metrics{
		findings: newFindingsCollector(),
		syncLastSuccess: gaugeVec("baton_sync_last_success_timestamp_seconds",
			"Unix time the last sync round of a source succeeded; 0 until one has.", "source"),
		syncDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_sync_duration_seconds",
			Help:    "Duration of sync rounds of a source, failed ones included.",
			Buckets: []float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"source"}),
		syncErrors: counterVec("baton_sync_errors_total",
			"Sync rounds of a source that ended in an error.", "source"),
		syncUpserted: counterVec("baton_sync_issues_upserted_total",
			"Issues written to the store by sync rounds of a source.", "source"),
		withheld: gaugeVec("baton_reconcile_withheld_deletions",
			"Deletions of a source's issues its last reconcile found but withholds until the next reconcile agrees (a mass deletion).", "source"),
		failingScopes: gaugeVec("baton_sync_failing_scopes",
			"Parts of a source (GitHub repositories) failing on their own (gone, out of reach, issues off), retried on their own schedule while the rest syncs; 0 when none.", "source"),
		api: newAPICollector(),
		rollupSent: counterVec("baton_rollup_emails_sent_total",
			"Rollups sent, by channel: email or slack.", "channel"),
		rollupLastSent: prometheus.NewGauge(prometheus.GaugeOpts{Name: "baton_rollup_last_sent_timestamp_seconds",
			Help: "Unix time the last rollup was sent; 0 until one has been."}),
		rollupErrors: counterVec("baton_rollup_errors_total",
			"Rollups that failed to go out, by channel: email or slack.", "channel"),
		webhooks: newWebhooks(),
		now:      time.Now,
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "baton_build_info",
		Help:        "Always 1; labels say which baton and Go built this process.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	// Both channels report from the start, so that increase() and the alert
	// on errors see the first failure rather than a series appearing at 1.
	for _, c := range rollupChannels {
		m.rollupSent.WithLabelValues(c)
		m.rollupErrors.WithLabelValues(c)
	}
	reg.MustRegister(buildInfo, m.findings,
		m.syncLastSuccess, m.syncDuration, m.syncErrors, m.syncUpserted, m.withheld, m.failingScopes,
		m.api,
		m.rollupSent, m.rollupLastSent, m.rollupErrors,
		m.webhooks.requests, m.webhooks.toPublish)
	registerRuntime(reg, collectors.NewGoCollector())
	registerRuntime(reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
}

// registerRuntime registers a Go or process collector unless reg has one.
func registerRuntime(reg prometheus.Registerer, c prometheus.Collector) {
	if err := reg.Register(c); err != nil {
		var already prometheus.AlreadyRegisteredError
		if !errors.As(err, &already) {
			panic(err)
		}
	}
}

// AddSources creates the per-source sync series at zero, so they exist (and
// alerts on them can evaluate) before a source's first round ends. The API
// quota series appears with the first response that reports one.
func (m *Metrics) AddSources(names ...string) {
	for _, s := range names {
		m.syncLastSuccess.WithLabelValues(s)
		m.syncDuration.WithLabelValues(s)
		m.syncErrors.WithLabelValues(s)
		m.syncUpserted.WithLabelValues(s)
		m.withheld.WithLabelValues(s)
		m.failingScopes.WithLabelValues(s)
	}
	m.findings.addSources(names)
}

// RemoveSources drops every series of sources no longer configured, so a
// removed source neither lingers at its last values nor keeps being
// zero-filled.
func (m *Metrics) RemoveSources(names ...string) {
	for _, s := range names {
		for _, v := range []interface{ DeleteLabelValues(...string) bool }{m.syncLastSuccess, m.syncDuration, m.syncErrors, m.syncUpserted, m.withheld, m.failingScopes} {
			v.DeleteLabelValues(s)
		}
	}
	m.api.remove(names)
	m.findings.removeSources(names)
}

// SyncRound records one sync round of source: how long it took, how many
// issues it wrote (pages committed before a failure count too) and whether it
// failed.
func (m *Metrics) SyncRound(source string, took time.Duration, upserted int, err error) {
	m.syncDuration.WithLabelValues(source).Observe(took.Seconds())
	m.syncUpserted.WithLabelValues(source).Add(float64(upserted))
	if err != nil {
		m.syncErrors.WithLabelValues(source).Inc()
		return
	}
	m.syncLastSuccess.WithLabelValues(source).Set(unixSeconds(m.now()))
}

// WithheldDeletions records how many deletions of source a reconcile
// withholds (baton_reconcile_withheld_deletions).
func (m *Metrics) WithheldDeletions(source string, n int) {
	m.withheld.WithLabelValues(source).Set(float64(n))
}

// FailingScopes records how many parts of source fail on their own
// (baton_sync_failing_scopes).
func (m *Metrics) FailingScopes(source string, n int) {
	m.failingScopes.WithLabelValues(source).Set(float64(n))
}

// rollupChannels are the values of the rollup metrics' channel label.
var rollupChannels = []string{"email", "slack"}

// RollupSent records that n rollups went out on channel at at.
func (m *Metrics) RollupSent(channel string, n int, at time.Time) {
	m.rollupSent.WithLabelValues(channel).Add(float64(n))
	m.rollupLastSent.Set(unixSeconds(at))
}

// RollupFailed records a rollup that failed to go out on channel
// (baton_rollup_errors_total).
func (m *Metrics) RollupFailed(channel string) { m.rollupErrors.WithLabelValues(channel).Inc() }

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
