package github

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/config"
	_ "github.com/batonhq/baton/connectors/jira" // the configuration names a Jira source too
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// The connector decodes answers with httpapi.DecodeJSON (go-json) where
// go-github would use encoding/json. These tests decode the vendor examples
// and every answer of a simulated organisation's sync both ways: the values,
// and the issues converted from them, must be the same.

func TestDecodersAgreeOnTheVendorExamples(t *testing.T) {
	s := vendorSource(t, t0)
	std, fast := testtool.DecodeBoth[[]listed](t, "list_issues.json", testtool.VendorFile(t, "list_issues.json", vendorDocs))
	if len(std) == 0 {
		t.Fatal("list_issues.json: no issues")
	}
	sameIssues(t, s, "list_issues.json", helloWorld, std, fast)
	one, oneFast := testtool.DecodeBoth[listed](t, "issue.json", testtool.VendorFile(t, "issue.json", vendorDocs))
	sameIssues(t, s, "issue.json", helloWorld, []listed{one}, []listed{oneFast})
	for _, f := range []string{"dependencies_blocked_by.json", "sub_issues.json"} {
		sameDecoded[[]listedRef](t, f, testtool.VendorFile(t, f, vendorDocs))
	}
	sameDecoded[[]listedTimeline](t, "timeline.json", testtool.VendorFile(t, "timeline.json", vendorDocs))
	sameDecoded[[]*github.Repository](t, "org_repos.json", testtool.VendorFile(t, "org_repos.json", vendorDocs))
	sameDecoded[[]repoEvent](t, "repo_issue_events.json", testtool.VendorFile(t, "repo_issue_events.json", vendorDocs))
	sameDecoded[[]repoComment](t, "repo_issue_comments.json", testtool.VendorFile(t, "repo_issue_comments.json", vendorDocs))
}

func TestDecodersAgreeOnEveryAnswerOfASimulatedSync(t *testing.T) {
	org, err := apisim.Generate(apisim.DemoSpec()) // planted cases, boards, blockers and sub-issues
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(org.GitHubHandler())
	t.Cleanup(hs.Close)
	cfg, err := config.Parse("sim.yaml", []byte(org.ConfigYAML(hs.URL+"/", "http://127.0.0.1:1")))
	if err != nil {
		t.Fatal(err)
	}
	answers := &testtool.Answers{}
	s, err := New(cfg.Sources[0], Options{Status: cfg.Status.GitHub, Now: time.Now, Transport: answers})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(context.Background(), nil, func(context.Context, model.Batch) error { return nil }); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range answers.Kept() {
		path := strings.TrimPrefix(a.Req.URL.Path, "/")
		kind := answerKind(path)
		seen[kind]++
		switch kind {
		case "listing":
			owner, name, _ := strings.Cut(strings.TrimPrefix(path, "repos/"), "/")
			name, _, _ = strings.Cut(name, "/")
			std, fast := testtool.DecodeBoth[[]listed](t, path, a.Body)
			sameIssues(t, s, path, repoName{owner: owner, name: name}, std, fast)
		case "related":
			sameDecoded[[]listedRef](t, path, a.Body)
		case "timeline":
			sameDecoded[[]listedTimeline](t, path, a.Body)
		case "repositories":
			sameDecoded[[]*github.Repository](t, path, a.Body)
		case "board items":
			sameDecoded[[]listedItem](t, path, a.Body)
		case "board fields":
			sameDecoded[[]projectField](t, path, a.Body)
		case "repository events":
			sameDecoded[[]repoEvent](t, path, a.Body)
		case "repository comments":
			sameDecoded[[]repoComment](t, path, a.Body)
		default: // an endpoint read since this test was written
			sameDecoded[any](t, path, a.Body)
		}
	}
	for _, kind := range []string{"listing", "related", "timeline", "repositories", "board items", "board fields"} {
		if seen[kind] == 0 {
			t.Errorf("the sync read no %s; read %v", kind, seen)
		}
	}
}

// answerKind names what the answer to a GET of path lists.
func answerKind(path string) string {
	parts := strings.Split(path, "/")
	switch {
	case len(parts) == 4 && parts[0] == "repos" && parts[3] == "issues":
		return "listing"
	case strings.HasSuffix(path, "/dependencies/blocked_by"), strings.HasSuffix(path, "/sub_issues"):
		return "related"
	case strings.HasSuffix(path, "/timeline"):
		return "timeline"
	case len(parts) == 5 && parts[0] == "repos" && parts[3] == "issues" && parts[4] == "events":
		return "repository events"
	case len(parts) == 5 && parts[0] == "repos" && parts[3] == "issues" && parts[4] == "comments":
		return "repository comments"
	case len(parts) == 3 && parts[0] == "orgs" && parts[2] == "repos":
		return "repositories"
	case strings.Contains(path, "/projectsV2/") && strings.HasSuffix(path, "/items"):
		return "board items"
	case strings.Contains(path, "/projectsV2/") && strings.HasSuffix(path, "/fields"):
		return "board fields"
	}
	return "other"
}

// sameDecoded fails the test unless both decoders give the same T.
func sameDecoded[T any](t *testing.T, name string, body []byte) {
	t.Helper()
	std, fast := testtool.DecodeBoth[T](t, name, body)
	if diff := cmp.Diff(std, fast, cmp.AllowUnexported(repoEvent{})); diff != "" {
		t.Errorf("%s (-encoding/json +httpapi.DecodeJSON):\n%s", name, diff)
	}
}

// sameIssues fails the test unless the listed issues decoded both ways
// convert to the same model issues.
func sameIssues(t *testing.T, s *Source, name string, r repoName, std, fast []listed) {
	t.Helper()
	convert := func(ls []listed) []model.Issue {
		var out []model.Issue
		for i := range ls {
			it := ls[i].item()
			out = append(out, s.convert(r, &it))
		}
		return out
	}
	if diff := cmp.Diff(convert(std), convert(fast)); diff != "" {
		t.Errorf("%s: issues (-encoding/json +httpapi.DecodeJSON):\n%s", name, diff)
	}
}

func TestStampDecodesAsGoGithubsTimestamp(t *testing.T) {
	for _, in := range []string{
		`"2026-11-20T10:00:00Z"`, `"2026-11-20T10:00:00.123456789+02:00"`, `"2026-11-20T10:00:00,5-07:00"`,
		`"2026-11-20T10:00:00"`, `"2026-11-20 10:00:00Z"`, `"2026-02-30T10:00:00Z"`, `""`, `"Z"`, `"\"x"`,
		`1700000000`, `1700000000123`, `-1`, `null`, `true`, `"1700000000"`,
	} {
		var lib github.Timestamp
		var got stamp
		errLib, err := lib.UnmarshalJSON([]byte(in)), got.UnmarshalJSON([]byte(in))
		if !got.Time.Equal(lib.Time) || got.Time.String() != lib.Time.String() || fmt.Sprint(err) != fmt.Sprint(errLib) {
			t.Errorf("%s: got %v, %v; go-github gives %v, %v", in, got.Time, err, lib.Time, errLib)
		}
	}
}
