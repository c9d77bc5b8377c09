package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// webhooks are the webhook listener's metrics.
type webhooks struct {
	requests  *prometheus.CounterVec
	toPublish *prometheus.HistogramVec
}

func newWebhooks() webhooks {
	return webhooks{
		requests: counterVec("baton_webhook_requests_total",
			"Webhook requests by source (empty when unknown), event (empty before the signature is verified) and result.",
			"source", "event", "result"),
		toPublish: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_webhook_to_publish_seconds",
			Help:    "Time from a webhook's receipt to the publication of an analysis that includes what it re-fetched.",
			Buckets: []float64{0.25, 0.5, 1, 2, 3, 5, 10, 30, 60},
		}, []string{"source"}),
	}
}

// WebhookRequest counts one webhook request.
func (m *Metrics) WebhookRequest(source, event, result string) {
	m.webhooks.requests.WithLabelValues(source, event, result).Inc()
}

// WebhookPublished observes the time from a webhook's receipt to the
// publication of the analysis that includes it.
func (m *Metrics) WebhookPublished(source string, took time.Duration) {
	m.webhooks.toPublish.WithLabelValues(source).Observe(took.Seconds())
}
