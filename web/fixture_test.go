package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/rollup"
)

// now is the fixed time the fixture org is analysed at.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

var rules = config.Rules{
	IdleAfter: config.Duration(7 * 24 * time.Hour), ChurnWindow: config.Duration(14 * 24 * time.Hour), ChurnEvents: 5,
	PriorityGap: 2, ScheduleHorizon: config.Duration(30 * 24 * time.Hour), DriftAfter: config.Duration(2 * 24 * time.Hour),
}

// fixtureTeams: payments owns Jira PAY, core acme/core, platform acme/platform.
func fixtureTeams() []config.Team {
	return []config.Team{
		{Team: model.Team{Name: "payments", JiraProjects: []string{"PAY"}}, Rules: rules},
		{Team: model.Team{Name: "core", GitHubRepos: []string{"acme/core"}}, Rules: rules},
		{Team: model.Team{Name: "platform", GitHubRepos: []string{"acme/platform"}}, Rules: rules},
	}
}

func fixtureIssue(key, title string, opts ...func(*model.Issue)) model.Issue {
	is := model.Issue{Key: key, Title: title, Status: model.StatusTodo, Assignees: []string{"alice"},
		Created: daysAgo(40), Updated: daysAgo(1)}
	if strings.HasPrefix(key, "jira:") {
		is.System, is.URL = model.Jira, "https://acme.atlassian.net/browse/"+strings.TrimPrefix(key, "jira:")
	} else {
		is.System = model.GitHub
		repo, n, _ := strings.Cut(strings.TrimPrefix(key, "github:"), "#")
		is.URL = "https://github.com/" + repo + "/issues/" + n
	}
	for _, o := range opts {
		o(&is)
	}
	return is
}

func blockedBy(blocker string) func(*model.Issue) {
	return func(is *model.Issue) {
		is.Links = append(is.Links, model.Link{From: blocker, To: is.Key, Type: model.Blocks, Origin: model.OriginTextReference})
	}
}

// fixtureReport is a small org: a cross-team cycle payments → core →
// platform → payments, an idle issue, a blocked one waiting on an issue
// outside the synced scope, a twin, a done blocker, and a title that tries
// to run a script.
func fixtureReport() *analysis.Report { return analysis.Analyze(fixtureInput()) }

// fixtureInput is what fixtureReport analyses.
func fixtureInput() analysis.Input {
	issues := []model.Issue{
		fixtureIssue("jira:PAY-1", "Settlement file v2", blockedBy("github:acme/platform#7")),
		fixtureIssue("github:acme/core#3", "Settlement events", blockedBy("jira:PAY-1")),
		fixtureIssue("github:acme/platform#7", "Settlement storage", blockedBy("github:acme/core#3")),
		fixtureIssue("jira:PAY-2", "Refund <script>alert(1)</script> & \"quotes\"", func(is *model.Issue) {
			is.Status, is.RawStatus, is.Priority, is.RawPriority = model.StatusBlocked, "Blocked", 1, "Highest"
			is.Labels = []string{"q4"}
		}, blockedBy("github:acme/core#9"), blockedBy("github:vendor/sdk#1")),
		fixtureIssue("github:acme/core#9", "Refund API", func(is *model.Issue) {
			is.Updated, is.Priority = daysAgo(20), 4
			is.Mirrors = []string{"jira:PAY-9"}
		}),
		fixtureIssue("github:acme/core#10", "Docs", func(is *model.Issue) {
			is.Status, is.Closed, is.Updated = model.StatusDone, daysAgo(2), daysAgo(2)
		}),
		fixtureIssue("github:acme/platform#8", "Cache nodes", func(is *model.Issue) {
			is.Status, is.StatusChanged, is.Assignees = model.StatusInProgress, daysAgo(3), nil
		}, blockedBy("github:acme/core#10")),
	}
	return analysis.Input{Issues: issues, Teams: fixtureTeams(), Rules: rules, Now: now, Location: time.UTC}
}

// fixtureSources are two sources, one of them failing.
func fixtureSources() []SourceState {
	return []SourceState{
		{Name: "github", LastSuccess: now.Add(-3 * time.Minute)},
		{Name: "jira", LastSuccess: now.Add(-2 * time.Hour), Failing: true, LastError: "listing issues: 503 Service Unavailable"},
	}
}

// fixtureSite serves the dashboard of r, as if no rollup was sent yet.
func fixtureSite(r *analysis.Report) http.Handler { return fixtureSiteSince(r, nil) }

// fixtureSiteSince serves the dashboard of r after rollups that reported
// last.
func fixtureSiteSince(r *analysis.Report, last map[string]*rollup.Stats) http.Handler {
	s := New(Options{
		Report:      func() *analysis.Report { return r },
		Sources:     fixtureSources,
		LastRollups: func() map[string]*rollup.Stats { return last },
		Now:         func() time.Time { return now.Add(5 * time.Minute) },
		Logger:      slog.New(slog.DiscardHandler),
	})
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

// get answers a GET of path as its status and body.
func get(t testing.TB, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}
