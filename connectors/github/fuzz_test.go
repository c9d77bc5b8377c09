package github

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// fuzzSource converts as the fuzz targets need: no client, fixed labels.
func fuzzSource() *Source {
	return &Source{
		src: config.Source{Name: "gh"},
		opts: Options{
			Status:   config.GitHubStatus{InProgressLabels: []string{"in progress"}, BlockedLabels: []string{"blocked"}, DroppedReasons: []string{"not_planned", "duplicate"}},
			Priority: map[string]int{"P1": 1, "P2": 2},
		},
		hosts: []string{"github.com"},
	}
}

// issueSeeds are listed issues shaped like the example answer of GET
// /repos/{owner}/{repo}/issues in GitHub's REST documentation (trimmed of
// the URL fields baton does not read), and one with nulls in its lists.
var issueSeeds = []string{
	`{"id":1,"node_id":"MDU6SXNzdWUx","url":"https://api.github.com/repos/octocat/Hello-World/issues/1347",
	  "repository_url":"https://api.github.com/repos/octocat/Hello-World","html_url":"https://github.com/octocat/Hello-World/issues/1347",
	  "number":1347,"state":"open","title":"Found a bug","body":"I'm having a problem with this.\nBlocked by #12 and PAY-3",
	  "user":{"login":"octocat","id":1},"labels":[{"id":208045946,"name":"bug","color":"f29513","default":true},{"name":"in progress"},{"name":"P2"}],
	  "assignee":{"login":"octocat","id":1},"assignees":[{"login":"octocat","id":1}],
	  "milestone":{"id":1002604,"number":1,"state":"open","title":"v1.0","due_on":"2026-12-10T07:00:00Z"},
	  "locked":true,"comments":2,"closed_at":null,"created_at":"2026-04-22T13:33:48Z","updated_at":"2026-04-22T13:33:48Z",
	  "state_reason":null,"issue_dependencies_summary":{"blocked_by":1,"total_blocked_by":1,"blocking":0},"sub_issues_summary":{"total":0}}`,
	`{"repository_url":"https://api.github.com/repos/octocat/Hello-World","html_url":"https://github.com/octocat/Hello-World/issues/7",
	  "number":7,"state":"closed","state_reason":"not_planned","title":"[PAY-12] Mirror","body":null,"labels":[],"assignees":[],
	  "milestone":null,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-02-02T03:04:05Z","closed_at":"2026-02-02T03:04:05Z"}`,
	`{"repository_url":"https://api.github.com/repos/octocat/Hello-World","number":9,"state":"open","title":"nulls",
	  "labels":[null,{"name":null}],"assignees":[null],"milestone":{"title":null,"due_on":null},"pull_request":null,
	  "created_at":"2026-01-02T03:04:05Z","updated_at":"2026-02-02T03:04:05Z"}`,
}

// FuzzConvert feeds convert any listed issue: it must not panic, keeps the
// number in the key, and names no empty label or assignee.
func FuzzConvert(f *testing.F) {
	for _, seed := range issueSeeds {
		f.Add([]byte(seed))
	}
	s := fuzzSource()
	r := repoName{owner: "octocat", name: "Hello-World"}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l listed
		if json.Unmarshal(data, &l) != nil {
			return
		}
		it := l.item()
		got := s.convert(r, &it)
		if want := model.GitHubKey(r.owner, r.name, l.Number); got.Key != want {
			t.Errorf("key %q, want %q", got.Key, want)
		}
		for _, names := range [][]string{got.Labels, got.Assignees} {
			for _, n := range names {
				if n == "" {
					t.Errorf("%s: an empty name among %q", got.Key, names)
				}
			}
		}
	})
}

// timelineSeeds are pages shaped like the example answer of GET
// /repos/{owner}/{repo}/issues/{n}/timeline in GitHub's REST documentation,
// and one with nulls.
var timelineSeeds = []string{
	`[{"id":6430295168,"node_id":"LOE_lADODwFebM5HwC0kzwAAAAF_RoSA","url":"https://api.github.com/repos/github/roadmap/issues/events/6430295168",
	   "actor":{"login":"github","id":9919},"event":"locked","commit_id":null,"commit_url":null,"created_at":"2026-04-13T20:49:13Z","lock_reason":null},
	  {"id":6430296748,"actor":{"login":"github-product-roadmap","id":67656570},"event":"labeled","created_at":"2026-04-13T20:49:34Z",
	   "label":{"name":"in progress","color":"000000"}},
	  {"id":1004,"event":"commented","created_at":"2026-04-14T09:00:00Z","body":"any news?","user":{"login":"octocat"}},
	  {"event":"cross-referenced","created_at":"2026-04-15T09:00:00Z","source":{"type":"issue","issue":{"number":12}}},
	  {"event":"closed","created_at":"2026-04-16T09:00:00Z"},{"event":"reopened","created_at":"2026-04-16T10:00:00Z"},
	  {"event":"unlabeled","created_at":"2026-04-17T10:00:00Z","label":{"name":"blocked"}}]`,
	`[null,{"event":"labeled","label":null,"created_at":"2026-04-13T20:49:34Z"},{"event":null},{"event":"commented","created_at":null}]`,
}

// FuzzFoldTimeline feeds foldTimeline any timeline page: it must not panic,
// keeps no activity from before the window, and takes the status change
// only from an item on the page.
func FuzzFoldTimeline(f *testing.F) {
	for _, seed := range timelineSeeds {
		f.Add([]byte(seed))
	}
	s := fuzzSource()
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []listedTimeline
		if json.Unmarshal(data, &got) != nil {
			return
		}
		fold := timelineFold{from: from}
		s.foldTimeline(&fold, got)
		for _, at := range fold.activity {
			if at.Before(from) {
				t.Errorf("activity at %v, before the window's start %v", at, from)
			}
		}
		if len(fold.activity) > len(got) {
			t.Errorf("%d activity events from %d items", len(fold.activity), len(got))
		}
		if !fold.changed.IsZero() && !changedOnPage(got, fold.changed) {
			t.Errorf("status changed at %v, which no item of the page says", fold.changed)
		}
	})
}

func changedOnPage(items []listedTimeline, at time.Time) bool {
	for i := range items {
		if items[i].CreatedAt.Time.UTC().Equal(at) {
			return true
		}
	}
	return false
}
