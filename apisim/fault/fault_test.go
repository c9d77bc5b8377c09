package fault

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func exactly(name string) func(string) bool {
	return func(e string) bool { return e == "" || e == name }
}

func TestFaultsApplyInOrderArmedForCountRequests(t *testing.T) {
	var s Schedule
	s.Arm(Fault{Endpoint: "search", Status: 429, Count: 2})
	s.Arm(Fault{Endpoint: "issue", Status: 502})
	s.Arm(Fault{Status: 503})
	var got []int
	for _, endpoint := range []string{"issue", "search", "search", "search", "myself", "myself"} {
		status := 0
		if f := s.Next(exactly(endpoint)); f != nil {
			status = f.Status
		}
		got = append(got, status)
	}
	want := []int{502, 429, 429, 503, 0, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}

func serve(f *Fault, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	fail := func(w http.ResponseWriter, status int) { w.WriteHeader(status) }
	Serve(f, w, r, fail, func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("0123456789"))
	})
	return w
}

func TestStatusFaultAnswersInsteadWithRetryAfter(t *testing.T) {
	w := serve(&Fault{Status: 429, RetryAfter: 7}, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != 429 || w.Header().Get("Retry-After") != "7" || w.Body.Len() != 0 {
		t.Errorf("got %d Retry-After %q body %q, want 429 Retry-After 7 and fail's empty body", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
}

func TestTruncateFaultKeepsStatusAndHalfTheBody(t *testing.T) {
	w := serve(&Fault{Truncate: true}, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusCreated || w.Body.String() != "01234" || w.Header().Get("Content-Length") != "5" {
		t.Errorf("got %d %q Content-Length %q, want 201 \"01234\" 5", w.Code, w.Body, w.Header().Get("Content-Length"))
	}
}

func TestNoFaultAnswersNormally(t *testing.T) {
	w := serve(nil, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusCreated || w.Body.String() != "0123456789" {
		t.Errorf("got %d %q, want next's answer", w.Code, w.Body)
	}
}

func TestDelayedRequestWhoseClientLeftGetsNoAnswer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	answered := false
	Serve(&Fault{Delay: time.Hour, Status: 502}, httptest.NewRecorder(), r,
		func(http.ResponseWriter, int) { answered = true },
		func(http.ResponseWriter) { answered = true })
	if answered {
		t.Error("a request whose client left during the delay was answered")
	}
}
