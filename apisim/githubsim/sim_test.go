package githubsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

const token = "t0ken"

// newSim returns a server with a stopped clock and its test HTTP server.
func newSim(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Options{Now: func() time.Time { return t0 }})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

// fill adds n issues to repo, one minute apart, every fifth a pull request.
func fill(t *testing.T, s *Server, repo string, n int) {
	t.Helper()
	if err := s.AddRepo(strings.Split(repo, "/")[0], strings.Split(repo, "/")[1]); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		at := t0.Add(-time.Duration(n-i) * time.Minute)
		if _, err := s.AddIssue(repo, Issue{Title: fmt.Sprintf("issue %d", i), PullRequest: i%5 == 0,
			CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, hs *httptest.Server, path string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, hs.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, body}
}

func numbers(t *testing.T, body []byte) []int {
	t.Helper()
	var issues []struct {
		Number int `json:"number"`
	}
	if err := json.Unmarshal(body, &issues); err != nil {
		t.Fatalf("decoding %.200s: %v", body, err)
	}
	var out []int
	for _, is := range issues {
		out = append(out, is.Number)
	}
	return out
}

func TestListIssuesPagesWithGitHubLinks(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 250)
	r := get(t, hs, "/repos/acme/core/issues?state=all&per_page=100&page=2&sort=updated&direction=asc")
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", r.status)
	}
	base := hs.URL + "/repos/acme/core/issues?direction=asc&page="
	want := `<` + base + `1&per_page=100&sort=updated&state=all>; rel="prev", ` +
		`<` + base + `3&per_page=100&sort=updated&state=all>; rel="next", ` +
		`<` + base + `3&per_page=100&sort=updated&state=all>; rel="last", ` +
		`<` + base + `1&per_page=100&sort=updated&state=all>; rel="first"`
	if diff := cmp.Diff(want, r.header.Get("Link")); diff != "" {
		t.Errorf("Link (-want +got):\n%s", diff)
	}
	got := numbers(t, r.body)
	if len(got) != 100 || got[0] != 101 || got[99] != 200 {
		t.Errorf("page 2 holds %d issues from %v to %v, want 100 from 101 to 200", len(got), got[0], got[len(got)-1])
	}
	if last := get(t, hs, "/repos/acme/core/issues?state=all&per_page=100&page=3"); strings.Contains(last.header.Get("Link"), `rel="next"`) {
		t.Errorf("last page Link = %q, want no next", last.header.Get("Link"))
	}
}

// TestListIssuesSeesChangesBetweenPages asks for the same listing before
// and after a change, in both directions, and wants the change listed: the
// filter result reused across pages of one listing must not outlive it.
func TestListIssuesSeesChangesBetweenPages(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 5)
	const asc = "/repos/acme/core/issues?state=open&sort=updated&direction=asc"
	desc := strings.Replace(asc, "asc", "desc", 1)
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5}, numbers(t, get(t, hs, asc).body)); diff != "" {
		t.Errorf("before: ascending (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{5, 4, 3, 2, 1}, numbers(t, get(t, hs, desc).body)); diff != "" {
		t.Errorf("before: descending (-want +got):\n%s", diff)
	}
	if err := s.Close(IssueRef{"acme/core", 3}, "completed"); err != nil {
		t.Fatal(err)
	}
	if err := s.Touch(IssueRef{"acme/core", 1}); err != nil { // updated at t0, as 5 is: number breaks the tie
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 4, 1, 5}, numbers(t, get(t, hs, asc).body)); diff != "" {
		t.Errorf("after: ascending (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{5, 1, 4, 2}, numbers(t, get(t, hs, desc).body)); diff != "" {
		t.Errorf("after: descending (-want +got):\n%s", diff)
	}
}

func TestListIssuesPageSizeDefaultsTo30AndCapsAt100(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 150)
	for _, tt := range []struct {
		query string
		want  int
	}{{"", 30}, {"?per_page=500", 100}, {"?per_page=7", 7}} {
		if got := len(numbers(t, get(t, hs, "/repos/acme/core/issues"+tt.query).body)); got != tt.want {
			t.Errorf("issues%s lists %d, want %d", tt.query, got, tt.want)
		}
	}
}

