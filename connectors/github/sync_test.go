package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

func ref(repo string, n int) githubsim.IssueRef { return githubsim.IssueRef{Repo: repo, Number: n} }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func add(t *testing.T, e *env, repo string, is githubsim.Issue) int {
	t.Helper()
	n, err := e.sim.AddIssue(repo, is)
	must(t, err)
	return n
}

func TestFirstSyncMapsIssuesAndEveryDependencyKind(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web"})
	must(t, e.sim.AddRepo("acme", "core"))
	must(t, e.sim.AddRepo("acme", "web"))
	due := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	ms, err := e.sim.AddMilestone("acme/core", githubsim.Milestone{Title: "v1", DueOn: due})
	must(t, err)
	day := 24 * time.Hour
	add(t, e, "acme/core", githubsim.Issue{Title: "[PAY-3] Mirror login", Labels: []string{"P2"}, Assignees: []string{"ada"},
		Milestone: ms, Body: "Blocked by #2 and PAY-14\n```\nblocked by #9\n```", CreatedAt: t0.Add(-2 * day)})
	add(t, e, "acme/core", githubsim.Issue{Title: "dropped", CreatedAt: t0.Add(-2 * day)})
	add(t, e, "acme/core", githubsim.Issue{Title: "a PR", PullRequest: true, Body: "blocked by #1"})
	add(t, e, "acme/core", githubsim.Issue{Title: "natively blocked", Labels: []string{"blocked", "P1"},
		BlockedBy: []githubsim.IssueRef{ref("acme/web", 1)}, SubIssues: []githubsim.IssueRef{ref("acme/core", 2)}})
	add(t, e, "acme/web", githubsim.Issue{Title: "web", Body: "depends on https://github.com/acme/core/issues/5 and https://ghe.invalid/x/y/issues/1"})
	add(t, e, "acme/core", githubsim.Issue{Title: "done"})
	e.sim.SetNow(t0.Add(-day))
	must(t, e.sim.SetLabels(ref("acme/core", 1), []string{"P2", "in progress"}))
	e.sim.SetNow(t0.Add(-23 * time.Hour))
	must(t, e.sim.AddComment(ref("acme/core", 1), "bob", "any news?"))
	e.sim.SetNow(t0.Add(-22 * time.Hour))
	must(t, e.sim.SetLabels(ref("acme/core", 1), []string{"P2", "in progress", "ux"}))
	e.sim.SetNow(t0)
	must(t, e.sim.Close(ref("acme/core", 2), "not_planned"))
	must(t, e.sim.Close(ref("acme/core", 5), "completed"))

	e.mustSync(t)

	want := []string{"github:acme/core#1", "github:acme/core#2", "github:acme/core#4", "github:acme/core#5", "github:acme/web#1"}
	if diff := cmp.Diff(want, e.store.keys()); diff != "" {
		t.Fatalf("stored keys (-want +got):\n%s", diff)
	}
	wantMirror := model.Issue{
		Key: "github:acme/core#1", Source: "gh", System: model.GitHub, URL: "https://github.com/acme/core/issues/1",
		Title: "[PAY-3] Mirror login", Body: "Blocked by #2 and PAY-14\n```\nblocked by #9\n```",
		Status: model.StatusInProgress, RawStatus: "open/in progress", Assignees: []string{"ada"},
		Priority: 2, RawPriority: "P2", Labels: []string{"P2", "in progress", "ux"},
		Created: t0.Add(-2 * day), Updated: t0.Add(-22 * time.Hour), StatusChanged: t0.Add(-day),
		Due:            time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Iteration:      &model.Iteration{Name: "v1", End: due, State: "open"},
		ActivityEvents: []time.Time{t0.Add(-23 * time.Hour), t0.Add(-22 * time.Hour)}, Mirrors: []string{"jira:PAY-3"},
		Links: []model.Link{
			{From: "github:acme/core#2", To: "github:acme/core#1", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by #2"},
			{From: "jira:PAY-14", To: "github:acme/core#1", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by PAY-14"},
		},
	}
	if diff := cmp.Diff(wantMirror, e.store.issues["github:acme/core#1"]); diff != "" {
		t.Errorf("core#1 (-want +got):\n%s", diff)
	}
	blocked := e.store.issues["github:acme/core#4"]
	wantLinks := []model.Link{
		{From: "github:acme/web#1", To: "github:acme/core#4", Type: model.Blocks, Origin: model.OriginGitHubDependency, RawType: "blocked by"},
	}
	if diff := cmp.Diff(wantLinks, blocked.Links); diff != "" {
		t.Errorf("core#4 links (-want +got):\n%s", diff)
	}
	// The sub-issue declares its parent, from its parent_issue_url.
	wantChild := []model.Link{
		{From: "github:acme/core#4", To: "github:acme/core#2", Type: model.Parent, Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"},
	}
	if diff := cmp.Diff(wantChild, e.store.issues["github:acme/core#2"].Links); diff != "" {
		t.Errorf("core#2 links (-want +got):\n%s", diff)
	}
	if blocked.Status != model.StatusBlocked || blocked.Priority != 1 {
		t.Errorf("core#4 status %s priority %d, want blocked 1", blocked.Status, blocked.Priority)
	}
	dropped := e.store.issues["github:acme/core#2"]
	if dropped.Status != model.StatusDone || dropped.Resolution != model.ResolutionDropped ||
		dropped.RawResolution != "not_planned" || !dropped.StatusChanged.Equal(t0) {
		t.Errorf("core#2 = %s/%s (%s) changed %v, want done/dropped (not_planned) at %v",
			dropped.Status, dropped.Resolution, dropped.RawResolution, dropped.StatusChanged, t0)
	}
	if r := e.store.issues["github:acme/core#5"].Resolution; r != model.ResolutionCompleted {
		t.Errorf("core#5 resolution %q, want completed", r)
	}
	wantWeb := []model.Link{{From: "github:acme/core#5", To: "github:acme/web#1", Type: model.Blocks,
		Origin: model.OriginTextReference, RawType: "depends on https://github.com/acme/core/issues/5"}}
	if diff := cmp.Diff(wantWeb, e.store.issues["github:acme/web#1"].Links); diff != "" {
		t.Errorf("web#1 links (-want +got):\n%s", diff)
	}
	wantCalls := map[string]int{
		listRoute: 2,
		"GET /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by": 1,
		timelineRoute: 2, // core#1 in progress, core#4 blocked; no sub_issues: the listing shows core#2's parent
	}
	if diff := cmp.Diff(wantCalls, e.sim.Stats().Requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestQuotaFirstSyncThenUnchangedSyncIsFree measures the quota: the first
// sync lists ⌈items/100⌉ pages per repository plus one dependency call per
// issue with dependencies; the second, with nothing changed, costs nothing.
func TestQuotaFirstSyncThenUnchangedSyncIsFree(t *testing.T) {
	e := coreAndWeb(t, 250, 30)
	withDeps := []int{1, 2, 3, 4, 6, 7, 8, 9, 11, 12}
	for _, n := range withDeps {
		must(t, e.sim.AddBlockedBy(ref("acme/core", n), ref("acme/web", 1)))
	}

	e.mustSync(t)
	st := e.sim.Stats()
	firstQuota := st.QuotaUsed
	if got, want := st.Requests[listRoute], 3+1; got != want {
		t.Errorf("first sync made %d list requests, want %d", got, want)
	}
	if got := st.Requests["GET /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by"]; got != len(withDeps) {
		t.Errorf("first sync made %d dependency calls, want %d", got, len(withDeps))
	}
	if st.QuotaUsed != 4+len(withDeps) {
		t.Errorf("first sync used %d quota, want %d", st.QuotaUsed, 4+len(withDeps))
	}
	if got := len(e.store.issues); got != 200+24 {
		t.Errorf("stored %d issues, want 224 (pull requests excluded)", got)
	}

	e.sim.ResetStats()
	bs := e.mustSync(t)
	st = e.sim.Stats()
	if st.QuotaUsed != 0 || st.NotModified != 2 || len(bs) != 0 {
		t.Errorf("unchanged re-poll: quota %d, %d not modified, %d batches; want 0, 2, 0", st.QuotaUsed, st.NotModified, len(bs))
	}
	t.Logf("280 items in 2 repos: first sync used %d quota, unchanged re-poll %d", firstQuota, st.QuotaUsed)
}

// TestAFullPageKeepsNoETagSoTheIssueAfterItIsSeen lists a repository of
// exactly one page of 100 items, then adds an issue: it lands on page 2,
// and page 1, unchanged, would answer 304 to the ETag of a full page
// forever. The model-based test in daemon found it (seed 25 of 1,000
// issues).
func TestAFullPageKeepsNoETagSoTheIssueAfterItIsSeen(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", perPage)
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	n := add(t, e, "acme/core", githubsim.Issue{Title: "filed after the first sync"})
	e.mustSync(t)
	if _, ok := e.store.issues[model.GitHubKey("acme", "core", n)]; !ok {
		t.Errorf("core#%d, filed after a full page was listed, is not stored", n)
	}
}

func TestIncrementalSyncPicksUpExactlyTheChangedIssues(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web"}, func(s *config.Source) { s.Overlap = 0 })
	e.addRepo(t, "acme/core", 250)
	e.addRepo(t, "acme/web", 30)
	e.mustSync(t)

	e.sim.Advance(time.Hour)
	must(t, e.sim.Touch(ref("acme/core", 20-1)))
	must(t, e.sim.SetLabels(ref("acme/core", 21), []string{"in progress"}))
	must(t, e.sim.Close(ref("acme/core", 22), "completed"))
	must(t, e.sim.AddComment(ref("acme/web", 3), "bob", "progress?"))
	must(t, e.sim.Touch(ref("acme/web", 5))) // a pull request
	e.sim.ResetStats()

	bs := e.mustSync(t)
	want := []string{"github:acme/core#19", "github:acme/core#21", "github:acme/core#22", "github:acme/web#3"}
	if diff := cmp.Diff(want, emittedKeys(bs)); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
	st := e.sim.Stats()
	if st.Requests[listRoute] != 2 || st.QuotaUsed != 3 {
		t.Errorf("incremental sync: %d list requests, %d quota; want 2 and 3 (+1 timeline of core#21; none for web#3's comment, a todo)",
			st.Requests[listRoute], st.QuotaUsed)
	}
	if got := e.store.issues["github:acme/core#21"].StatusChanged; !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("core#21 status changed %v, want %v", got, t0.Add(time.Hour))
	}

	e.checkRepollIsFree(t, "the incremental sync")
}

func TestExhaustedQuotaEndsRoundKeepingPagesAndResumesAfterReset(t *testing.T) {
	// GitHub answers an exhausted primary limit with 403 or 429; both wait
	// for x-ratelimit-reset, not a secondary limit's minute.
	for _, status := range []int{http.StatusForbidden, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(status), func(t *testing.T) { testExhaustedQuota(t, status) })
	}
}

func testExhaustedQuota(t *testing.T, status int) {
	e := newEnvWith(t, githubsim.Options{PrimaryLimitStatus: status}, []string{"acme/core"}, func(s *config.Source) { s.Settings.(*Config).QuotaReserve = "0" })
	e.addRepo(t, "acme/core", 250)
	e.sim.SetRemaining(token, 2)

	bs, err := e.sync(t)
	var apiErr *httpapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 403 && apiErr.Status != status || apiErr.RetryAfter() != time.Hour || apiErr.Permanent() {
		t.Fatalf("sync error = %v, want a %d APIError retrying after 1h", err, status)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error %q reveals the token", err)
	}
	if len(bs) != 2 || len(e.store.issues) != 160 {
		t.Errorf("kept %d batches and %d issues, want the 2 pages (160 issues) before the limit", len(bs), len(e.store.issues))
	}
	if got := e.sim.Stats().Requests[listRoute]; got != 3 {
		t.Errorf("made %d list requests, want 3 (no retries against an exhausted quota)", got)
	}

	e.sim.Advance(time.Hour)
	e.mustSync(t)
	if got := len(e.store.issues); got != 200 {
		t.Errorf("after the reset stored %d issues, want 200", got)
	}
}

func TestSecondaryRateLimitsAreRetriedWithoutLosingData(t *testing.T) {
	e := coreAndWeb(t, 30, 30)
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultSecondaryRateLimit, PathPrefix: "/repos/acme/core/issues", Count: 2}))
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultTooManyRequests, PathPrefix: "/repos/acme/web/issues"}))
	e.mustSync(t)
	if got := len(e.store.issues); got != 48 {
		t.Errorf("stored %d issues, want 48", got)
	}
	if got := e.sim.Stats().Requests[listRoute]; got != 2+3 {
		t.Errorf("made %d list requests, want 5 (2 pages + 3 retries)", got)
	}
}

