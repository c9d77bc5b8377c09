package jira

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"reflect"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// The files in testdata/vendor are answers shaped like the examples of the
// vendor pages their .source files name; these tests decode them with the
// connector's own conversion, so a field the real API names differently from
// jirasim shows up here.

// vendorDocs is where every corpus file's .source must point.
const vendorDocs = "https://"

func vendorSource(t *testing.T, deployment, url string) *Source {
	t.Helper()
	s, err := New(config.Source{Name: "jira", Type: "jira", URL: url, Token: "t",
		Settings: &Config{Deployment: deployment, Email: "mia@example.com", JQL: "project = ED"}},
		Options{Status: config.JiraStatus{DroppedResolutions: []string{"Duplicate"}}, Priority: priorities})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestVendorCloudSearchPageAndBulkChangelogConvert(t *testing.T) {
	s := vendorSource(t, "cloud", "https://your-domain.atlassian.net")
	dec := newPageDecoder(append(searchFields[:len(searchFields):len(searchFields)], "customfield_10020"))
	raw := reflect.New(dec.page)
	if err := json.Unmarshal(testtool.VendorFile(t, "search_jql_cloud.json", vendorDocs), raw.Interface()); err != nil {
		t.Fatal(err)
	}
	page := dec.convert(raw.Elem())
	if len(page.Issues) != 1 || page.IsLast || page.NextPageToken != "CAEaAggD" {
		t.Fatalf("page: got %d issues, isLast %v, token %q; want 1, false, CAEaAggD", len(page.Issues), page.IsLast, page.NextPageToken)
	}
	var bulk bulkResponse
	testtool.VendorDecode(t, "changelog_bulkfetch.json", vendorDocs, &bulk)
	if len(bulk.IssueChangeLogs) != 1 || bulk.IssueChangeLogs[0].IssueID != "10002" || bulk.NextPageToken != "UxAQBFRF" {
		t.Fatalf("bulk changelog: got %+v", bulk)
	}
	got := s.convert(&page.Issues[0], bulk.IssueChangeLogs[0].ChangeHistories, customFields{sprint: "customfield_10020"})
	want := model.Issue{
		Key: "jira:ED-1", Source: "jira", System: model.Jira, URL: "https://your-domain.atlassian.net/browse/ED-1",
		Title: "Main order flow broken", Body: "Blocked by ED-9. Upstream: https://github.com/acme/orders/issues/12",
		Status: model.StatusInProgress, RawStatus: "In Progress", Assignees: []string{"Mia Krystof"},
		Priority: 2, RawPriority: "High", Labels: []string{"checkout"}, Components: []string{"Orders"},
		Created: utc("2026-11-01T22:15:02Z"), Updated: utc("2026-11-20T05:40:11.512Z"),
		StatusChanged:  utc("2026-11-02T23:00:00Z"),
		ActivityEvents: []time.Time{utc("2026-11-18T23:00:00Z"), utc("2026-11-20T05:40:11.512Z")},
		Due:            utc("2026-12-01T00:00:00Z"),
		Iteration:      &model.Iteration{Name: "ED Sprint 12, checkout", State: "active", Start: utc("2026-11-09T23:00:00Z"), End: utc("2026-11-23T23:00:00Z")},
		Mirrors:        []string{"github:acme/orders#12"},
		Links: []model.Link{
			{From: "jira:PR-3", To: "jira:ED-1", Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"},
			{From: "jira:ED-1", To: "jira:PR-2", Type: model.Relates, Origin: model.OriginJiraLink, RawType: "relates to"},
			{From: "jira:ED-0", To: "jira:ED-1", Type: model.Parent, Origin: model.OriginJiraParent, RawType: "parent"},
			{From: "jira:ED-9", To: "jira:ED-1", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by ED-9"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ED-1 (-want +got):\n%s", diff)
	}
}

func TestVendorDataCenterSearchPageConverts(t *testing.T) {
	s := vendorSource(t, "server", "http://www.example.com/jira")
	var fields []jira.Field
	testtool.VendorDecode(t, "field.json", vendorDocs, &fields)
	custom := customFieldsOf(fields)
	if want := (customFields{sprint: "customfield_10101", epicLink: "customfield_10008"}); custom != want {
		t.Fatalf("fields found by schema: got %+v, want %+v (not the decoy named Sprint)", custom, want)
	}
	var res struct {
		Total  int          `json:"total"`
		Issues []jira.Issue `json:"issues"`
	}
	testtool.VendorDecode(t, "search_dc.json", vendorDocs, &res)
	if res.Total != 1 || len(res.Issues) != 1 || res.Issues[0].Changelog == nil {
		t.Fatalf("search: got total %d, %d issues; want 1 with its changelog", res.Total, len(res.Issues))
	}
	is := issueOf(&res.Issues[0])
	got := s.convert(&is, is.Changelog, custom)
	want := model.Issue{
		Key: "jira:HSP-1", Source: "jira", System: model.Jira, URL: "http://www.example.com/jira/browse/HSP-1",
		Title:  "Sub-task of the sign-up form",
		Status: model.StatusDone, RawStatus: "Resolved", Resolution: model.ResolutionDropped, RawResolution: "Duplicate",
		Assignees: []string{"Fred F. User"}, RawPriority: "Major",
		Created: utc("2026-10-31T22:00:00Z"), Updated: utc("2026-11-18T01:00:00Z"),
		StatusChanged: utc("2026-11-18T01:00:00Z"), Closed: utc("2026-11-18T01:00:00Z"),
		Iteration: &model.Iteration{Name: "HSP 7, the long one", State: "closed", Start: utc("2026-10-19T22:00:00Z"), End: utc("2026-11-02T22:00:00Z")},
		Links: []model.Link{
			{From: "jira:HSP-0", To: "jira:HSP-1", Type: model.Parent, Origin: model.OriginJiraParent, RawType: "parent"},
			{From: "jira:HSP-100", To: "jira:HSP-1", Type: model.Parent, Origin: model.OriginJiraParent, RawType: "Epic Link"},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("HSP-1 (-want +got):\n%s", diff)
	}
}

func TestVendorMyselfGivesTheAccountZone(t *testing.T) {
	var me jira.User
	testtool.VendorDecode(t, "myself.json", vendorDocs, &me)
	if _, err := time.LoadLocation(me.TimeZone); err != nil || me.TimeZone != "Australia/Sydney" {
		t.Errorf("got zone %q (%v), want Australia/Sydney", me.TimeZone, err)
	}
}

func TestVendorErrorBodiesBecomeAPIErrors(t *testing.T) {
	for _, tc := range []struct {
		file      string
		status    int
		header    http.Header
		msg       string
		wait      time.Duration
		permanent bool
	}{
		{"error_jql.json", 400, nil, "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'ORDER'. (line 1, character 18)", 0, true},
		{"error_no_resource_dc.json", 404, nil, "", 0, true},
		{"error_rate_limit_cloud.json", 429, http.Header{"Retry-After": {"30"}}, "Rate limit exceeded.", 30 * time.Second, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
			maps.Copy(h, tc.header)
			resp := &jira.Response{Response: &http.Response{StatusCode: tc.status, Header: h,
				Body: io.NopCloser(bytes.NewReader(testtool.VendorFile(t, tc.file, vendorDocs)))}}
			e := apiError("searching", resp, jira.NewJiraError(resp, errors.New("request failed")))
			if e.Status != tc.status || e.Msg != tc.msg || e.Wait != tc.wait || e.Permanent() != tc.permanent {
				t.Errorf("got status %d, msg %q, wait %s, permanent %v; want %d, %q, %s, %v",
					e.Status, e.Msg, e.Wait, e.Permanent(), tc.status, tc.msg, tc.wait, tc.permanent)
			}
		})
	}
}
