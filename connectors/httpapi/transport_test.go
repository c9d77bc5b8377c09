package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestTransportBacksOffPerDecisionAndGivesUp(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	tr := NewTransport(nil, mustParse(t, srv.URL), 1, func(resp *http.Response) Decision {
		if resp.StatusCode >= 500 {
			return Decision{Retry: true, Backoff: time.Millisecond}
		}
		return Decision{}
	})
	tr.Backoff = time.Hour // the per-decision backoff must win, or this test hangs
	resp := get(t, tr, srv.URL)
	if resp.StatusCode != http.StatusOK || calls.Load() != 3 {
		t.Errorf("status %d after %d calls, want 200 after 3", resp.StatusCode, calls.Load())
	}
}

func TestTransportReturnsTheResponseWhenTheWaitIsTooLong(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	tr := NewTransport(nil, mustParse(t, srv.URL), 1, nil)
	tr.MaxWait = time.Minute
	resp := get(t, tr, srv.URL)
	if resp.StatusCode != http.StatusTooManyRequests || calls.Load() != 1 {
		t.Errorf("status %d after %d calls, want the 429 at once", resp.StatusCode, calls.Load())
	}
	if got := ParseRetryAfter(resp.Header, time.Now()); got != time.Hour {
		t.Errorf("ParseRetryAfter = %s, want 1h", got)
	}
}

func TestAPIErrorClassifies(t *testing.T) {
	for _, tt := range []struct {
		err       *APIError
		permanent bool
	}{
		{&APIError{Status: 401}, true},
		{&APIError{Status: 404}, true},
		{&APIError{Status: 410}, true},
		{&APIError{Status: 403}, true},
		{&APIError{Status: 403, Wait: time.Minute}, false}, // a rate limit
		{&APIError{Status: 429, Wait: time.Second}, false},
		{&APIError{Status: 502}, false},
		{&APIError{Err: http.ErrHandlerTimeout}, false},
	} {
		if got := tt.err.Permanent(); got != tt.permanent {
			t.Errorf("%v: Permanent() = %v, want %v", tt.err, got, tt.permanent)
		}
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// get answers a GET of url through tr, its body closed.
func get(t *testing.T, tr http.RoundTripper, url string) *http.Response {
	t.Helper()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
