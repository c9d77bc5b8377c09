package jirasim

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) // 10:00 in Los Angeles

// newSim starts a simulator with n issues in project PAY, updated one minute
// apart from t0, and returns it with its server.
func newSim(t *testing.T, deployment string, n int, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	opts.Deployment, opts.Email, opts.Token = deployment, "bot@example.com", "secret-token"
	sim, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	sim.AddUser(User{AccountID: "u1", DisplayName: "Ada", Email: "ada@example.com"})
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Minute)
		if _, err := sim.AddIssue(Issue{Project: "PAY", Summary: fmt.Sprint("issue ", i+1), Status: "In Progress",
			Priority: "High", Assignee: "u1", Created: at, Updated: at}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

// get performs an authenticated GET and decodes the JSON answer into out.
func get(t testing.TB, sim *Server, srv *httptest.Server, path string, out any) int {
	t.Helper()
	return do(t, sim, srv, http.MethodGet, path, "", out)
}

func do(t testing.TB, sim *Server, srv *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if sim.opts.Deployment == Cloud {
		req.SetBasicAuth(sim.opts.Email, sim.opts.Token)
	} else {
		req.Header.Set("Authorization", "Bearer "+sim.opts.Token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decoding %q: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

type errorBody struct {
	ErrorMessages []string `json:"errorMessages"`
}

type jqlPage struct {
	Issues []struct {
		ID     string         `json:"id"`
		Key    string         `json:"key"`
		Fields map[string]any `json:"fields"`
	} `json:"issues"`
	IsLast        bool   `json:"isLast"`
	NextPageToken string `json:"nextPageToken"`
	Total         *int   `json:"total"`
}

func q(jql string, extra ...string) string {
	v := url.Values{"jql": {jql}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return v.Encode()
}

func TestCloudLegacySearchIsGone(t *testing.T) {
	sim, srv := newSim(t, Cloud, 1, Options{})
	for _, p := range []string{"/rest/api/2/search?", "/rest/api/3/search?"} {
		var e errorBody
		if code := get(t, sim, srv, p+q("project = PAY"), &e); code != http.StatusGone {
			t.Fatalf("%s: got %d, want 410", p, code)
		}
		if len(e.ErrorMessages) != 1 || !strings.HasPrefix(e.ErrorMessages[0], "The requested API has been removed") {
			t.Errorf("%s: got %q", p, e.ErrorMessages)
		}
	}
}

func TestDataCenterHasNoEnhancedSearch(t *testing.T) {
	sim, srv := newSim(t, DataCenter, 1, Options{})
	if code := get(t, sim, srv, "/rest/api/2/search/jql?"+q("project = PAY"), nil); code != http.StatusNotFound {
		t.Fatalf("got %d, want 404", code)
	}
}

func TestCloudSearchPagesAreCappedAndIDOnlyByDefault(t *testing.T) {
	sim, srv := newSim(t, Cloud, 120, Options{})
	var p jqlPage
	get(t, sim, srv, "/rest/api/2/search/jql?"+q("project = PAY", "maxResults", "500", "fields", "summary"), &p)
	if len(p.Issues) != 50 || p.IsLast || p.NextPageToken == "" || p.Total != nil {
		t.Fatalf("got %d issues, isLast %v, token %q, total %v; want 50, false, a token, no total", len(p.Issues), p.IsLast, p.NextPageToken, p.Total)
	}
	var ids jqlPage
	get(t, sim, srv, "/rest/api/2/search/jql?"+q("project = PAY"), &ids)
	if first := ids.Issues[0]; first.Key != "" || first.Fields != nil || first.ID == "" {
		t.Errorf("default fields: got %+v, want the id only", first)
	}
	var keysOnly jqlPage
	get(t, sim, srv, "/rest/api/2/search/jql?"+q("project = PAY", "fields", "key", "maxResults", "5000"), &keysOnly)
	if len(keysOnly.Issues) != 120 || !keysOnly.IsLast {
		t.Errorf("keys only: got %d issues, isLast %v; want all 120 in one page", len(keysOnly.Issues), keysOnly.IsLast)
	}
	var keys []string
	token := ""
	for {
		var p jqlPage
		get(t, sim, srv, "/rest/api/2/search/jql?"+q("project = PAY ORDER BY updated ASC, key ASC", "fields", "summary", "nextPageToken", token), &p)
		for _, is := range p.Issues {
			keys = append(keys, is.Key)
		}
		if p.IsLast {
			break
		}
		token = p.NextPageToken
	}
	if len(keys) != 120 || keys[0] != "PAY-1" || keys[119] != "PAY-120" {
		t.Errorf("got %d keys from %s to %s, want PAY-1 … PAY-120", len(keys), keys[0], keys[len(keys)-1])
	}
}

func TestDataCenterSearchPagesByStartAtWithTotal(t *testing.T) {
	sim, srv := newSim(t, DataCenter, 30, Options{PageCap: 20})
	var p struct {
		StartAt, MaxResults, Total int
		Issues                     []map[string]any
	}
	get(t, sim, srv, "/rest/api/2/search?"+q("project = PAY", "startAt", "20", "maxResults", "100"), &p)
	if p.StartAt != 20 || p.MaxResults != 20 || p.Total != 30 || len(p.Issues) != 10 {
		t.Errorf("got startAt %d maxResults %d total %d issues %d; want 20 20 30 10", p.StartAt, p.MaxResults, p.Total, len(p.Issues))
	}
}

func TestJQLDatesAreReadInTheAccountZone(t *testing.T) {
	// Issues updated 18:00, 18:01, 18:02 UTC = 10:00, 10:01, 10:02 in Los Angeles.
	sim, srv := newSim(t, Cloud, 3, Options{})
	count := func(date string) int {
		var p jqlPage
		if code := get(t, sim, srv, "/rest/api/2/search/jql?"+q(`project = PAY AND updated >= "`+date+`"`, "fields", "key"), &p); code != 200 {
			t.Fatalf("%s: HTTP %d", date, code)
		}
		return len(p.Issues)
	}
	for date, want := range map[string]int{
		"2026/11/20 10:01": 2, // account-zone minutes
		"2026-11-20 10:02": 1,
		"2026/11/20 18:01": 0, // the UTC wall clock means 18:01 in Los Angeles: nothing
		"2026-11-20":       3,
	} {
		if got := count(date); got != want {
			t.Errorf("updated >= %q: got %d issues, want %d", date, got, want)
		}
	}
}

func TestUnsupportedOrUnboundedJQLIsRejected(t *testing.T) {
	sim, srv := newSim(t, Cloud, 1, Options{})
	for jql, want := range map[string]string{
		"ORDER BY updated ASC":                "Unbounded JQL queries are not allowed here",
		"project = PAY OR project = X":        "Error in the JQL Query",
		"assignee = currentUser()":            "Field 'assignee' does not exist",
		"project = NOPE":                      "The value 'NOPE' does not exist for the field 'project'",
		`project = PAY AND updated >= "soon"`: "Date value 'soon' for field 'updated' is invalid",
	} {
		var e errorBody
		code := get(t, sim, srv, "/rest/api/2/search/jql?"+q(jql, "fields", "key"), &e)
		if code != http.StatusBadRequest || len(e.ErrorMessages) == 0 || !strings.Contains(e.ErrorMessages[0], want) {
			t.Errorf("%q: got %d %q, want 400 containing %q", jql, code, e.ErrorMessages, want)
		}
	}
}

func TestUnauthenticatedRequestsGet401(t *testing.T) {
	rejected := map[string]func(*http.Request){
		"no credentials": func(*http.Request) {},
		"wrong basic":    func(r *http.Request) { r.SetBasicAuth("bot@example.com", "wrong") },
		"wrong bearer":   func(r *http.Request) { r.Header.Set("Authorization", "Bearer wrong") },
	}
	for _, dep := range []string{Cloud, DataCenter} {
		_, srv := newSim(t, dep, 1, Options{})
		cases := maps.Clone(rejected)
		if dep == Cloud { // Cloud takes an API token only as Basic auth.
			cases["token as bearer"] = func(r *http.Request) { r.Header.Set("Authorization", "Bearer secret-token") }
		} else { // Data Center's basic auth is a login: the username must match.
			cases["token as another user's password"] = func(r *http.Request) { r.SetBasicAuth("someone-else", "secret-token") }
		}
		for name, set := range cases {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/rest/api/2/myself", nil)
			set(req)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s, %s: got %d, want 401", dep, name, resp.StatusCode)
			}
		}
	}
}

func TestMyselfReportsTheAccountZone(t *testing.T) {
	sim, srv := newSim(t, Cloud, 0, Options{TimeZone: "Asia/Kolkata"})
	var me struct{ TimeZone, AccountID string }
	get(t, sim, srv, "/rest/api/2/myself", &me)
	if me.TimeZone != "Asia/Kolkata" || me.AccountID == "" {
		t.Errorf("got %+v", me)
	}
}

func historiesOf(t *testing.T, sim *Server, key string, n int) {
	t.Helper()
	for i := range n {
		sim.Advance(time.Minute)
		if err := sim.Edit(key, "summary", fmt.Sprint("edit ", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// changelogSearch is the part of a search with expand=changelog these tests
// read.
type changelogSearch struct {
	Issues []struct {
		Changelog struct {
			Total     int
			Histories []struct{ ID string }
		}
	}
}

func TestDataCenterEmbedsTheWholeChangelogAndHasNoPagedOne(t *testing.T) {
	sim, srv := newSim(t, DataCenter, 1, Options{})
	historiesOf(t, sim, "PAY-1", 45)
	var p changelogSearch
	get(t, sim, srv, "/rest/api/2/search?jql=key%20%3D%20PAY-1&fields=summary&expand=changelog", &p)
	if len(p.Issues) != 1 || len(p.Issues[0].Changelog.Histories) != 45 || p.Issues[0].Changelog.Total != 45 {
		t.Fatalf("embedded: got %+v, want one issue with all 45 histories", p.Issues)
	}
	var e struct{ Message string }
	if code := get(t, sim, srv, "/rest/api/2/issue/PAY-1/changelog?startAt=0", &e); code != http.StatusNotFound {
		t.Errorf("per-issue changelog on Data Center: got HTTP %d, want 404", code)
	}
	if !strings.HasPrefix(e.Message, "null for uri: ") {
		t.Errorf("got message %q, want Jersey's \"null for uri: …\"", e.Message)
	}
}

func TestEmbeddedChangelogIsSilentlyTruncatedButEndpointsAreComplete(t *testing.T) {
	sim, srv := newSim(t, Cloud, 2, Options{BulkChangelogCap: 30})
	historiesOf(t, sim, "PAY-1", 45)
	historiesOf(t, sim, "PAY-2", 5)

	var p changelogSearch
	get(t, sim, srv, "/rest/api/2/search/jql?"+q("key = PAY-1", "fields", "summary", "expand", "changelog"), &p)
	cl := p.Issues[0].Changelog
	if len(cl.Histories) != 40 || cl.Total != 40 {
		t.Errorf("embedded: got %d histories, total %d; want 40 and 40 (no sign of the 5 missing)", len(cl.Histories), cl.Total)
	}

	var page struct {
		Total  int
		IsLast bool
		Values []struct{ ID string }
	}
	get(t, sim, srv, "/rest/api/2/issue/PAY-1/changelog?startAt=40&maxResults=100", &page)
	if page.Total != 45 || len(page.Values) != 5 || !page.IsLast {
		t.Errorf("per-issue changelog: got total %d, %d values, isLast %v; want 45, 5, true", page.Total, len(page.Values), page.IsLast)
	}

	got := map[string]int{}
	token := ""
	for pages := 0; ; pages++ {
		var bulk struct {
			IssueChangeLogs []struct {
				IssueID         string
				ChangeHistories []struct{ ID string }
			}
			NextPageToken string
		}
		body := fmt.Sprintf(`{"issueIdsOrKeys":["PAY-1","PAY-2"],"nextPageToken":%q}`, token)
		if code := do(t, sim, srv, http.MethodPost, "/rest/api/3/changelog/bulkfetch", body, &bulk); code != 200 {
			t.Fatalf("bulkfetch: HTTP %d", code)
		}
		for _, l := range bulk.IssueChangeLogs {
			got[l.IssueID] += len(l.ChangeHistories)
		}
		if bulk.NextPageToken == "" {
			if pages != 1 {
				t.Errorf("bulkfetch: got %d pages, want 2 with a cap of 30", pages+1)
			}
			break
		}
		token = bulk.NextPageToken
	}
	if diff := cmp.Diff(map[string]int{"10001": 45, "10002": 5}, got); diff != "" {
		t.Errorf("bulkfetch histories per issue (-want +got):\n%s", diff)
	}
}

func TestLinksShowOnBothIssuesFromEachSide(t *testing.T) {
	sim, srv := newSim(t, Cloud, 2, Options{})
	if _, err := sim.AddLink(LinkBlocks, "PAY-1", "PAY-2"); err != nil {
		t.Fatal(err)
	}
	side := func(key string) (string, string) {
		var is struct {
			Fields struct {
				IssueLinks []struct {
					Type         struct{ Name string }
					InwardIssue  *struct{ Key string }
					OutwardIssue *struct{ Key string }
				}
			}
		}
		get(t, sim, srv, "/rest/api/2/issue/"+key+"?fields=issuelinks", &is)
		if len(is.Fields.IssueLinks) != 1 {
			t.Fatalf("%s: got %d links, want 1", key, len(is.Fields.IssueLinks))
		}
		l := is.Fields.IssueLinks[0]
		if (l.InwardIssue == nil) == (l.OutwardIssue == nil) {
			t.Fatalf("%s: want exactly one of inwardIssue/outwardIssue", key)
		}
		if l.InwardIssue != nil {
			return "inward", l.InwardIssue.Key
		}
		return "outward", l.OutwardIssue.Key
	}
	if s, k := side("PAY-1"); s != "outward" || k != "PAY-2" {
		t.Errorf("PAY-1 (the blocker): got %s %s, want outward PAY-2", s, k)
	}
	if s, k := side("PAY-2"); s != "inward" || k != "PAY-1" {
		t.Errorf("PAY-2 (blocked): got %s %s, want inward PAY-1", s, k)
	}
}

func TestMutationsBumpUpdatedAndWriteHistories(t *testing.T) {
	sim, srv := newSim(t, Cloud, 1, Options{Now: t0.Add(time.Hour)})
	body := `[{"op":"transition","key":"PAY-1","status":"Blocked"},{"op":"advance","duration":"1m"},
		{"op":"resolve","key":"PAY-1","status":"Done","resolution":"Won't Do"},{"op":"comment","key":"PAY-1","author":"u1","value":"hi"}]`
	if code := do(t, sim, srv, http.MethodPost, "/_sim/mutate", body, nil); code != 200 {
		t.Fatalf("mutate: HTTP %d", code)
	}
	is, _ := sim.Issue("PAY-1")
	want := t0.Add(time.Hour + time.Minute)
	if !is.Updated.Equal(want) || is.Status != "Done" || is.Resolution != "Won't Do" || len(is.Histories) != 2 || len(is.Comments) != 1 {
		t.Errorf("got updated %s status %s resolution %s, %d histories, %d comments; want %s Done Won't Do 2 1",
			is.Updated, is.Status, is.Resolution, len(is.Histories), len(is.Comments), want)
	}
	if err := sim.Delete("PAY-1"); err != nil {
		t.Fatal(err)
	}
	if code := get(t, sim, srv, "/rest/api/2/issue/PAY-1", nil); code != http.StatusNotFound {
		t.Errorf("deleted issue: got %d, want 404", code)
	}
}

func TestFaultsAreServedOnDemandAndCounted(t *testing.T) {
	sim, srv := newSim(t, Cloud, 3, Options{})
	sim.InjectFault(Fault{Endpoint: EndpointSearchJQL, Status: 429, RetryAfter: 7})
	sim.InjectFault(Fault{Endpoint: EndpointSearchJQL, Status: 502})
	sim.InjectFault(Fault{Endpoint: EndpointSearchJQL, Truncate: true})
	sim.InjectFault(Fault{Endpoint: EndpointSearchJQL, Delay: time.Millisecond}) // slow, then a normal answer
	path := srv.URL + "/rest/api/2/search/jql?" + q("project = PAY", "fields", "key")
	var got []string
	for range 5 {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		req.SetBasicAuth(sim.opts.Email, sim.opts.Token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = append(got, fmt.Sprintf("%d retry=%q valid=%v", resp.StatusCode, resp.Header.Get("Retry-After"), json.Valid(b)))
	}
	want := []string{`429 retry="7" valid=true`, `502 retry="" valid=true`, `200 retry="" valid=false`, `200 retry="" valid=true`, `200 retry="" valid=true`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
	if n := sim.Requests()[EndpointSearchJQL]; n != 5 {
		t.Errorf("search_jql counter: got %d, want 5", n)
	}
}

func TestSprintFieldIsDiscoverableBySchemaOnly(t *testing.T) {
	sim, srv := newSim(t, Cloud, 0, Options{SprintField: "customfield_10777"})
	var fields []struct {
		ID     string
		Name   string
		Schema struct{ Custom string }
	}
	get(t, sim, srv, "/rest/api/2/field", &fields)
	var named, bySchema []string
	for _, f := range fields {
		if f.Name == "Sprint" {
			named = append(named, f.ID)
		}
		if f.Schema.Custom == "com.pyxis.greenhopper.jira:gh-sprint" {
			bySchema = append(bySchema, f.ID)
		}
	}
	if len(named) != 2 || len(bySchema) != 1 || bySchema[0] != "customfield_10777" {
		t.Errorf("got fields named Sprint %v, by schema %v; want two named, one by schema: customfield_10777", named, bySchema)
	}
}
