package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var secret = []byte("It's a Secret to Everybody")

func sign(h func() hash.Hash, prefix string, body []byte) string {
	m := hmac.New(h, secret)
	m.Write(body)
	return prefix + hex.EncodeToString(m.Sum(nil))
}

type recorder struct{ results []string }

func newTestHandler(t *testing.T, queue int) (*Handler, chan Hint, *recorder) {
	t.Helper()
	q := make(chan Hint, queue)
	rec := &recorder{}
	eps := map[string]Endpoint{"gh": {Kind: GitHub, Secret: secret}, "jr": {Kind: Jira, Secret: secret}}
	h := NewHandler(func(s string) (Endpoint, bool) { e, ok := eps[s]; return e, ok }, q,
		func(source, event, result string) { rec.results = append(rec.results, source+"/"+event+"/"+result) }, nil)
	return h, q, rec
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// github posts body as GitHub would, signed with sig (none when "").
func github(t *testing.T, h http.Handler, event, delivery, sig string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hooks/github/gh", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", delivery)
	if sig != "" {
		r.Header.Set("X-Hub-Signature-256", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestGitHubSignatureIsVerifiedBeforeAnythingIsQueued(t *testing.T) {
	body := fixture(t, "github/issues.edited.json")
	for _, c := range []struct {
		name   string
		header string
		sig    string
		want   int
	}{
		{"good", "X-Hub-Signature-256", sign(sha256.New, "sha256=", body), http.StatusAccepted},
		{"bad", "X-Hub-Signature-256", sign(sha256.New, "sha256=", append(slices.Clone(body), ' ')), http.StatusUnauthorized},
		{"missing", "", "", http.StatusUnauthorized},
		{"sha1 in the sha256 header", "X-Hub-Signature-256", sign(sha1.New, "sha1=", body), http.StatusUnauthorized},
		{"legacy sha1 header only", "X-Hub-Signature", sign(sha1.New, "sha1=", body), http.StatusUnauthorized},
		{"not hex", "X-Hub-Signature-256", "sha256=zz", http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, q, _ := newTestHandler(t, 1)
			r := httptest.NewRequest(http.MethodPost, "/hooks/github/gh", bytes.NewReader(body))
			r.Header.Set("X-GitHub-Event", "issues")
			if c.header != "" {
				r.Header.Set(c.header, c.sig)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d", w.Code, c.want)
			}
			if queued := len(q) == 1; queued != (c.want == http.StatusAccepted) {
				t.Errorf("queued %v, want %v", queued, !queued)
			}
		})
	}
}

func TestEachGitHubEventNamesTheIssuesThatHoldWhatChanged(t *testing.T) {
	for _, c := range []struct {
		event, file string
		want        []string
	}{
		{"issues", "issues.edited.json", []string{"github:codertocat/hello-world#1"}},
		{"issues", "issues.deleted.json", []string{"github:codertocat/hello-world#1"}},
		{"issue_comment", "issue_comment.created.json", []string{"github:codertocat/hello-world#1"}},
		{"issue_comment", "issue_comment.pull_request.json", nil},
		{"sub_issues", "sub_issues.sub_issue_added.json", []string{"github:codertocat/hello-world#2", "github:codertocat/hello-world#3"}},
		{"issue_dependencies", "issue_dependencies.blocked_by_added.json", []string{"github:codertocat/hello-world#5"}},
		{"issue_dependencies", "issue_dependencies.blocking_added.json", []string{"github:codertocat/hello-world#5"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			h, err := githubEvents[c.event](fixture(t, "github/"+c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(h.Keys, c.want) || h.Label != nil {
				t.Errorf("keys %q label %v, want %q and none", h.Keys, h.Label, c.want)
			}
		})
	}
}

func TestANullPullRequestIsAnIssue(t *testing.T) {
	h, err := theIssue([]byte(`{"issue":{"number":3,"repository_url":"https://api.github.com/repos/o/r","pull_request":null}}`))
	if want := []string{"github:o/r#3"}; err != nil || !slices.Equal(h.Keys, want) {
		t.Errorf("keys %q, err %v; want %q", h.Keys, err, want)
	}
}

func TestALabelRenamedOrDeletedNamesItsOldNameAndANewOneNothing(t *testing.T) {
	want := &Label{Prefix: "github:codertocat/hello-world#", Name: "bug"}
	for _, c := range []struct {
		file string
		want *Label
	}{
		{"label.edited.json", want},
		{"label.deleted.json", want},
		{"label.created.json", nil},
	} {
		h, err := githubEvents["label"](fixture(t, "github/"+c.file))
		if err != nil {
			t.Fatal(err)
		}
		if (h.Label == nil) != (c.want == nil) || h.Label != nil && *h.Label != *c.want || len(h.Keys) > 0 {
			t.Errorf("%s: label %v keys %q, want %v and no keys", c.file, h.Label, h.Keys, c.want)
		}
	}
}

func TestJiraEventsNameTheirIssuesAndBothEndsOfALink(t *testing.T) {
	for _, c := range []struct {
		file, event string
		want        []string
	}{
		{"jira_issue_updated.json", "jira:issue_updated", []string{"jira:TEST-42"}},
		{"jira_issue_deleted.json", "jira:issue_deleted", []string{"jira:TEST-42"}},
		{"comment_created.json", "comment_created", []string{"jira:TEST-42"}},
		{"issuelink_created.json", "issuelink_created", []string{"jira:99291", "jira:99292"}},
		{"sprint_started.json", "sprint_started", nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			event, keys, err := jiraKeys(fixture(t, "jira/"+c.file))
			if err != nil {
				t.Fatal(err)
			}
			if event != c.event || !slices.Equal(keys, c.want) {
				t.Errorf("got %s %q, want %s %q", event, keys, c.event, c.want)
			}
		})
	}
}

func TestPingIsAnsweredAndQueuesNothing(t *testing.T) {
	h, q, rec := newTestHandler(t, 1)
	body := fixture(t, "github/ping.json")
	if w := github(t, h, "ping", "d-1", sign(sha256.New, "sha256=", body), body); w.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", w.Code)
	}
	if len(q) != 0 || !slices.Equal(rec.results, []string{"gh/ping/ignored"}) {
		t.Errorf("queued %d, counted %q", len(q), rec.results)
	}
}

func TestReplayedDeliveryIsIgnored(t *testing.T) {
	h, q, rec := newTestHandler(t, 4)
	body := fixture(t, "github/issues.edited.json")
	sig := sign(sha256.New, "sha256=", body)
	for range 2 {
		if w := github(t, h, "issues", "72d3162e-cc78-11e3-81ab-4c9367dc0958", sig, body); w.Code >= 300 {
			t.Fatalf("status %d", w.Code)
		}
	}
	if len(q) != 1 {
		t.Errorf("queued %d hints, want 1", len(q))
	}
	if want := []string{"gh/issues/accepted", "gh/issues/duplicate"}; !slices.Equal(rec.results, want) {
		t.Errorf("counted %q, want %q", rec.results, want)
	}
}

func TestFullQueueAnswers503WithRetryAfterAndTheRedeliveryIsTaken(t *testing.T) {
	h, q, _ := newTestHandler(t, 1)
	body := fixture(t, "github/issues.edited.json")
	sig := sign(sha256.New, "sha256=", body)
	github(t, h, "issues", "d-1", sig, body)
	w := github(t, h, "issues", "d-2", sig, body)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 503 with one", w.Code, w.Header().Get("Retry-After"))
	}
	<-q
	if w := github(t, h, "issues", "d-2", sig, body); w.Code != http.StatusAccepted {
		t.Errorf("redelivery after a 503: status %d, want 202", w.Code)
	}
}

func TestBodiesBeyondTheReadingBoundAnswer503(t *testing.T) {
	h, q, _ := newTestHandler(t, 1)
	for range maxReading {
		h.reading <- struct{}{} // bodies being read
	}
	body := fixture(t, "github/issues.edited.json")
	w := github(t, h, "issues", "d-1", sign(sha256.New, "sha256=", body), body)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || len(q) != 0 {
		t.Errorf("status %d Retry-After %q queued %d, want 503 with one and nothing queued", w.Code, w.Header().Get("Retry-After"), len(q))
	}
	<-h.reading
	if w := github(t, h, "issues", "d-1", sign(sha256.New, "sha256=", body), body); w.Code != http.StatusAccepted {
		t.Errorf("with a slot free: status %d, want 202", w.Code)
	}
}

func TestOversizeBodyIs413(t *testing.T) {
	h, _, _ := newTestHandler(t, 1)
	body := bytes.Repeat([]byte(" "), int(MaxJiraBody)+1)
	r := httptest.NewRequest(http.MethodPost, "/hooks/jira/jr", bytes.NewReader(body))
	r.Header.Set("X-Hub-Signature", sign(sha256.New, "sha256=", body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", w.Code)
	}
}

func TestRefusals(t *testing.T) {
	body := []byte(`{"webhookEvent": "jira:issue_updated", "issue": {`)
	signed := sign(sha256.New, "sha256=", body)
	for _, c := range []struct {
		name, method, path string
		want               int
	}{
		{"unknown source", http.MethodPost, "/hooks/jira/nope", http.StatusNotFound},
		{"source of the other kind", http.MethodPost, "/hooks/github/jr", http.StatusNotFound},
		{"other path", http.MethodPost, "/metrics", http.StatusNotFound},
		{"wrong method", http.MethodGet, "/hooks/jira/jr", http.StatusMethodNotAllowed},
		{"malformed JSON", http.MethodPost, "/hooks/jira/jr", http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, _, _ := newTestHandler(t, 1)
			r := httptest.NewRequest(c.method, c.path, bytes.NewReader(body))
			r.Header.Set("X-Hub-Signature", signed)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("status %d, want %d", w.Code, c.want)
			}
		})
	}
}

