package jira

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// withNulls puts a null first in every list of every issue of a search page
// (links, components, labels, sprints, fix versions…), in its comments and
// embedded histories: "issuelinks": [null] where an issue has none.
func withNulls(t *testing.T, r *http.Request, body []byte) []byte {
	if !strings.Contains(r.URL.Path, "/search") {
		return body
	}
	var page map[string]any
	if err := json.Unmarshal(body, &page); err != nil {
		t.Errorf("search page: %v", err)
		return body
	}
	issues, _ := page["issues"].([]any)
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
	out, err := json.Marshal(page)
	if err != nil {
		t.Error(err)
	}
	return out
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
			e.rewrite = func(r *http.Request, body []byte) []byte { return withNulls(t, r, body) }
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
