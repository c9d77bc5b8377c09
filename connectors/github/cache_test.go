package github

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
)

// answerServer serves fixed answers by path, each with its ETag, and 304
// to a request whose If-None-Match is that ETag, without a Link header
// (GitHub's 304 need not repeat it) unless link304.
type answerServer struct {
	mu                   sync.Mutex
	answers              map[string]servedAnswer // by path and query
	link304              bool
	requests, unmodified atomic.Int64
}

// set changes the answer to path and query q.
func (as *answerServer) set(q string, a servedAnswer) {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.answers[q] = a
}

type servedAnswer struct {
	body, link string
}

func (as *answerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	as.requests.Add(1)
	as.mu.Lock()
	a, ok := as.answers[r.URL.Path+"?"+r.URL.Query().Get("page")]
	as.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"` + strconv.Itoa(len(a.body)) + r.URL.RawQuery + `"`
	w.Header().Set("ETag", etag)
	unmodified := r.Header.Get("If-None-Match") == etag
	if a.link != "" && (!unmodified || as.link304) {
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?per_page=100&page=%s>; rel="next", <http://%s%s?per_page=100&page=%s>; rel="last"`,
			r.Host, r.URL.Path, a.link, r.Host, r.URL.Path, a.link))
	}
	if unmodified {
		as.unmodified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(a.body))
}

func newAnswerSource(t *testing.T, as *answerServer) *Source {
	t.Helper()
	hs := httptest.NewServer(as)
	t.Cleanup(hs.Close)
	src, err := New(config.Source{Name: "gh", Type: "github", URL: hs.URL + "/", Token: token, Settings: &Config{Repos: []string{"acme/core"}}},
		Options{Now: func() time.Time { return t0 }, Backoff: time.Millisecond})
	must(t, err)
	return src
}

// A timeline asked again is answered 304 page by page, at no quota cost:
// the cache gives what each page said, and the paging of the 200, so the
// second page is asked although the 304 of the first has no Link.
func TestCachedTimelineKeepsItsPagingAndCostsNothing(t *testing.T) {
	const path = "/repos/acme/core/issues/1/timeline"
	at := func(d time.Duration) string { return t0.Add(-d).Format(time.RFC3339) }
	as := &answerServer{answers: map[string]servedAnswer{
		path + "?1": {body: `[{"event":"commented","created_at":"` + at(time.Hour) + `","body":"` + strings.Repeat("x", 4096) + `"}]`, link: "2"},
		path + "?2": {body: `[{"event":"closed","created_at":"` + at(2*time.Hour) + `"},{"event":"commented","created_at":"` + at(3*time.Hour) + `"}]`},
	}}
	src := newAnswerSource(t, as)
	changed, activity, err := src.timeline(context.Background(), repoName{owner: "acme", name: "core"}, 1)
	must(t, err)
	want := []time.Time{t0.Add(-3 * time.Hour), t0.Add(-time.Hour)}
	if !changed.Equal(t0.Add(-2*time.Hour)) || !cmp.Equal(activity, want) {
		t.Fatalf("first read: changed %v, activity %v; want %v and %v", changed, activity, t0.Add(-2*time.Hour), want)
	}
	as.requests.Store(0)
	changed2, activity2, err := src.timeline(context.Background(), repoName{owner: "acme", name: "core"}, 1)
	must(t, err)
	if !changed2.Equal(changed) || !cmp.Equal(activity2, activity) {
		t.Errorf("read again: changed %v, activity %v; want %v and %v as first read", changed2, activity2, changed, activity)
	}
	if n, u := as.requests.Load(), as.unmodified.Load(); n != 2 || u != 2 {
		t.Errorf("read again with %d requests, %d answered 304; want both pages, both 304", n, u)
	}
}

// A 304 that repeats the Link header says the paging now: a timeline
// whose first page is unchanged (its ETag covers the body) but which has
// grown a second page is read to the new page, not ended where the paging
// of the 200 ended it.
func TestCachedPageTakesThePagingOfA304ThatSaysIt(t *testing.T) {
	const path = "/repos/acme/core/issues/1/timeline"
	page1 := `[{"event":"commented","created_at":"` + t0.Add(-3*time.Hour).Format(time.RFC3339) + `"}]`
	as := &answerServer{link304: true, answers: map[string]servedAnswer{path + "?1": {body: page1}}}
	src := newAnswerSource(t, as)
	r := repoName{owner: "acme", name: "core"}
	changed, _, err := src.timeline(context.Background(), r, 1)
	must(t, err)
	if !changed.IsZero() {
		t.Fatalf("first read: changed %v, want no status change", changed)
	}
	as.set(path+"?1", servedAnswer{body: page1, link: "2"})
	as.set(path+"?2", servedAnswer{body: `[{"event":"closed","created_at":"` + t0.Add(-time.Hour).Format(time.RFC3339) + `"}]`})
	changed, _, err = src.timeline(context.Background(), r, 1)
	must(t, err)
	if !changed.Equal(t0.Add(-time.Hour)) || as.unmodified.Load() != 1 {
		t.Errorf("read again (%d answered 304, want page 1's): changed %v, want the close on the new page 2, %v",
			as.unmodified.Load(), changed, t0.Add(-time.Hour))
	}
}