func TestListIssuesFiltersStateAndSince(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 10)
	if err := s.Close(IssueRef{"acme/core", 2}, "completed"); err != nil {
		t.Fatal(err)
	}
	open := numbers(t, get(t, hs, "/repos/acme/core/issues?direction=asc").body)
	if diff := cmp.Diff([]int{1, 3, 4, 5, 6, 7, 8, 9, 10}, open); diff != "" {
		t.Errorf("default state lists (-want +got):\n%s", diff)
	}
	since := t0.Add(-2 * time.Minute).Format(time.RFC3339)
	got := numbers(t, get(t, hs, "/repos/acme/core/issues?state=all&sort=updated&direction=asc&since="+since).body)
	if diff := cmp.Diff([]int{8, 9, 2, 10}, got); diff != "" {
		t.Errorf("since %s lists (-want +got):\n%s", since, diff)
	}
	if r := get(t, hs, "/repos/acme/core/issues?since=yesterday"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad since: status %d, want 422", r.status)
	}
}

func TestETagMatchAnswers304WithoutQuota(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 3)
	first := get(t, hs, "/repos/acme/core/issues")
	etag := first.header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag = %q, want a strong ETag", etag)
	}
	again := get(t, hs, "/repos/acme/core/issues", "If-None-Match", etag)
	if again.status != http.StatusNotModified || len(again.body) != 0 {
		t.Errorf("re-poll: status %d with %d body bytes, want 304 and none", again.status, len(again.body))
	}
	if got := again.header.Get("X-Ratelimit-Used"); got != "1" {
		t.Errorf("x-ratelimit-used after a 304 = %s, want 1", got)
	}
	if err := s.Touch(IssueRef{"acme/core", 1}); err != nil { // updated at t0, as 5 is: number breaks the tie
		t.Fatal(err)
	}
	if r := get(t, hs, "/repos/acme/core/issues", "If-None-Match", etag); r.status != http.StatusOK {
		t.Errorf("after a change: status %d, want 200", r.status)
	}
	st := s.Stats()
	if st.QuotaUsed != 2 || st.NotModified != 1 || st.Requests["GET /repos/{owner}/{repo}/issues"] != 3 {
		t.Errorf("stats = %+v, want quota 2, 1 not modified, 3 list requests", st)
	}
}

func TestETagsAreBoundToTheToken(t *testing.T) {
	s, hs := newSim(t) // any token is accepted
	fill(t, s, "acme/core", 3)
	etag := get(t, hs, "/repos/acme/core/issues").header.Get("ETag")
	other := get(t, hs, "/repos/acme/core/issues", "Authorization", "Bearer ghs_renewed", "If-None-Match", etag)
	if other.status != http.StatusOK || other.header.Get("ETag") == etag {
		t.Errorf("another token's ETag: status %d, ETag %s; want 200 and an ETag of its own", other.status, other.header.Get("ETag"))
	}
	if st := s.Stats(); st.QuotaUsed != 2 || st.NotModified != 0 {
		t.Errorf("stats = %+v, want both requests charged", st)
	}
}

func TestAuthenticationIsRequired(t *testing.T) {
	_, hs := newSim(t)
	resp, err := http.Get(hs.URL + "/repos/acme/core/issues")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusUnauthorized || body["message"] == "" || body["documentation_url"] == "" {
		t.Errorf("no token: %d %v, want 401 with message and documentation_url", resp.StatusCode, body)
	}
}

func TestExhaustedQuotaAnswers403UntilReset(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 1)
	s.SetRemaining(token, 1)
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusOK || r.header.Get("X-Ratelimit-Remaining") != "0" {
		t.Fatalf("last allowed request: %d remaining %s, want 200 remaining 0", r.status, r.header.Get("X-Ratelimit-Remaining"))
	}
	r := get(t, hs, "/repos/acme/core/issues")
	if r.status != http.StatusForbidden || r.header.Get("X-Ratelimit-Remaining") != "0" ||
		!bytes.Contains(r.body, []byte("API rate limit exceeded for ")) {
		t.Errorf("over quota: %d remaining %q %s, want 403 remaining 0 rate limit message", r.status, r.header.Get("X-Ratelimit-Remaining"), r.body)
	}
	if r := get(t, hs, "/rate_limit"); r.status != http.StatusOK {
		t.Errorf("/rate_limit over quota: %d, want 200 (it is free)", r.status)
	}
	s.Advance(time.Hour)
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusOK {
		t.Errorf("after reset: %d, want 200", r.status)
	}
}