func TestPersistentSecondaryLimitFailsOnlyThatRepository(t *testing.T) {
	e := coreAndWeb(t, 30, 30)
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultSecondaryRateLimit, PathPrefix: "/repos/acme/core/", Count: 100}))
	_, err := e.sync(t)
	var apiErr *httpapi.APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter() <= 0 || apiErr.Permanent() {
		t.Fatalf("sync error = %v, want a retryable APIError", err)
	}
	if got := len(e.store.issues); got != 24 {
		t.Errorf("stored %d issues, want web's 24", got)
	}
	if got := e.sim.Stats().Requests[listRoute]; got != 4+1 {
		t.Errorf("made %d list requests, want 5 (core: 1 + 3 retries, then stop; web: 1)", got)
	}
	if _, ok := e.store.cursors["acme/core"]; ok {
		t.Errorf("core has a cursor after failing: %s", e.store.cursors["acme/core"])
	}
}

func TestReconcileRemovesDeletedAndTransferredIssues(t *testing.T) {
	e := coreAndWeb(t, 10, 3)
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	must(t, e.sim.Delete(ref("acme/core", 3)))
	moved, err := e.sim.Transfer(ref("acme/core", 4), "acme/web")
	must(t, err)

	e.mustSync(t)
	if _, ok := e.store.issues["github:acme/core#3"]; !ok {
		t.Errorf("core#3 was removed before a reconcile was due")
	}
	if _, ok := e.store.issues["github:acme/web#4"]; !ok || moved.Number != 4 {
		t.Errorf("transferred issue web#%d not stored", moved.Number)
	}

	e.sim.Advance(24 * time.Hour)
	e.mustSync(t)
	for _, k := range []string{"github:acme/core#3", "github:acme/core#4"} {
		if _, ok := e.store.issues[k]; ok {
			t.Errorf("%s still stored after the reconcile", k)
		}
	}
	if got, want := len(e.store.issues), (8-2)+(3+1); got != want {
		t.Errorf("stored %d issues, want %d", got, want)
	}
	for _, repo := range []string{"acme/core", "acme/web"} {
		if got, want := e.store.cursors[ReconcileScope+":"+repo], t0.Add(25*time.Hour).Format(time.RFC3339); got != want {
			t.Errorf("%s reconcile cursor %q, want %q", repo, got, want)
		}
	}
}

