package jira

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// fuzzSprintField is the sprint field of the seed issues (Cloud's usual id).
const fuzzSprintField = "customfield_10020"

// issueSeeds are issues shaped like those of GET /rest/api/2/search and
// /rest/api/2/issue/{key} in Atlassian's documentation: Cloud with sprint
// objects and an embedded changelog, Data Center with legacy sprint strings,
// and one with a null in every list a page may carry.
var issueSeeds = []string{
	`{"expand":"renderedFields,names,schema,operations,editmeta,changelog","id":"10002","self":"https://your-domain.atlassian.net/rest/api/2/issue/10002","key":"ED-1",
	  "fields":{"summary":"Charge cards","description":"Blocked by CORE-2.\nGitHub twin: https://github.com/acme/pay/issues/5",
	    "status":{"self":"https://your-domain.atlassian.net/rest/api/2/status/3","name":"In Progress","id":"3","statusCategory":{"id":4,"key":"indeterminate","name":"In Progress"}},
	    "priority":{"name":"High","id":"2"},"assignee":{"accountId":"5b10a2844c20165700ede21g","displayName":"Mia Krystof","active":true},
	    "labels":["q4","payments"],"components":[{"self":"https://your-domain.atlassian.net/rest/api/2/component/10000","id":"10000","name":"Billing"}],
	    "duedate":"2026-12-01","created":"2026-11-20T10:00:00.000-0800","updated":"2026-11-22T09:30:00.000-0800","resolutiondate":null,"resolution":null,
	    "issuelinks":[{"id":"10001","type":{"id":"10000","name":"Blocks","inward":"is blocked by","outward":"blocks"},"inwardIssue":{"id":"10004","key":"PR-2"}},
	                  {"id":"10002","type":{"id":"10003","name":"Relates","inward":"relates to","outward":"relates to"},"outwardIssue":{"id":"10004L","key":"PR-3"}}],
	    "comment":{"comments":[{"id":"10000","body":"on it","created":"2026-11-21T10:00:00.000-0800","updated":"2026-11-21T10:00:00.000-0800"}],"maxResults":1,"total":1,"startAt":0},
	    "customfield_10020":[{"id":4,"name":"PAY Sprint 4","state":"active","boardId":1,"startDate":"2026-11-16T09:00:00.000Z","endDate":"2026-11-30T17:00:00.000Z"},
	                         {"id":3,"name":"PAY Sprint 3","state":"closed","boardId":1,"startDate":"2026-11-02T09:00:00.000Z","endDate":"2026-11-16T09:00:00.000Z"}]},
	  "changelog":{"startAt":0,"maxResults":2,"total":2,"histories":[
	    {"id":"10001","author":{"accountId":"5b10a2844c20165700ede21g"},"created":"2026-11-21T08:00:00.000-0800","items":[{"field":"status","fieldtype":"jira","from":"10000","fromString":"To Do","to":"3","toString":"In Progress"}]},
	    {"id":"10002","created":"2026-11-21T09:00:00.000-0800","items":[{"field":"summary","fieldtype":"jira","toString":"Charge cards"}]}]}}`,
	`{"id":"20001","key":"CORE-7","fields":{"summary":"Tokens","status":{"name":"Done","statusCategory":{"key":"done"}},
	    "resolution":{"name":"Won't Do"},"resolutiondate":"2026-11-23T12:00:00.000+0000","created":"2026-11-01T12:00:00.000+0000","updated":"2026-11-23T12:00:00.000+0000",
	    "customfield_10020":["com.atlassian.greenhopper.service.sprint.Sprint@1f39e7a[id=12,rapidViewId=3,state=ACTIVE,name=CORE 12,startDate=2026-11-16T09:00:00.000Z,endDate=<null>,completeDate=<null>,sequence=12]"]}}`,
	`{"id":"30001","key":"PAY-9","fields":{"summary":"Nulls","status":{"name":"Blocked","statusCategory":{"key":"new"}},"created":"2026-11-01T12:00:00.000+0000","updated":"2026-11-02T12:00:00.000+0000",
	    "issuelinks":[null,{"type":{"name":"Blocks"},"inwardIssue":null,"outwardIssue":{}}],"components":[null],"fixVersions":[null],"labels":[null],
	    "comment":{"comments":[null]},"customfield_10020":[null,"",7]},
	  "changelog":{"histories":[null,{"created":"2026-11-02T12:00:00.000+0000","items":[null]}]}}`,
}

