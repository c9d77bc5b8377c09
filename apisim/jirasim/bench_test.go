package jirasim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// fill adds n issues with five histories and two comments each.
func fill(b *testing.B, sim *Server, n int) {
	b.Helper()
	sim.AddUser(User{AccountID: "u1", DisplayName: "Ada", Email: "ada@example.com"})
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Second)
		hs := make([]History, 5)
		for j := range hs {
			hs[j] = History{Author: "u1", Created: at, Items: []Change{{Field: "status", FieldType: "jira", FromString: "To Do", ToString: "In Progress"}}}
		}
		if _, err := sim.AddIssue(Issue{Project: fmt.Sprint("P", i%20), Summary: "an issue of moderate length", Status: "In Progress",
			Priority: "High", Assignee: "u1", Labels: []string{"backend"}, Created: at, Updated: at, Histories: hs,
			Comments: []Comment{{Author: "u1", Created: at, Body: "looking"}, {Author: "u1", Created: at, Body: "done"}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHold100kIssues reports the heap a 100,000-issue site takes.
func BenchmarkHold100kIssues(b *testing.B) {
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sim, err := New(Options{Email: "e", Token: "t"})
		if err != nil {
			b.Fatal(err)
		}
		fill(b, sim, 100_000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "MB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/100_000, "B/issue")
		runtime.KeepAlive(sim)
	}
}

// serveFilled starts a Cloud site holding n issues from fill.
func serveFilled(b *testing.B, n int) (*Server, *httptest.Server) {
	b.Helper()
	sim, err := New(Options{Email: "e", Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	fill(b, sim, n)
	srv := httptest.NewServer(sim)
	b.Cleanup(srv.Close)
	return sim, srv
}

// BenchmarkCloudSearchPage serves one capped page of a 100,000-issue search
// whose result is cached (the common case while paging).
func BenchmarkCloudSearchPage(b *testing.B) {
	sim, srv := serveFilled(b, 100_000)
	path := "/rest/api/2/search/jql?" + q("project in (P1, P2) ORDER BY updated ASC, key ASC", "fields", "summary,status,updated,comment,issuelinks")
	b.ResetTimer()
	for range b.N {
		if code := get(b, sim, srv, path, nil); code != http.StatusOK {
			b.Fatalf("HTTP %d", code)
		}
	}
}

// BenchmarkCloudSearchFromEachPage asks a search of all 100,000 issues
// afresh from a later updated bound each time, as a sync does from each
// page's last minute, so no cached result applies.
func BenchmarkCloudSearchFromEachPage(b *testing.B) {
	sim, srv := serveFilled(b, 100_000)
	page := 0
	for b.Loop() {
		from := t0.Add(time.Duration(page%1000) * 100 * time.Second).In(sim.zone).Format("2006/01/02 15:04")
		page++
		path := "/rest/api/2/search/jql?" + q(`updated >= "`+from+`" ORDER BY updated ASC, key ASC`,
			"fields", "summary,status,updated,comment,issuelinks")
		if code := get(b, sim, srv, path, nil); code != http.StatusOK {
			b.Fatalf("HTTP %d", code)
		}
	}
}
