package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/batonhq/baton/internal/golden"
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
			golden.Check(t, "testdata/"+name+".html", []byte(body))
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
