package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// Cloud search pages and bulk changelogs are decoded with
// httpapi.DecodeJSON (go-json) where go-jira would use encoding/json. These
// tests decode the vendor examples and every such answer of a simulated
// organisation's sync both ways: the issues converted from them must be the
// same.

func TestDecodersAgreeOnTheVendorExamples(t *testing.T) {
	s := vendorSource(t, "cloud", "https://your-domain.atlassian.net")
	custom := customFields{sprint: "customfield_10020"}
	bulk := sameChangelogs(t, "changelog_bulkfetch.json", testtool.VendorFile(t, "changelog_bulkfetch.json", vendorDocs))
	fields := append(searchFields[:len(searchFields):len(searchFields)], custom.sprint)
	if n := sameSearchPage(t, s, "search_jql_cloud.json", testtool.VendorFile(t, "search_jql_cloud.json", vendorDocs), fields, bulk, custom); n == 0 {
		t.Error("search_jql_cloud.json: no issues")
	}
}

func TestDecodersAgreeOnEveryAnswerOfASimulatedSync(t *testing.T) {
	org, err := apisim.Generate(apisim.DemoSpec()) // planted cases: links, sprints, epics, changelogs
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(org.JiraHandler())
	t.Cleanup(hs.Close)
	answers := &testtool.Answers{}
	s, err := New(config.Source{Name: "jira", Type: "jira", URL: hs.URL, Token: config.Secret(org.JiraToken),
		Settings: &Config{Deployment: "cloud", Email: org.JiraEmail, JQL: org.JQL()}}, Options{Priority: priorities, Transport: answers})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(context.Background(), nil, func(context.Context, model.Batch) error { return nil }); err != nil {
		t.Fatal(err)
	}
	info, err := s.learn(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	// Changelogs first: the search pages' issues are converted with them.
	bulk := map[string][]changedHistory{}
	var pages []testtool.Answer
	for _, a := range answers.Kept() {
		switch path := a.Req.URL.Path; {
		case strings.HasSuffix(path, "/changelog/bulkfetch"):
			for id, hs := range sameChangelogs(t, path, a.Body) {
				bulk[id] = append(bulk[id], hs...)
			}
		case strings.HasSuffix(path, "/search/jql"):
			pages = append(pages, a)
		}
	}
	issues := 0
	for _, a := range pages {
		fields := strings.Split(a.Req.URL.Query().Get("fields"), ",")
		issues += sameSearchPage(t, s, a.Req.URL.String(), a.Body, fields, bulk, info.fields)
	}
	if len(bulk) == 0 || issues < org.Spec.Issues/4 {
		t.Errorf("the sync read %d issues' changelogs and %d issues in %d search pages; want changelogs and a part of the %d issues",
			len(bulk), issues, len(pages), org.Spec.Issues)
	}
}

// sameChangelogs fails the test unless a bulk changelog answer decodes the
// same both ways, and returns its histories by issue id.
func sameChangelogs(t *testing.T, name string, body []byte) map[string][]changedHistory {
	t.Helper()
	std, fast := testtool.DecodeBoth[bulkResponse](t, name, body)
	if diff := cmp.Diff(std, fast); diff != "" {
		t.Errorf("%s (-encoding/json +httpapi.DecodeJSON):\n%s", name, diff)
	}
	out := map[string][]changedHistory{}
	for _, l := range std.IssueChangeLogs {
		out[l.IssueID] = append(out[l.IssueID], l.ChangeHistories...)
	}
	return out
}

// sameSearchPage fails the test unless a search page asking for fields
// decodes both ways into issues that convert to the same model issues as
// go-jira's own types do, and returns how many it holds.
func sameSearchPage(t *testing.T, s *Source, name string, body []byte, fields []string, histories map[string][]changedHistory, custom customFields) int {
	t.Helper()
	d := newPageDecoder(fields)
	std, fast := reflect.New(d.page), reflect.New(d.page)
	errStd := json.NewDecoder(bytes.NewReader(body)).Decode(std.Interface())
	errFast := httpapi.DecodeJSON(bytes.NewReader(body), fast.Interface())
	if errStd != nil || errFast != nil {
		t.Errorf("%s: encoding/json says %v, httpapi.DecodeJSON %v", name, errStd, errFast)
		return 0
	}
	convert := func(v reflect.Value) []model.Issue {
		page := d.convert(v.Elem())
		var out []model.Issue
		for i := range page.Issues {
			if page.Issues[i].Fields != nil {
				out = append(out, s.convert(&page.Issues[i], histories[page.Issues[i].ID], custom))
			}
		}
		return out
	}
	want := convert(std)
	if diff := cmp.Diff(want, convert(fast)); diff != "" {
		t.Errorf("%s: issues (-encoding/json +httpapi.DecodeJSON):\n%s", name, diff)
	}
	// The page decoder reads what convert needs of go-jira's types.
	var lib struct {
		Issues []jira.Issue `json:"issues"`
	}
	if err := json.Unmarshal(body, &lib); err != nil {
		t.Fatalf("%s: decoding as go-jira's issues: %v", name, err)
	}
	var viaLib []model.Issue
	for i := range lib.Issues {
		if is := issueOf(&lib.Issues[i]); is.Fields != nil {
			viaLib = append(viaLib, s.convert(&is, histories[is.ID], custom))
		}
	}
	if diff := cmp.Diff(viaLib, want); diff != "" {
		t.Errorf("%s: issues (-go-jira's types +the page decoder's):\n%s", name, diff)
	}
	return len(want)
}

func TestPageDecoderSkipsFieldsNotAskedFor(t *testing.T) {
	body := `{"issues":[{"id":"1","key":"ED-1","fields":{"summary":"s","status":{"name":7},"customfield_1":[1],"customfield_2":"x"}}],"isLast":true}`
	for _, fields := range [][]string{{"summary", "customfield_1"}, append(searchFields[:len(searchFields):len(searchFields)], "customfield_1")} {
		d := newPageDecoder(fields)
		raw := d.newPage(1)
		err := httpapi.DecodeJSON(strings.NewReader(body), raw.Interface())
		if !slices.Contains(fields, "status") {
			if err != nil {
				t.Fatalf("fields %v: %v", fields, err)
			}
			page := d.convert(raw.Elem())
			want := []issue{{ID: "1", Key: "ED-1", Fields: &issueFields{Summary: "s", Unknowns: map[string]any{"customfield_1": []any{1.0}}}}}
			if diff := cmp.Diff(want, page.Issues, cmpopts.EquateComparable(jira.Date{}, pageTime{})); diff != "" {
				t.Errorf("fields %v (-want +got):\n%s", fields, diff)
			}
			continue
		}
		// Asked for, the status is read, and its name must be text.
		if err == nil || !strings.Contains(err.Error(), "name") {
			t.Errorf("fields %v: got error %v, want one about the status's name", fields, err)
		}
	}
}
