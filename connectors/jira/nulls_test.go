package jira

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// editSearchPage hands the issues of a search page to edit, which changes
// them in place, and returns the page again; other answers pass unchanged.
func editSearchPage(t *testing.T, r *http.Request, body []byte, edit func(issues []any)) []byte {
	if !strings.Contains(r.URL.Path, "/search") {
		return body
	}
	var page map[string]any
	if err := json.Unmarshal(body, &page); err != nil {
		t.Errorf("search page: %v", err)
		return body
	}
	issues, _ := page["issues"].([]any)
	edit(issues)
	out, err := json.Marshal(page)
	if err != nil {
		t.Error(err)
	}
	return out
}

// withNulls puts a null first in every list of every issue of a search page
// (links, components, labels, sprints, fix versions…), in its comments and
// embedded histories: "issuelinks": [null] where an issue has none.
func withNulls(issues []any) {
	for _, is := range issues {
		is := is.(map[string]any)
		fields := is["fields"].(map[string]any)
		for k, v := range fields {
			if list, ok := v.([]any); ok {
				fields[k] = append([]any{nil}, list...)
			}
		}
		fields["issuelinks"] = prependNull(fields["issuelinks"])
		fields["components"] = prependNull(fields["components"])
		comment, _ := fields["comment"].(map[string]any)
		if comment == nil {
			comment = map[string]any{}
			fields["comment"] = comment
		}
		comment["comments"] = prependNull(comment["comments"])
		if cl, ok := is["changelog"].(map[string]any); ok {
			cl["histories"] = prependNull(cl["histories"])
		}
	}
}

// prependNull returns list with a null first, unless it has one already.
func prependNull(v any) []any {
	list, _ := v.([]any)
	if len(list) > 0 && list[0] == nil {
		return list
	}
	return append([]any{nil}, list...)
}

// TestNullsInASearchPageAreSkipped: a page with "issuelinks": [null],
// "components": [null], "comment": {"comments": [null]} and the like, read
// by the real go-jira client, syncs to the same issues as without the nulls.
func TestNullsInASearchPageAreSkipped(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			_, want := synced(t, dep)
			e := newEnv(t, dep, jirasim.Options{}, nil)
			e.rewrite = func(r *http.Request, body []byte) []byte { return editSearchPage(t, r, body, withNulls) }
			e.mustSync()
			got := e.emitted()
			if len(got) != 122 {
				t.Fatalf("got %d issues, want 122", len(got))
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(model.Issue{}, "URL")); diff != "" {
				t.Errorf("issues from pages with nulls (-without +with):\n%s", diff)
			}
		})
	}
}

// nullIssues replaces each issue of a search page whose key is in keys with a
// null, in place, so that Data Center's positions stay those of the server.
// With keys empty it first picks the first and last issues of this page.
func nullIssues(issues []any, keys map[string]bool) {
	if len(keys) == 0 && len(issues) > 2 {
		keys[issues[0].(map[string]any)["key"].(string)] = true
		keys[issues[len(issues)-1].(map[string]any)["key"].(string)] = true
	}
	for i, is := range issues {
		if is, ok := is.(map[string]any); ok && keys[is["key"].(string)] {
			issues[i] = nil
		}
	}
}

// TestNullIssueInASearchPageIsSkippedWithAWarning: "issues": [null] elements
// (here the first and the last of a page, where Data Center's next page
// begins) carry no key, so there is nothing to store; the sync and the
// reconcile's key listing go on past them, read by the real go-jira client,
// and a warning says so.
func TestNullIssueInASearchPageIsSkippedWithAWarning(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			_, want := synced(t, dep)
			e := newEnv(t, dep, jirasim.Options{}, nil)
			var logs strings.Builder
			e.opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			var err error
			if e.src, err = New(e.cfg, e.opts); err != nil {
				t.Fatal(err)
			}
			nulled := map[string]bool{}
			e.rewrite = func(r *http.Request, body []byte) []byte {
				return editSearchPage(t, r, body, func(issues []any) { nullIssues(issues, nulled) })
			}
			e.mustSync()
			full := e.batches[len(e.batches)-1].Present
			got := e.emitted()
			if len(nulled) != 2 {
				t.Fatalf("nulled %v, want two issues", nulled)
			}
			for k := range nulled {
				delete(want, model.JiraKey(k))
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(model.Issue{}, "URL")); diff != "" {
				t.Errorf("issues from pages with null issues (-want +got):\n%s", diff)
			}
			if full == nil || len(full.Keys) != 120 || slices.Contains(full.Keys, "") {
				t.Fatalf("full sync key set: got %v, want the 120 keyed issues", full)
			}
			e.now = e.now.Add(25 * time.Hour)
			e.mustSync()
			if last := e.batches[len(e.batches)-1].Present; last == nil || len(last.Keys) != 120 {
				t.Errorf("reconcile key set: got %v, want the 120 keyed issues", last)
			}
			if !strings.Contains(logs.String(), "level=WARN msg=\"jira search page holds issues without a key; skipped them\"") {
				t.Errorf("no warning logged; logs:\n%s", logs.String())
			}
		})
	}
}