// FuzzConvert feeds convert any issue go-jira decodes: it must not panic,
// and every link it makes must join two issues.
func FuzzConvert(f *testing.F) {
	for _, seed := range issueSeeds {
		f.Add([]byte(seed))
	}
	s := fuzzSource()
	f.Fuzz(func(t *testing.T, data []byte) {
		var is jira.Issue
		if json.Unmarshal(data, &is) != nil || is.Fields == nil {
			return // page refuses an issue without fields before converting
		}
		read := issueOf(&is)
		got := s.convert(&read, read.Changelog, customFields{sprint: fuzzSprintField})
		for _, l := range got.Links {
			joins := l.From == got.Key || l.To == got.Key
			if !joins || l.From == "" || l.To == "" || (is.Key != "" && (l.From == "jira:" || l.To == "jira:")) {
				t.Errorf("%s: link %+v does not join this issue to another", got.Key, l)
			}
		}
	})
}

func fuzzSource() *Source {
	return &Source{
		src:  config.Source{Name: "jira-main"},
		base: "https://your-domain.atlassian.net/",
		opts: Options{
			Status:   config.JiraStatus{BlockedStatuses: []string{"Blocked"}, DroppedResolutions: []string{"Won't Do"}, BlockingLinkTypes: []string{"Blocks", "10000"}},
			Priority: priorities,
		},
	}
}

// FuzzSearchPageIssueConvertsAsGoJirasDoes: an issue of a Cloud search page,
// decoded by the page decoder into issueFields, must convert as go-jira's
// decoding of it does (read by issueOf), with the same histories, wherever
// go-jira decodes it; the page decoder may refuse nothing go-jira reads.
// Not compared: a sprint field whose key matches only when case is folded,
// which go-jira keeps apart (as an unknown field) and the decoder, as
// encoding/json matches a struct's fields, reads as the sprint field. Jira
// keys an issue's fields by the ids GET rest/api/2/field lists, the same
// ids the search asked for, so no page of it differs from them in case only.
func FuzzSearchPageIssueConvertsAsGoJirasDoes(f *testing.F) {
	for _, seed := range issueSeeds {
		f.Add([]byte(seed))
	}
	s := fuzzSource()
	custom := customFields{sprint: fuzzSprintField}
	d := newPageDecoder(append(searchFields[:len(searchFields):len(searchFields)], custom.sprint))
	f.Fuzz(func(t *testing.T, data []byte) {
		var lib jira.Issue
		if json.Unmarshal(data, &lib) != nil || lib.Fields == nil || slices.ContainsFunc(slices.Collect(maps.Keys(lib.Fields.Unknowns)), func(k string) bool {
			return k != custom.sprint && strings.EqualFold(k, custom.sprint)
		}) {
			return
		}
		want := issueOf(&lib)
		raw := d.newPage(1)
		if err := httpapi.DecodeJSON(bytes.NewReader([]byte(`{"issues":[`+string(data)+`]}`)), raw.Interface()); err != nil {
			t.Fatalf("the page decoder refuses an issue go-jira reads: %v", err)
		}
		page := d.convert(raw.Elem())
		if len(page.Issues) != 1 || page.Issues[0].Fields == nil {
			t.Fatalf("the page decoder read %d issues, want 1 with its fields", len(page.Issues))
		}
		if diff := cmp.Diff(s.convert(&want, want.Changelog, custom), s.convert(&page.Issues[0], want.Changelog, custom)); diff != "" {
			t.Errorf("converted (-go-jira's types +the page decoder's):\n%s", diff)
		}
	})
}