func TestFaultsHitMatchingRequestsOnce(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 4)
	for _, f := range []Fault{
		{Kind: FaultSecondaryRateLimit, PathPrefix: "/repos/acme/core/issues", RetryAfter: 30},
		{Kind: FaultTooManyRequests, PathPrefix: "/repos/acme/core/issues", RetryAfter: 5},
		{Kind: FaultBadGateway, PathPrefix: "/repos/acme/core/issues"},
		{Kind: FaultTruncate, PathPrefix: "/repos/acme/core/issues"},
	} {
		if err := s.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	r := get(t, hs, "/repos/acme/core/issues")
	var body struct {
		DocumentationURL string `json:"documentation_url"`
	}
	_ = json.Unmarshal(r.body, &body)
	if r.status != http.StatusForbidden || r.header.Get("Retry-After") != "30" || !strings.HasSuffix(body.DocumentationURL, "secondary-rate-limits") {
		t.Errorf("secondary: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "5" {
		t.Errorf("429 fault: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusBadGateway {
		t.Errorf("502 fault: %d", r.status)
	}
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusOK || json.Valid(r.body) {
		t.Errorf("truncate fault: %d valid JSON %v, want 200 with a broken body", r.status, json.Valid(r.body))
	}
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusOK || !json.Valid(r.body) {
		t.Errorf("after the faults: %d valid %v, want a normal answer", r.status, json.Valid(r.body))
	}
}

func TestTransferredIssueRedirectsAndDeletedIsGone(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 3)
	fill(t, s, "acme/web", 1)
	moved, err := s.Transfer(IssueRef{"acme/core", 1}, "acme/web")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(IssueRef{"acme/core", 2}); err != nil {
		t.Fatal(err)
	}
	r := get(t, hs, "/repos/acme/core/issues/1/comments")
	if want := hs.URL + "/repos/acme/web/issues/2/comments"; r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
		t.Errorf("transferred: %d Location %q, want 301 to %s", r.status, r.header.Get("Location"), want)
	}
	if moved != (IssueRef{"acme/web", 2}) {
		t.Errorf("Transfer returned %v, want acme/web#2", moved)
	}
	if r := get(t, hs, "/repos/acme/core/issues/2"); r.status != http.StatusGone {
		t.Errorf("deleted: %d, want 410", r.status)
	}
	if r := get(t, hs, "/repos/acme/core/issues/99"); r.status != http.StatusNotFound {
		t.Errorf("never existed: %d, want 404", r.status)
	}
	if got := numbers(t, get(t, hs, "/repos/acme/core/issues?state=all").body); !cmp.Equal(got, []int{3}) {
		t.Errorf("acme/core lists %v, want [3]", got)
	}
}

// TestATransferredIssueIsStillTheSameBlockerAndChild adds, under its new
// reference, a blocker and a sub-issue an issue had before they were
// transferred: GitHub refuses both (a dependency exists once; a sub-issue
// has one parent), and the simulator must not list either twice.
func TestATransferredIssueIsStillTheSameBlockerAndChild(t *testing.T) {
	s, _ := newSim(t)
	fill(t, s, "acme/core", 3)
	fill(t, s, "acme/web", 1)
	dependent, blocker, child := IssueRef{"acme/core", 1}, IssueRef{"acme/core", 2}, IssueRef{"acme/core", 3}
	if err := s.AddBlockedBy(dependent, blocker); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSubIssue(dependent, child); err != nil {
		t.Fatal(err)
	}
	movedBlocker, err := s.Transfer(blocker, "acme/web")
	if err != nil {
		t.Fatal(err)
	}
	movedChild, err := s.Transfer(child, "acme/web")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddBlockedBy(dependent, movedBlocker); err == nil {
		t.Errorf("adding %s, which is %s transferred, as a blocker again succeeded", movedBlocker, blocker)
	}
	if err := s.AddSubIssue(IssueRef{"acme/web", 1}, movedChild); err == nil {
		t.Errorf("giving %s, a sub-issue of %s, a second parent succeeded", movedChild, dependent)
	}
}

