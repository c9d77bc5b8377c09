package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/golden"
	"github.com/batonhq/baton/rollup"
)

// pages are the dashboard's pages on the fixture org, by golden file.
var pages = map[string]string{
	"overview":          "/",
	"graph":             "/graph",
	"graph-payments":    "/graph?team=payments&all=1",
	"findings":          "/findings",
	"findings-core":     "/findings?team=core&kind=misaligned",
	"team":              "/teams/payments",
	"issue":             "/issues/jira:PAY-2",
	"issue-github":      "/issues/github:acme/core%233",
	"issue-placeholder": "/issues/github:vendor/sdk%231",
}

func TestPagesMatchTheirGoldenFiles(t *testing.T) {
	h := fixtureSite(fixtureReport())
	for name, path := range pages {
		t.Run(name, func(t *testing.T) {
			code, body := get(t, h, path)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200:\n%s", path, code, body)
			}
			golden.Check(t, "testdata/"+name+".html.golden", []byte(body))
		})
	}
}

func TestEveryTrackerTextIsEscaped(t *testing.T) {
	h := fixtureSite(fixtureReport())
	for name, path := range pages {
		_, body := get(t, h, path)
		if strings.Contains(body, "<script>alert") {
			t.Errorf("%s (%s) has the title's <script> as markup", name, path)
		}
	}
	for _, path := range []string{"/issues/jira:PAY-2", "/findings", "/teams/payments", "/graph"} {
		if _, body := get(t, h, path); !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/") {
			t.Errorf("%s does not show the title's <script> as text", path)
		}
	}
}

func TestUnknownTeamsAndIssuesAreNotFound(t *testing.T) {
	h := fixtureSite(fixtureReport())
	for _, path := range []string{"/teams/nobody", "/issues/jira:NOPE-1", "/graph?team=nobody", "/nowhere"} {
		if code, _ := get(t, h, path); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
}

func TestTheDashboardIsReadOnly(t *testing.T) {
	h := fixtureSite(fixtureReport())
	for _, path := range []string{"/", "/graph", "/findings", "/teams/core", "/issues/jira:PAY-1"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("x=1")))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s = %d, want 405", path, rec.Code)
		}
	}
}

func TestBeforeTheFirstAnalysisPagesSayTheyAreWaiting(t *testing.T) {
	h := fixtureSite(nil)
	code, body := get(t, h, "/teams/core")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Waiting for the first analysis") {
		t.Errorf("GET /teams/core = %d, want 503 and the waiting page:\n%s", code, body)
	}
}

func TestTheStylesheetIsEmbedded(t *testing.T) {
	code, body := get(t, fixtureSite(fixtureReport()), "/static/style.css")
	if code != http.StatusOK || !strings.Contains(body, "#0b5cad") {
		t.Errorf("GET /static/style.css = %d, want 200 and the rollup's palette", code)
	}
}

func TestCardsShowTheChangeSinceTheLatestRollup(t *testing.T) {
	// payments sent its own rollup; core only appears in the org's; platform in neither.
	last := map[string]*rollup.Stats{
		rollup.TeamGroup("payments"): {Counts: rollup.Counts{Open: 5, Stalled: 0, Misaligned: 1}},
		rollup.OrgGroup: {Teams: map[string]rollup.Counts{
			"payments": {Open: 9}, // the team's own rollup wins
			"core":     {Open: 1, Stalled: 2},
		}},
	}
	h := fixtureSiteSince(fixtureReport(), last)
	_, body := get(t, h, "/")
	for team, want := range map[string]string{
		"payments": `<dt>open</dt><dd>2<span class="delta">-3</span></dd>`,
		"core":     `<dt>stalled</dt><dd>0<span class="delta">-2</span></dd>`,
		"platform": `<dt>open</dt><dd>2</dd>`,
	} {
		card := cardOf(body, team)
		if !strings.Contains(card, want) {
			t.Errorf("the card of %s has no %s:\n%s", team, want, card)
		}
	}
	if _, body := get(t, h, "/teams/payments"); !strings.Contains(body, `<div class="value">2<span class="delta">-3</span></div><div class="label">open</div>`) {
		t.Errorf("the team page's headline shows no change since its rollup:\n%s", body)
	}
}

// cardOf is the overview's card of team.
func cardOf(body, team string) string {
	_, card, _ := strings.Cut(body, `<a class="card" href="/teams/`+team+`">`)
	card, _, _ = strings.Cut(card, "</a>")
	return card
}

func TestPagesForbidScriptsAndFraming(t *testing.T) {
	rec := httptest.NewRecorder()
	fixtureSite(fixtureReport()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/issues/jira:PAY-2", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q has no %s", csp, want)
		}
	}
}

func TestIndexIndexesTheSnapshotBeforeAnyPageView(t *testing.T) {
	r := fixtureReport()
	s := New(Options{Report: func() *analysis.Report { return r }})
	s.Index()
	if s.cur == nil || s.cur.r != r {
		t.Error("Index left the published snapshot to the first page view")
	}
}

func TestAPageThatFailsSaysSoWith500(t *testing.T) {
	r := fixtureReport()
	s := New(Options{Report: func() *analysis.Report { return r }, Logger: slog.New(slog.DiscardHandler)})
	h := s.serve("graph", func(*view, frame, *http.Request) (any, error) { return nil, errors.New("laying out the graph: boom") })
	code, body := get(t, h, "/graph")
	if code != http.StatusInternalServerError || !strings.Contains(body, "laying out the graph: boom. The log has the details.") {
		t.Errorf("a failing page = %d:\n%s", code, body)
	}
}
