package metrics

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// InstrumentTransport wraps base (nil means http.DefaultTransport) so that each
// request counts in baton_api_requests_total{source,code} and the rate-limit
// headroom the API reports in X-RateLimit-Remaining (GitHub's
// x-ratelimit-remaining and Jira's X-RateLimit-Remaining alike) sets
// baton_api_rate_limit_remaining{source}. Code is the HTTP status ("304" for
// a conditional request answered from cache), or "error" when no response
// arrived. Only the source name and status become labels: never a URL, header
// or credential.
func (m *Metrics) InstrumentTransport(source string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &instrumented{
		base:      base,
		requests:  m.apiRequests.MustCurryWith(prometheus.Labels{"source": source}),
		remaining: m.apiRemaining,
		source:    source,
	}
}

type instrumented struct {
	base      http.RoundTripper
	requests  *prometheus.CounterVec // curried with source
	remaining *prometheus.GaugeVec
	source    string
}

// RoundTrip implements http.RoundTripper.
func (t *instrumented) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.requests.WithLabelValues("error").Inc()
		return resp, err
	}
	t.requests.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
	if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
		if n, perr := strconv.ParseFloat(v, 64); perr == nil {
			t.remaining.WithLabelValues(t.source).Set(n)
		}
	}
	return resp, nil
}