// TestATransferredIssueKeepsItsMilestoneOnlyWhereOneMatches transfers two
// issues of a milestone: to a repository with the same milestone (title and
// due date) it stays on it; to one without, it has none, and that
// repository still lists.
func TestATransferredIssueKeepsItsMilestoneOnlyWhereOneMatches(t *testing.T) {
	s, hs := newSim(t)
	for _, r := range []string{"acme/core", "acme/web", "acme/ops"} {
		fill(t, s, r, 0)
	}
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ms, err := s.AddMilestone("acme/core", Milestone{Title: "v1", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMilestone("acme/web", Milestone{Title: "v0", DueOn: due}); err != nil {
		t.Fatal(err)
	}
	webV1, err := s.AddMilestone("acme/web", Milestone{Title: "v1", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.AddIssue("acme/core", Issue{Title: "planned", Milestone: ms}); err != nil {
			t.Fatal(err)
		}
	}
	toWeb, err := s.Transfer(IssueRef{"acme/core", 1}, "acme/web")
	if err != nil {
		t.Fatal(err)
	}
	toOps, err := s.Transfer(IssueRef{"acme/core", 2}, "acme/ops")
	if err != nil {
		t.Fatal(err)
	}
	if is, _ := s.Get(toWeb); is.Milestone != webV1 {
		t.Errorf("moved to acme/web: milestone %d, want its v1 (%d)", is.Milestone, webV1)
	}
	if is, _ := s.Get(toOps); is.Milestone != 0 {
		t.Errorf("moved to acme/ops: milestone %d, want none", is.Milestone)
	}
	if r := get(t, hs, "/repos/acme/ops/issues?state=all"); r.status != http.StatusOK {
		t.Errorf("listing acme/ops: %d, want 200", r.status)
	}
}

func TestDependenciesCrossReposWithSummaries(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 2)
	fill(t, s, "acme/web", 1)
	web1 := IssueRef{"acme/web", 1}
	for _, b := range []IssueRef{{"acme/core", 1}, {"acme/core", 2}} {
		if err := s.AddBlockedBy(web1, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(IssueRef{"acme/core", 2}, "completed"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSubIssue(IssueRef{"acme/core", 1}, web1); err != nil {
		t.Fatal(err)
	}
	var web struct {
		Deps map[string]int `json:"issue_dependencies_summary"`
	}
	_ = json.Unmarshal(get(t, hs, "/repos/acme/web/issues/1").body, &web)
	if diff := cmp.Diff(map[string]int{"blocked_by": 1, "total_blocked_by": 2, "blocking": 0, "total_blocking": 0}, web.Deps); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	r := get(t, hs, "/repos/acme/web/issues/1/dependencies/blocked_by?per_page=1&page=2")
	if got := numbers(t, r.body); !cmp.Equal(got, []int{2}) || !strings.Contains(r.header.Get("Link"), `rel="prev"`) {
		t.Errorf("blocked_by page 2 = %v Link %q, want [2] with prev", got, r.header.Get("Link"))
	}
	var core struct {
		Deps map[string]int `json:"issue_dependencies_summary"`
		Subs map[string]int `json:"sub_issues_summary"`
	}
	_ = json.Unmarshal(get(t, hs, "/repos/acme/core/issues/1").body, &core)
	if core.Deps["total_blocking"] != 1 || core.Subs["total"] != 1 || core.Subs["completed"] != 0 {
		t.Errorf("core#1 summaries %v %v, want blocking 1 and one open sub-issue", core.Deps, core.Subs)
	}
}

func TestControlEndpointMutatesAndArmsFaults(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 1)
	post := func(path, body string) int {
		t.Helper()
		resp, err := http.Post(hs.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("/_sim/mutate", `{"op":"advance","advance":"1h"}`); st != http.StatusOK {
		t.Fatalf("advance: %d", st)
	}
	if st := post("/_sim/mutate", `{"op":"close","repo":"acme/core","number":1,"reason":"not_planned"}`); st != http.StatusOK {
		t.Fatalf("close: %d", st)
	}
	if st := post("/_sim/mutate", `{"op":"close","repo":"acme/core","number":1,"reason":"bored"}`); st != http.StatusBadRequest {
		t.Errorf("close with a bad reason: %d, want 400", st)
	}
	is, _ := s.Get(IssueRef{"acme/core", 1})
	if is.State != "closed" || is.StateReason != "not_planned" || !is.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after close: %s %s updated %v", is.State, is.StateReason, is.UpdatedAt)
	}
	if st := post("/_sim/fault", `{"kind":"bad_gateway","path_prefix":"/repos/","count":2}`); st != http.StatusOK {
		t.Fatalf("fault: %d", st)
	}
	for i := range 3 {
		want := http.StatusBadGateway
		if i == 2 {
			want = http.StatusOK
		}
		if r := get(t, hs, "/repos/acme/core/issues"); r.status != want {
			t.Errorf("request %d: %d, want %d", i, r.status, want)
		}
	}
}

func TestSlowFaultDelaysOnlyTheNextRequest(t *testing.T) {
	s, hs := newSim(t)
	fill(t, s, "acme/core", 1)
	if err := s.InjectFault(Fault{Kind: FaultSlow, PathPrefix: "/repos/", Delay: time.Minute}); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 100 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/repos/acme/core/issues", nil)
	req.Header.Set("Authorization", "token "+token)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("slow request answered %d, want the client to time out", resp.StatusCode)
	}
	if r := get(t, hs, "/repos/acme/core/issues"); r.status != http.StatusOK {
		t.Errorf("next request: %d, want 200", r.status)
	}
}
