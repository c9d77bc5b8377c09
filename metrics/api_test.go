package metrics

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/batonhq/baton/connectors/httpapi"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func newRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func respond(code int, header http.Header) *http.Response {
	return &http.Response{StatusCode: code, Header: header, Body: io.NopCloser(strings.NewReader(""))}
}

// watch puts an httpapi.Meter over base, as the daemon does for each source,
// and has m watch it.
func watch(m *Metrics, source string, base http.RoundTripper) *httpapi.Meter {
	meter := httpapi.NewMeter(base)
	m.WatchAPI(source, meter)
	return meter
}

// okWithRemaining answers 200 with an X-RateLimit-Remaining header.
func okWithRemaining(v string) func(*http.Request) (*http.Response, error) {
	return func(*http.Request) (*http.Response, error) {
		h := http.Header{}
		h.Set("X-RateLimit-Remaining", v)
		return respond(http.StatusOK, h), nil
	}
}

func TestAPIUsageCountsCodesAndReadsQuota(t *testing.T) {
	m, reg := newTestMetrics(t)
	answers := []func(*http.Request) (*http.Response, error){
		okWithRemaining("4999"),
		func(*http.Request) (*http.Response, error) {
			return respond(http.StatusNotModified, http.Header{}), nil
		},
		okWithRemaining("4998"),
		func(*http.Request) (*http.Response, error) { return nil, errors.New("dial tcp: connection refused") },
	}
	gh := watch(m, "gh", roundTripFunc(func(r *http.Request) (*http.Response, error) {
		next := answers[0]
		answers = answers[1:]
		return next(r)
	}))
	jiraHeader := http.Header{}
	jiraHeader.Set("X-RateLimit-Remaining", "12")
	jira := watch(m, "jira", roundTripFunc(func(*http.Request) (*http.Response, error) {
		return respond(http.StatusTooManyRequests, jiraHeader), nil
	}))
	for range 4 {
		resp, err := gh.RoundTrip(newRequest(t, "https://api.github.test/repos/acme/core/issues"))
		if err == nil {
			resp.Body.Close()
		}
	}
	if _, err := jira.RoundTrip(newRequest(t, "https://jira.test/rest/api/2/search")); err != nil {
		t.Fatal(err)
	}
	checkAPIUsage(t, reg, `
baton_api_rate_limit_remaining{source="gh"} 4998
baton_api_rate_limit_remaining{source="jira"} 12
`, `
baton_api_requests_total{code="200",source="gh"} 2
baton_api_requests_total{code="304",source="gh"} 1
baton_api_requests_total{code="error",source="gh"} 1
baton_api_requests_total{code="429",source="jira"} 1
`)
}

func TestAPIUsageReadsGitHubsLowercaseHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["x-ratelimit-remaining"] = []string{"4321"} // GitHub's spelling, sent as is
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	m, reg := newTestMetrics(t)
	client := &http.Client{Transport: watch(m, "gh", nil)}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	checkAPIUsage(t, reg, `
baton_api_rate_limit_remaining{source="gh"} 4321
`, "")
}

func TestAPIUsageIgnoresMalformedQuota(t *testing.T) {
	m, reg := newTestMetrics(t)
	tr := watch(m, "gh", roundTripFunc(okWithRemaining("lots")))
	if _, err := tr.RoundTrip(newRequest(t, "https://api.github.test/")); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "baton_api_rate_limit_remaining"); err != nil || n != 0 {
		t.Errorf("got %d quota series (err %v) from a malformed header, want 0", n, err)
	}
}

func TestSecretsNeverReachTheScrape(t *testing.T) {
	const token = "ghp_s3cr3tT0k3n"
	m, reg := newTestMetrics(t)
	tr := watch(m, "gh", roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("request with token " + token + " failed")
	}))
	req := newRequest(t, "https://api.github.test/user?access_token="+token)
	req.Header.Set("Authorization", "Bearer "+token)
	if _, err := tr.RoundTrip(req); err == nil {
		t.Fatal("got no error from a failing transport")
	}
	m.SyncRound("gh", 0, 0, errors.New("HTTP 401 for token "+token))
	text := scrape(t, reg)
	if strings.Contains(string(text), token) {
		t.Errorf("scrape contains the token:\n%s", text)
	}
	if !strings.Contains(string(text), `baton_api_requests_total{code="error",source="gh"} 1`) {
		t.Errorf("scrape lacks the failed request:\n%s", text)
	}
}

// A reload rebuilds a changed source's connector with a new HTTP layer: its
// request counter must go on, not fall back to zero, and its quota is the
// newest reported.
func TestAPIUsageOfAReloadedSourceGoesOn(t *testing.T) {
	m, reg := newTestMetrics(t)
	for _, remaining := range []string{"4999", "4000"} {
		tr := watch(m, "gh", roundTripFunc(okWithRemaining(remaining)))
		for range 2 {
			if _, err := tr.RoundTrip(newRequest(t, "https://api.github.test/")); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkAPIUsage(t, reg, `
baton_api_rate_limit_remaining{source="gh"} 4000
`, `
baton_api_requests_total{code="200",source="gh"} 4
`)
}

// checkAPIUsage compares the quota series with the remaining samples given
// and, unless requests is "", the request counters with requests.
func checkAPIUsage(t *testing.T, reg *prometheus.Registry, remaining, requests string) {
	t.Helper()
	want := "# HELP baton_api_rate_limit_remaining Requests left in the current rate-limit window, as a source's API last reported.\n" +
		"# TYPE baton_api_rate_limit_remaining gauge\n" + strings.TrimPrefix(remaining, "\n")
	names := []string{"baton_api_rate_limit_remaining"}
	if requests != "" {
		want += "# HELP baton_api_requests_total HTTP requests to a source's API by response status code (\"error\" when no response arrived).\n" +
			"# TYPE baton_api_requests_total counter\n" + strings.TrimPrefix(requests, "\n")
		names = append(names, "baton_api_requests_total")
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}
