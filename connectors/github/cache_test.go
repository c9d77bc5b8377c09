package github

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v60/github"
)

// GitHub's 304 need not repeat the Link header: the remembered 200 must
// bring its own back, or paging a cached resource stops at page 1, while
// the rate limit comes from the live 304.
func TestCachedAnswerKeepsItsLinkAndTheLiveRateLimit(t *testing.T) {
	const etag = `W/"timeline-1"`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.Header().Set("ETag", etag)
			w.Header().Set("X-Ratelimit-Remaining", "41")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("X-Ratelimit-Remaining", "42")
		w.Header().Set("Link", `<http://`+r.Host+r.URL.Path+`?page=2>; rel="next"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"event":"labeled"}]`))
	}))
	t.Cleanup(hs.Close)

	client := github.NewClient(&http.Client{Transport: newETagCache(http.DefaultTransport, cacheBytes)})
	base, err := url.Parse(hs.URL + "/")
	must(t, err)
	client.BaseURL = base
	get := func() (*github.Response, []map[string]string) {
		t.Helper()
		req, err := client.NewRequest(http.MethodGet, "repos/acme/core/issues/1/timeline", nil)
		must(t, err)
		var events []map[string]string
		resp, err := client.Do(context.Background(), req, &events)
		must(t, err)
		return resp, events
	}

	_, fresh := get()
	resp, cached := get()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("cached answer status %d, want 200", resp.StatusCode)
	}
	if diff := cmp.Diff(fresh, cached); diff != "" {
		t.Errorf("cached body (-fresh +cached):\n%s", diff)
	}
	if resp.NextPage != 2 {
		t.Errorf("cached answer's next page %d, want 2 (Link %q)", resp.NextPage, resp.Header.Get("Link"))
	}
	if resp.Rate.Remaining != 41 {
		t.Errorf("cached answer reports %d requests remaining, want the 304's 41", resp.Rate.Remaining)
	}
}

// The cache is bounded by bytes, not entries: filling it past its budget
// drops the least recently used answers until what is kept fits.
func TestCacheEvictsByBytes(t *testing.T) {
	const body = 10 << 10
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + r.URL.Path + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte(`"` + strings.Repeat("x", body-2) + `"`))
	}))
	t.Cleanup(hs.Close)
	c := newETagCache(http.DefaultTransport, 3*body+body/2) // room for three answers, not four
	timeline := func(n int) string { return fmt.Sprintf("%s/repos/acme/core/issues/%d/timeline", hs.URL, n) }
	for n := 1; n <= 4; n++ {
		req, err := http.NewRequest(http.MethodGet, timeline(n), nil)
		must(t, err)
		resp, err := c.RoundTrip(req)
		must(t, err)
		resp.Body.Close()
	}
	if c.size > c.max {
		t.Errorf("cache holds %d bytes, over its %d", c.size, c.max)
	}
	var kept []string
	for n := 1; n <= 4; n++ {
		if c.get(timeline(n)) != nil {
			kept = append(kept, strconv.Itoa(n))
		}
	}
	if diff := cmp.Diff([]string{"2", "3", "4"}, kept); diff != "" {
		t.Errorf("answers kept (-want +got):\n%s", diff)
	}
}
