package github

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// The files in testdata/vendor are answers shaped like the examples of the
// GitHub docs pages their .source files name; these tests decode them with
// the connector's own types and conversion, so a field the real API shapes
// differently from githubsim shows up here.

// vendorDocs is where every corpus file's .source must point.
const vendorDocs = "https://docs.github.com/"

func vendorSource(t *testing.T, now time.Time) *Source {
	t.Helper()
	s, err := New(config.Source{Name: "gh", Type: "github", Token: token, Settings: &Config{Repos: []string{"octocat/*"}}},
		Options{Status: config.GitHubStatus{InProgressLabels: []string{"in progress"}, BlockedLabels: []string{"blocked"},
			DroppedReasons: []string{"not_planned", "duplicate"}}, Now: func() time.Time { return now }, Backoff: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var helloWorld = repoName{"octocat", "Hello-World"}

func TestVendorListingConverts(t *testing.T) {
	s := vendorSource(t, t0)
	var page []listed
	testtool.VendorDecode(t, "list_issues.json", vendorDocs, &page)
	if len(page) != 3 {
		t.Fatalf("got %d items, want 3", len(page))
	}
	items := make([]item, len(page))
	for i := range page {
		items[i] = page[i].item()
	}
	if items[0].IsPullRequest() || !items[1].IsPullRequest() {
		t.Errorf("pull requests: #1347 %v, #1348 %v; want only #1348", items[0].IsPullRequest(), items[1].IsPullRequest())
	}
	if d, sub := items[0].Deps, items[0].Subs; d == nil || sub == nil || d.TotalBlockedBy != 1 || sub.Total != 1 {
		t.Errorf("#1347 summaries: %+v %+v; want one blocker and one sub-issue", d, sub)
	}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	open := s.convert(helloWorld, &items[0])
	want := model.Issue{
		Key: "github:octocat/hello-world#1347", Source: "gh", System: model.GitHub, URL: "https://github.com/octocat/Hello-World/issues/1347",
		Title: "Found a bug", Body: "I'm having a problem with this. Blocked by #1346 and https://github.com/octocat/Spoon-Knife/issues/3",
		Status: model.StatusInProgress, RawStatus: "open/in progress", Assignees: []string{"octocat"}, Labels: []string{"bug", "in progress"},
		Created: at("2011-04-22T13:33:48Z"), Updated: at("2011-04-22T13:33:48Z"),
		Iteration: &model.Iteration{Name: "v1.0", State: "open", End: at("2012-10-09T23:39:01Z")}, Due: at("2012-10-09T00:00:00Z"),
		Links: []model.Link{
			{From: "github:octocat/hello-world#1346", To: "github:octocat/hello-world#1347", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by #1346"},
			{From: "github:octocat/spoon-knife#3", To: "github:octocat/hello-world#1347", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by https://github.com/octocat/Spoon-Knife/issues/3"},
		},
	}
	if diff := cmp.Diff(want, open); diff != "" {
		t.Errorf("#1347 (-want +got):\n%s", diff)
	}
	dup := s.convert(helloWorld, &items[2])
	if dup.Status != model.StatusDone || dup.Resolution != model.ResolutionDropped || dup.RawResolution != "duplicate" ||
		!dup.Closed.Equal(at("2011-04-23T09:00:00Z")) || dup.Body != "" {
		t.Errorf("#1349: %s/%s (%s) closed %v body %q; want done, dropped as duplicate, closed 2011-04-23T09:00:00Z, no body",
			dup.Status, dup.Resolution, dup.RawResolution, dup.Closed, dup.Body)
	}
	var single item
	testtool.VendorDecode(t, "issue.json", vendorDocs, &single)
	if got := s.convert(helloWorld, &single); got.Key != open.Key || got.Status != open.Status || single.Deps == nil || single.Deps.TotalBlockedBy != 1 {
		t.Errorf("get an issue: %s %s, dependencies %+v; want the listing's #1347", got.Key, got.Status, single.Deps)
	}
}

func TestVendorDependenciesAndSubIssuesNameTheirIssues(t *testing.T) {
	for file, want := range map[string]string{
		"dependencies_blocked_by.json": "github:octocat/hello-world#1346",
		"sub_issues.json":              "github:octocat/spoon-knife#12",
	} {
		var refs []listedRef
		testtool.VendorDecode(t, file, vendorDocs, &refs)
		if len(refs) != 1 {
			t.Fatalf("%s: %d issues, want 1", file, len(refs))
		}
		if k, ok := keyOf(refs[0].issue()); !ok || k != want {
			t.Errorf("%s: key %q (%v), want %s", file, k, ok, want)
		}
	}
}

func TestVendorTimelineGivesStatusChangeAndActivity(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	s := vendorSource(t, at("2022-05-01T00:00:00Z"))
	var events []listedTimeline
	testtool.VendorDecode(t, "timeline.json", vendorDocs, &events)
	f := timelineFold{from: at("2022-04-01T00:00:00Z")}
	s.foldTimeline(&f, events)
	// labeled "in progress" and closed change the status; the comment is
	// activity; a cross-reference is not, and a commit carries no created_at.
	if !f.changed.Equal(at("2022-04-21T12:00:00Z")) {
		t.Errorf("status changed %v, want the close at 2022-04-21T12:00:00Z", f.changed)
	}
	if diff := cmp.Diff([]time.Time{at("2022-04-18T14:35:00Z")}, f.activity); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
}

// TestVendorRepositoryListingsFoldLikeTheTimeline: the repository's events
// and comments, shaped as GitHub documents them, give an issue the status
// change and activity its timeline would; a pull request's are kept apart,
// and a comment made before the window (listed because edited since) is
// not activity.
func TestVendorRepositoryListingsFoldLikeTheTimeline(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	s := vendorSource(t, at("2022-05-01T00:00:00Z"))
	var events []repoEvent
	testtool.VendorDecode(t, "repo_issue_events.json", vendorDocs, &events)
	var comments []repoComment
	testtool.VendorDecode(t, "repo_issue_comments.json", vendorDocs, &comments)
	// The repository_url list_issues.json gives its issues.
	f := wideFold{repo: "https://api.github.com/repos/octocat/Hello-World", changed: map[int]time.Time{}, activity: map[int]map[activityID]time.Time{}}
	from := at("2022-04-01T00:00:00Z")
	f.events(s, events, from)
	f.comments(s, comments, from)
	if got := f.changed[1347]; !got.Equal(at("2022-04-13T20:49:13Z")) {
		t.Errorf("#1347 status changed %v, want the in-progress label's 2022-04-13T20:49:13Z", got)
	}
	w := &wideActivity{bought: true, began: at("2022-05-01T00:00:00Z"), fold: f}
	changed, activity, ok := w.answer(&item{Issue: github.Issue{Number: github.Int(1347), UpdatedAt: &github.Timestamp{Time: at("2022-04-18T14:35:00Z")}}})
	if !ok || !changed.Equal(f.changed[1347]) {
		t.Errorf("answer for #1347: %v, %v; want the status change", changed, ok)
	}
	if diff := cmp.Diff([]time.Time{at("2022-04-15T09:00:00Z"), at("2022-04-18T14:35:00Z")}, activity); diff != "" {
		t.Errorf("#1347 activity (-want +got):\n%s", diff)
	}
	if _, ok := f.changed[1348]; ok {
		t.Errorf("the pull request's label event was kept: %v", f.changed[1348])
	}
}

func TestVendorOrgListingSkipsArchivedAndIssuelessRepositories(t *testing.T) {
	var repos []*github.Repository
	testtool.VendorDecode(t, "org_repos.json", vendorDocs, &repos)
	var synced []string
	for _, r := range repos {
		if wildcardSyncs(r) {
			synced = append(synced, r.GetFullName())
		}
	}
	if diff := cmp.Diff([]string{"octocat/Hello-World"}, synced); diff != "" {
		t.Errorf("owner/* syncs (-want +got):\n%s", diff)
	}
}

func TestVendorErrorsBecomeAPIErrors(t *testing.T) {
	reset := t0.Add(time.Hour)
	limited := func() http.Header {
		return http.Header{"X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}, "X-Ratelimit-Used": {"5000"}, "X-Ratelimit-Resource": {"core"}}
	}
	for _, tc := range []struct {
		name, file string
		status     int
		header     http.Header
		wait       time.Duration
		permanent  bool
		own        bool // the repository's failure alone
	}{
		{"deleted or out of reach", "error_not_found.json", 404, nil, 0, true, true},
		{"issues turned off", "error_issues_disabled.json", 410, nil, 0, true, true},
		{"primary limit, 403", "error_primary_rate_limit.json", 403, limited(), time.Hour, false, false},
		{"primary limit, 429", "error_primary_rate_limit.json", 429, limited(), time.Hour, false, false},
		{"secondary limit with retry-after", "error_secondary_rate_limit.json", 403, http.Header{"Retry-After": {"30"}}, 30 * time.Second, false, false},
		{"secondary limit, 429 without retry-after", "error_secondary_rate_limit.json", 429, nil, time.Minute, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := vendorSource(t, t0)
			h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			for k, v := range tc.header {
				h[k] = v
			}
			req, _ := http.NewRequest(http.MethodGet, "https://api.github.com/repos/octocat/Hello-World/issues", nil)
			resp := &http.Response{StatusCode: tc.status, Header: h, Request: req, Body: io.NopCloser(bytes.NewReader(testtool.VendorFile(t, tc.file, vendorDocs)))}
			err := s.apiError(context.Background(), "listing issues of octocat/Hello-World page 1", &github.Response{Response: resp}, github.CheckResponse(resp))
			var api *httpapi.APIError
			if !errors.As(err, &api) || api.Status != tc.status || api.Wait != tc.wait || api.Permanent() != tc.permanent || api.Msg == "" {
				t.Fatalf("got %#v; want status %d, wait %s, permanent %v, with GitHub's message", err, tc.status, tc.wait, tc.permanent)
			}
			if ownFailure(err) != tc.own {
				t.Errorf("the repository's own failure: %v, want %v", ownFailure(err), tc.own)
			}
		})
	}
}
