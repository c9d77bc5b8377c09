package githubsim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// BenchmarkListIssuesPage serves one page of 100 from a repository of
// 100,000 issues, as a sync of a big repository does again and again.
func BenchmarkListIssuesPage(b *testing.B) {
	s := New(Options{Now: func() time.Time { return t0 }})
	if err := s.AddRepo("acme", "big"); err != nil {
		b.Fatal(err)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 100_000
	for i := range n {
		at := t0.Add(-time.Duration(n-i) * time.Minute)
		if _, err := s.AddIssue("acme/big", Issue{Title: fmt.Sprintf("issue %d", i), Labels: []string{"P2"},
			CreatedAt: at, UpdatedAt: at}); err != nil {
			b.Fatal(err)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	req := httptest.NewRequest(http.MethodGet, "/repos/acme/big/issues?state=all&sort=updated&direction=asc&per_page=100&page=500", nil)
	req.Header.Set("Authorization", "token x")
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/issue")
}