func TestTruncatedPageFailsThatRepositoryAndKeepsItsCursor(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web"}, func(s *config.Source) { s.Overlap = 0 })
	e.addRepo(t, "acme/core", 30)
	e.addRepo(t, "acme/web", 30)
	e.mustSync(t)
	before := e.store.cursors["acme/core"]
	e.sim.Advance(time.Hour)
	must(t, e.sim.Touch(ref("acme/core", 1)))
	must(t, e.sim.Touch(ref("acme/web", 1)))
	must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultTruncate, PathPrefix: "/repos/acme/core/issues"}))

	bs, err := e.sync(t)
	var apiErr *httpapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Permanent() {
		t.Fatalf("sync error = %v, want a retryable APIError", err)
	}
	if got := e.store.cursors["acme/core"]; got != before {
		t.Errorf("core cursor moved from %s to %s", before, got)
	}
	if diff := cmp.Diff([]string{"github:acme/web#1"}, emittedKeys(bs)); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}

	bs = e.mustSync(t)
	if diff := cmp.Diff([]string{"github:acme/core#1"}, emittedKeys(bs)); diff != "" {
		t.Errorf("next round emitted (-want +got):\n%s", diff)
	}
}

func TestOrgWildcardSyncsEveryRepositoryOfTheOrg(t *testing.T) {
	e := newEnv(t, []string{"acme/*"})
	e.addRepo(t, "acme/core", 5)
	e.addRepo(t, "acme/web", 5)
	e.addRepo(t, "beta/other", 5)
	e.mustSync(t)
	want := []string{"github:acme/core#1", "github:acme/core#2", "github:acme/core#3", "github:acme/core#4",
		"github:acme/web#1", "github:acme/web#2", "github:acme/web#3", "github:acme/web#4"}
	if diff := cmp.Diff(want, e.store.keys()); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	e.sim.ResetStats()
	e.mustSync(t)
	if st := e.sim.Stats(); st.QuotaUsed != 0 || st.NotModified != 3 {
		t.Errorf("unchanged re-poll: quota %d, %d not modified; want 0 and 3", st.QuotaUsed, st.NotModified)
	}
}

