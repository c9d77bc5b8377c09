package github

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

func TestPolicyWaitsForAShortPrimaryResetOnly(t *testing.T) {
	policy := githubPolicy(func() time.Time { return t0 }, 2*time.Minute)
	resp := func(status int, reset time.Duration, retryAfter string) *http.Response {
		h := http.Header{}
		h.Set("X-Ratelimit-Remaining", "0")
		h.Set("X-Ratelimit-Reset", strconv.FormatInt(t0.Add(reset).Unix(), 10))
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h, Body: http.NoBody}
	}
	for _, tt := range []struct {
		name string
		resp *http.Response
		want httpapi.Decision
	}{
		{"reset in 30s", resp(403, 30*time.Second, ""), httpapi.Decision{Retry: true, Wait: 30 * time.Second}},
		{"reset in an hour", resp(403, time.Hour, ""), httpapi.Decision{Retry: false, Wait: time.Hour}},
		{"429 with Retry-After", resp(429, time.Hour, "7"), httpapi.Decision{Retry: true, Wait: 7 * time.Second}},
		{"429 over the primary limit, reset in 30s", resp(429, 30*time.Second, ""), httpapi.Decision{Retry: true, Wait: 30 * time.Second}},
		{"429 over the primary limit, reset in an hour", resp(429, time.Hour, ""), httpapi.Decision{Retry: false, Wait: time.Hour}},
		{"502 backs off in seconds, not a rate limit's minute", resp(502, time.Hour, ""), httpapi.Decision{Retry: true, Backoff: time.Second}},
		{"503 with Retry-After", resp(503, time.Hour, "3"), httpapi.Decision{Retry: true, Wait: 3 * time.Second, Backoff: time.Second}},
		{"404", resp(404, time.Hour, ""), httpapi.Decision{}},
	} {
		if diff := cmp.Diff(tt.want, policy(tt.resp)); diff != "" {
			t.Errorf("%s: decision (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestTheSourcesMeterSeesGitHubsRateLimit(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 5)
	e.mustSync(t)
	want := httpapi.Quota{Known: true, Limit: 5000, Remaining: 4999, Reset: t0.Add(time.Hour)}
	if diff := cmp.Diff(want, e.api.Snapshot().Quota); diff != "" {
		t.Errorf("quota (-want +got):\n%s", diff)
	}
}

// TestTransferredIssueIsFollowed asks for the blockers of an issue that has
// moved since it was listed: the 301 is followed to its new home.
func TestTransferredIssueIsFollowed(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 2)
	e.addRepo(t, "acme/web", 1)
	must(t, e.sim.AddBlockedBy(ref("acme/core", 1), ref("acme/core", 2)))
	if _, err := e.sim.Transfer(ref("acme/core", 1), "acme/web"); err != nil {
		t.Fatal(err)
	}
	got, err := e.src.related(context.Background(), repoName{"acme", "core"}, 1, "dependencies/blocked_by")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"github:acme/core#2"}, got); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
	if n := e.sim.Stats().Requests["GET /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by"]; n != 2 {
		t.Errorf("%d dependency requests, want 2 (the 301 and the new location)", n)
	}
}

// TestSourceLimitsReachTheTransportAndCache: max_response_bytes bounds every
// answer, cache_bytes the conditional-request cache, and a source built in
// code without them gets the defaults.
func TestSourceLimitsReachTheTransportAndCache(t *testing.T) {
	if got := newEnv(t, []string{"acme/core"}).src.answers.max; got != cacheBytes {
		t.Errorf("default cache bound %d, want %d", got, cacheBytes)
	}
	e := newEnv(t, []string{"acme/core"}, func(s *config.Source) {
		s.MaxResponseBytes = 512
		s.Settings.(*Config).CacheBytes = 2 << 20
	})
	if got := e.src.answers.max; got != 2<<20 {
		t.Errorf("cache bound %d, want cache_bytes' %d", got, 2<<20)
	}
	e.addRepo(t, "acme/core", 20)
	_, err := e.sync(t)
	if le := (*httpapi.BodyLimitError)(nil); !errors.As(err, &le) || le.Limit != 512 {
		t.Errorf("sync error %v, want a *httpapi.BodyLimitError at max_response_bytes' 512", err)
	}
}

// A source that syncs one round in its process (baton sync --once) keeps no
// answer cache, which only a later round would read and a full sync would fill
// to cache_bytes: reading a sub-resource again asks for it whole, where a
// source that keeps syncing gets a free 304.
func TestOneRoundSourceKeepsNoCache(t *testing.T) {
	for _, tc := range []struct {
		oneRound                   bool
		wantNotModified, wantQuota int
	}{{false, 1, 1}, {true, 0, 2}} {
		e := newEnv(t, []string{"acme/core"})
		e.addRepo(t, "acme/core", 2)
		must(t, e.sim.AddBlockedBy(ref("acme/core", 1), ref("acme/core", 2)))
		src, err := New(e.src.src, Options{Transport: e.api, Now: e.sim.Now, OneRound: tc.oneRound})
		must(t, err)
		for range 2 {
			got, err := src.related(context.Background(), repoName{"acme", "core"}, 1, "dependencies/blocked_by")
			must(t, err)
			if diff := cmp.Diff([]string{"github:acme/core#2"}, got); diff != "" {
				t.Errorf("one round %v: blockers (-want +got):\n%s", tc.oneRound, diff)
			}
		}
		if st := e.sim.Stats(); st.NotModified != tc.wantNotModified || st.QuotaUsed != tc.wantQuota {
			t.Errorf("one round %v: %d answers 304 and %d quota, want %d and %d", tc.oneRound, st.NotModified, st.QuotaUsed, tc.wantNotModified, tc.wantQuota)
		}
	}
}