// FuzzCloudSprintOfReadsAsDecodingTheJSONDoes: a sprint object read
// directly must give what encoding it as JSON and decoding that into a
// cloudSprint gives, and fail where that fails.
func FuzzCloudSprintOfReadsAsDecodingTheJSONDoes(f *testing.F) {
	for _, seed := range []string{
		`{"id":4,"name":"PAY Sprint 4","state":"active","boardId":1,"startDate":"2026-11-16T09:00:00.000Z","endDate":"2026-11-30T17:00:00.000Z"}`,
		`{"id":null,"name":null,"state":"closed","goal":[1,{"a":2}]}`, `{"id":-0}`, `{"id":1.5}`, `{"id":1e3}`, `{"id":1e19}`,
		`{"id":-9223372036854775808}`, `{"id":9223372036854775807}`, `{"id":"4"}`, `{"id":true}`, `{"id":[4]}`, `{"id":{}}`,
		`{"name":7}`, `{"name":false}`, `{"name":["a"]}`, `{"state":{"x":1}}`, `{"ID":5,"id":4}`, `{"Name":"b","name":"a"}`,
		`{"NAME":"c"}`, `{"ſtate":"kelvin"}`, `{"name":"a\udc00b"}`, "{\"name\":\"a\xffb\"}", `{}`, `[]`, `7`, `true`, `"x"`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var x any
		if json.Unmarshal(data, &x) != nil {
			return
		}
		got, ok := cloudSprintOf(x)
		want, wantOK := sprintRoundTrip(x)
		if ok != wantOK || (ok && got != want) {
			t.Errorf("%s: got %+v, %v; decoding its JSON gives %+v, %v", data, got, ok, want, wantOK)
		}
	})
}

// FuzzParseJiraTimeReadsAsTimeParse: the same instant as time.Parse with
// Jira's layout, and an error exactly where it gives one.
func FuzzParseJiraTimeReadsAsTimeParse(f *testing.F) {
	for _, seed := range []string{
		"2026-11-20T10:00:00.000-0800", "2026-11-20T10:00:00.123+0530", "2024-02-29T23:59:59.999+0000", "2026-02-29T10:00:00.000+0000",
		"2026-04-31T10:00:00.000+0000", "2026-13-01T10:00:00.000+0000", "2026-00-01T10:00:00.000+0000", "2026-11-20T24:00:00.000+0000",
		"2026-11-20T10:60:00.000+0000", "2026-11-20T10:00:60.000+0000", "2026-11-20T10:00:00.000+2400", "2026-11-20T10:00:00.000+0060",
		"2026-11-20T10:00:00.000Z", "2026-11-20T10:00:00-0800", "2026-11-20T10:00:00.1234-0800", "2026-11-20T10:00:00,000-0800",
		"0000-01-01T00:00:00.000+0000", "2026-11-20T10:00:00.000-08:00", "2026-1a-20T10:00:00.000-0800", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := parseJiraTime(v)
		want, wantErr := time.Parse(jiraTime, v)
		if (err == nil) != (wantErr == nil) || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%q: got %v, %v; time.Parse gives %v, %v", v, got, err, want, wantErr)
		}
	})
}

// FuzzPageTimeDecodesAsGoJiraTime: the instant go-jira's Time decodes, and
// an error exactly where it gives one.
func FuzzPageTimeDecodesAsGoJiraTime(f *testing.F) {
	for _, seed := range []string{`"2026-11-20T10:00:00.000-0800"`, `"2026-11-20T10:00:00.5+0100"`, `"2026-02-30T10:00:00.000+0000"`,
		`"2026-11-20T10:00:00Z"`, `null`, `""`, `"x"`, `17`, `"2026-11-20T10:00:00.000-0800`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got pageTime
		var want jira.Time
		err, wantErr := got.UnmarshalJSON(data), want.UnmarshalJSON(data)
		if (err == nil) != (wantErr == nil) || !time.Time(got).Equal(time.Time(want)) {
			t.Errorf("%s: got %v, %v; go-jira gives %v, %v", data, time.Time(got), err, time.Time(want), wantErr)
		}
	})
}