func TestEmitFailureStopsSync(t *testing.T) {
	e := coreAndWeb(t, 5, 5)
	boom := errors.New("disk full")
	e.store.fail = boom
	if _, err := e.sync(t); !errors.Is(err, boom) {
		t.Errorf("sync error = %v, want %v", err, boom)
	}
}

func TestNewRejectsBadSources(t *testing.T) {
	for _, tt := range []struct {
		src  config.Source
		want string
	}{
		{config.Source{Name: "gh", Settings: &Config{Repos: []string{"acme/core"}}}, `source "gh": no token`},
		{config.Source{Name: "gh", Token: "x", Settings: &Config{Repos: []string{"acme"}}}, `source "gh": repo "acme" is not owner/name or owner/*`},
		{config.Source{Name: "gh", Token: "x"}, `source "gh": no repos`},
		{config.Source{Name: "gh", Token: "x", Settings: &Config{Repos: []string{"a/b"}}, URL: "::"}, `source "gh": url "::" is not an absolute URL`},
	} {
		_, err := New(tt.src, Options{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("New(%+v) error = %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestEditDuringPagingIsCaughtNextRound edits an issue already listed while
// the next page is being asked for: offset paging then skips one issue, and
// the next round must bring it in.
func TestEditDuringPagingIsCaughtNextRound(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 250)
	e.sim.Advance(time.Hour)
	e.afterResponse = func(req *http.Request) {
		if req.URL.Query().Get("page") == "" && strings.HasSuffix(req.URL.Path, "/issues") {
			e.afterResponse = nil
			must(t, e.sim.Touch(ref("acme/core", 1)))
		}
	}
	e.mustSync(t)
	if got := len(e.store.issues); got != 199 {
		t.Fatalf("first round stored %d issues, want 199 (one slid past a page boundary)", got)
	}
	e.mustSync(t)
	if got := len(e.store.issues); got != 200 {
		t.Errorf("second round stored %d issues, want all 200", got)
	}
}

// TestEditDuringPagingThenAFailedPageLosesNoIssue edits #1 after page 1 was
// read, so #101 slides onto page 1 unseen, and then a later page fails: the
// cursors the pages before it committed must still lead the next round to
// #101. Failing page 4 catches a cursor that only holds back on the page
// after the shift.
func TestEditDuringPagingThenAFailedPageLosesNoIssue(t *testing.T) {
	for _, tt := range []struct{ issues, failPage int }{{350, 3}, {450, 4}} {
		t.Run(fmt.Sprintf("%d issues, page %d fails", tt.issues, tt.failPage), func(t *testing.T) {
			e := newEnv(t, []string{"acme/core"})
			e.addRepo(t, "acme/core", tt.issues)
			e.sim.Advance(time.Hour)
			e.afterResponse = func(req *http.Request) {
				if !strings.HasSuffix(req.URL.Path, "/issues") {
					return
				}
				switch req.URL.Query().Get("page") {
				case "":
					must(t, e.sim.Touch(ref("acme/core", 1)))
				case strconv.Itoa(tt.failPage - 1):
					e.afterResponse = nil
					must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultTruncate, PathPrefix: "/repos/acme/core/issues"}))
				}
			}
			first, err := e.sync(t)
			if err == nil {
				t.Fatalf("first round succeeded, want page %d to fail it", tt.failPage)
			}
			second := e.mustSync(t)
			if got, want := len(e.store.issues), tt.issues*4/5; got != want {
				t.Errorf("stored %d issues after a clean round, want all %d", got, want)
			}
			if keys := emittedKeys(append(first, second...)); !slices.Contains(keys, "github:acme/core#101") {
				t.Errorf("#101, which slid onto page 1, was never emitted")
			}
		})
	}
}

func TestUnchangedDependenciesOfAChangedIssueCostNoQuota(t *testing.T) {
	e := newEnv(t, []string{"acme/core"}, func(s *config.Source) { s.Overlap = 0 })
	e.addRepo(t, "acme/core", 10)
	must(t, e.sim.AddBlockedBy(ref("acme/core", 1), ref("acme/core", 2)))
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 3)))
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	must(t, e.sim.Touch(ref("acme/core", 1)))
	e.sim.ResetStats()

	bs := e.mustSync(t)
	if diff := cmp.Diff([]string{"github:acme/core#1"}, emittedKeys(bs)); diff != "" {
		t.Fatalf("emitted (-want +got):\n%s", diff)
	}
	if got := len(e.store.issues["github:acme/core#1"].Links); got != 1 {
		t.Errorf("core#1 has %d links after the re-sync, want its blocker (served from the cache)", got)
	}
	if st := e.sim.Stats(); st.QuotaUsed != 1 || st.NotModified != 1 {
		t.Errorf("quota %d with %d not modified, want 1 (the listing) and 1 (blockers; its sub-issue is known)", st.QuotaUsed, st.NotModified)
	}
}

