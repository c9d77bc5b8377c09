package sync

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestMeterCountsRequestsAndRemembersQuota(t *testing.T) {
	var remaining atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if r := remaining.Load().(string); r != "" {
			w.Header().Set("X-RateLimit-Remaining", r)
		}
	}))
	t.Cleanup(srv.Close)
	m := NewMeter(nil)
	c := &http.Client{Transport: m}
	if _, ok := m.QuotaLeft(); ok {
		t.Fatal("QuotaLeft known before any response")
	}
	for _, r := range []string{"4999", "", "4997"} {
		remaining.Store(r)
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := m.Requests(); got != 3 {
		t.Errorf("Requests = %d, want 3", got)
	}
	if q, ok := m.QuotaLeft(); !ok || q != 4997 {
		t.Errorf("QuotaLeft = %d, %v; want 4997 (the latest reported)", q, ok)
	}
}