func TestJiraDataCenterTokenIsTheWeakerAlternative(t *testing.T) {
	body := fixture(t, "jira/jira_issue_updated.json")
	for _, c := range []struct {
		query string
		want  int
	}{
		{"?token=" + string(secret), http.StatusAccepted},
		{"?token=" + strings.ToUpper(string(secret)), http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
	} {
		h, _, _ := newTestHandler(t, 1)
		r := httptest.NewRequest(http.MethodPost, "/hooks/jira/jr"+strings.ReplaceAll(c.query, " ", "%20"), bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%q: status %d, want %d", c.query, w.Code, c.want)
		}
	}
}

func TestDeliveriesForgetTheOldestBeyondTheirBound(t *testing.T) {
	d := newDeliveries(2)
	d.add("a")
	d.add("b")
	d.add("c")
	if d.has("a") || !d.has("b") || !d.has("c") {
		t.Errorf("remembers a=%v b=%v c=%v, want false true true", d.has("a"), d.has("b"), d.has("c"))
	}
}

func TestHintCarriesTheReceiptTime(t *testing.T) {
	h, q, _ := newTestHandler(t, 1)
	at := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	h.Now = func() time.Time { return at }
	body := fixture(t, "github/issues.edited.json")
	github(t, h, "issues", "d-1", sign(sha256.New, "sha256=", body), body)
	if got := <-q; !got.Received.Equal(at) || got.Source != "gh" {
		t.Errorf("hint %+v, want source gh received %s", got, at)
	}
}

func TestABoardItemEventNamesTheBoardOfAnIssueOnly(t *testing.T) {
	h, err := githubEvents["projects_v2_item"](fixture(t, "github/projects_v2_item.edited.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := Board{NodeID: "PVT_kwDOBzHuSc4AAnYp", Owner: "Codertocat-Org"}
	if h.Board == nil || *h.Board != want || len(h.Keys) > 0 || h.Label != nil {
		t.Errorf("board %v keys %q label %v, want %v alone", h.Board, h.Keys, h.Label, want)
	}
	h, err = githubEvents["projects_v2_item"](fixture(t, "github/projects_v2_item.draft_issue.json"))
	if err != nil || h.Board != nil {
		t.Errorf("a draft issue's item: board %v err %v, want none", h.Board, err)
	}
}

func TestBoardEventsAreQueuedOnlyForTheOwnersOfConfiguredBoards(t *testing.T) {
	edited := fixture(t, "github/projects_v2_item.edited.json")
	draft := fixture(t, "github/projects_v2_item.draft_issue.json")
	for _, c := range []struct {
		name   string
		owners []string
		body   []byte
		want   string
	}{
		{"an issue's item on a configured owner's board", []string{"codertocat-org"}, edited, "gh/projects_v2_item/accepted"},
		{"no board configured", nil, edited, "gh/projects_v2_item/ignored"},
		{"another owner's board", []string{"acme"}, edited, "gh/projects_v2_item/ignored"},
		{"a draft issue's item", []string{"codertocat-org"}, draft, "gh/projects_v2_item/ignored"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, q, rec := newTestHandler(t, 1)
			ep := Endpoint{Kind: GitHub, Secret: secret, BoardOwners: c.owners}
			h.Endpoint = func(string) (Endpoint, bool) { return ep, true }
			w := github(t, h, "projects_v2_item", "d1", sign(sha256.New, "sha256=", c.body), c.body)
			if !slices.Equal(rec.results, []string{c.want}) {
				t.Fatalf("results %q, want %q", rec.results, c.want)
			}
			if queued := len(q) == 1; queued != (w.Code == http.StatusAccepted) {
				t.Errorf("status %d with %d queued", w.Code, len(q))
			}
		})
	}
}
