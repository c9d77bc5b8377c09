package httpapi

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMeterCountsByStatusAndKeepsTheLatestQuota(t *testing.T) {
	headers := []map[string]string{
		{"X-RateLimit-Remaining": "4999", "X-RateLimit-Limit": "5000", "X-RateLimit-Reset": "1796392800"},
		{}, // no quota: the last one stands
		{"X-RateLimit-Remaining": "lots"},
		{"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "2026-12-04T15:00Z"}, // Jira Cloud's form
	}
	codes := []int{200, 304, 200, 429}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := n.Add(1) - 1
		for k, v := range headers[i] {
			w.Header().Set(k, v)
		}
		w.WriteHeader(codes[i])
	}))
	t.Cleanup(srv.Close)
	m := NewMeter(nil)
	if m.Snapshot().Quota.Known {
		t.Fatal("quota known before any response")
	}
	var quotas []Quota
	for range codes {
		get(t, m, srv.URL)
		quotas = append(quotas, m.Snapshot().Quota)
	}
	github := Quota{Known: true, Remaining: 4999, Limit: 5000, Reset: time.Unix(1796392800, 0).UTC()}
	want := []Quota{github, github, github, {Known: true, Remaining: 12, Reset: time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)}}
	if diff := cmp.Diff(want, quotas); diff != "" {
		t.Errorf("quota after each response (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int64{"200": 2, "304": 1, "429": 1}, m.Snapshot().Requests); diff != "" {
		t.Errorf("requests by status (-want +got):\n%s", diff)
	}
}

func TestMeterCountsRequestsThatGotNoAnswer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	m := NewMeter(nil)
	if _, err := (&http.Client{Transport: m}).Get(srv.URL); err == nil {
		t.Fatal("got an answer from a closed server")
	}
	if got := m.Snapshot(); got.Requests["error"] != 1 || got.Total() != 1 {
		t.Errorf("snapshot %+v, want one request counted as error", got)
	}
}