// TestRereadLeavesOutDeletedAndTransferredIssues reads three issues again,
// one of them blocked by another repository's issue: the live one comes
// back converted with its blocker, the deleted one (410) and the
// transferred one (a 301 to another key) are left out without an error.
func TestRereadLeavesOutDeletedAndTransferredIssues(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 4)
	e.addRepo(t, "acme/web", 1)
	must(t, e.sim.AddBlockedBy(ref("acme/core", 1), ref("acme/web", 1)))
	must(t, e.sim.Delete(ref("acme/core", 2)))
	if _, err := e.sim.Transfer(ref("acme/core", 3), "acme/web"); err != nil {
		t.Fatal(err)
	}
	got, err := e.src.Reread(context.Background(), []string{"github:acme/core#1", "github:acme/core#2", "github:acme/core#3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "github:acme/core#1" {
		t.Fatalf("Reread returned %d issues (%+v), want only core#1", len(got), got)
	}
	want := []model.Link{{From: "github:acme/web#1", To: "github:acme/core#1", Type: model.Blocks, Origin: model.OriginGitHubDependency, RawType: "blocked by"}}
	if diff := cmp.Diff(want, got[0].Links); diff != "" {
		t.Errorf("links of core#1 (-want +got):\n%s", diff)
	}
}