// The cache keeps what the connector reads of an answer, not the answer:
// the keys of the blockers listed, a few bytes each, where the answer is
// whole issues. A 304 yields the same keys.
func TestCacheKeepsTheBlockersKeysNotTheAnswer(t *testing.T) {
	const path = "/repos/acme/core/issues/1/dependencies/blocked_by"
	var issues []string
	for n := 2; n <= 4; n++ {
		issues = append(issues, fmt.Sprintf(`{"number":%d,"repository_url":"https://api.github.com/repos/acme/web","body":"%s"}`, n, strings.Repeat("x", 10<<10)))
	}
	body := "[" + strings.Join(issues, ",") + "]"
	as := &answerServer{answers: map[string]servedAnswer{path + "?1": {body: body}}}
	src := newAnswerSource(t, as)
	first, err := src.related(context.Background(), repoName{owner: "acme", name: "core"}, 1, "dependencies/blocked_by")
	must(t, err)
	want := []string{"github:acme/web#2", "github:acme/web#3", "github:acme/web#4"}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Fatalf("blockers (-want +got):\n%s", diff)
	}
	if src.answers.size <= 0 || src.answers.size > 1<<10 {
		t.Errorf("cache holds %d bytes for an answer of %d; want some, under 1 KiB", src.answers.size, len(body))
	}
	again, err := src.related(context.Background(), repoName{owner: "acme", name: "core"}, 1, "dependencies/blocked_by")
	must(t, err)
	if diff := cmp.Diff(first, again); diff != "" || as.unmodified.Load() != 1 {
		t.Errorf("read again (%d answered 304, want 1): blockers (-first +again):\n%s", as.unmodified.Load(), diff)
	}
}

// The cache is bounded by bytes, not entries: filling it past its budget
// drops the least recently used answers until what is kept fits.
func TestCacheEvictsByBytes(t *testing.T) {
	const kept = 10 << 10
	answer := func(n int) *answer {
		return &answer{url: fmt.Sprintf("repos/acme/core/issues/%d/timeline", n), etag: `"e"`, keptBytes: kept}
	}
	c := newAnswerCache(3*answer(1).size() + kept/2) // room for three answers, not four
	for n := 1; n <= 4; n++ {
		c.put(answer(n))
	}
	if c.size > c.max {
		t.Errorf("cache holds %d bytes, over its %d", c.size, c.max)
	}
	var got []string
	for n := 1; n <= 4; n++ {
		if c.get(answer(n).url) != nil {
			got = append(got, strconv.Itoa(n))
		}
	}
	if diff := cmp.Diff([]string{"2", "3", "4"}, got); diff != "" {
		t.Errorf("answers kept (-want +got):\n%s", diff)
	}
}

// A timeline page kept while its comment was in the activity window does
// not bring the comment back once the window has passed it.
func TestCachedTimelineActivityLeavesTheWindow(t *testing.T) {
	const path = "/repos/acme/core/issues/1/timeline"
	commented := t0.Add(-29 * 24 * time.Hour)
	as := &answerServer{answers: map[string]servedAnswer{
		path + "?1": {body: `[{"event":"commented","created_at":"` + commented.Format(time.RFC3339) + `"}]`},
	}}
	src := newAnswerSource(t, as)
	now := t0
	src.opts.Now = func() time.Time { return now }
	r := repoName{owner: "acme", name: "core"}
	_, activity, err := src.timeline(context.Background(), r, 1)
	must(t, err)
	if !cmp.Equal(activity, []time.Time{commented}) {
		t.Fatalf("activity %v, want the comment of %v", activity, commented)
	}
	now = t0.Add(2 * 24 * time.Hour)
	_, activity, err = src.timeline(context.Background(), r, 1)
	must(t, err)
	if len(activity) != 0 || as.unmodified.Load() != 1 {
		t.Errorf("two days later (%d answered 304, want 1): activity %v, want none in the window", as.unmodified.Load(), activity)
	}
}
