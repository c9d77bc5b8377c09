package web_test

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/daemon"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/web"
)

var screenshots = flag.Bool("screenshots", false, "write screenshots of the overview, graph and team pages to docs/img/")

// xssTitle is the title of an issue added to the simulated org: on every
// page it must show as text and run nothing.
const xssTitle = `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'"> Refund export`

// dashboard is `baton serve`'s daemon on a simulated org, synced and
// analysed, serving on a loopback port.
type dashboard struct {
	url   string
	org   *apisim.Org
	cycle []string // keys of the planted cross-team cycle of three teams
	xss   string   // key of the issue with xssTitle
}

func serveDashboard(t *testing.T, xss bool) *dashboard {
	t.Helper()
	spec := apisim.DemoSpec()
	spec.Issues = 200
	org, err := apisim.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	repos := org.Repos()
	n := 0
	if xss {
		if n, err = org.GitHub.AddIssue(repos[0], githubsim.Issue{Title: xssTitle, User: "mallory",
			BlockedBy: []githubsim.IssueRef{{Repo: repos[1], Number: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	gh, jira := httptest.NewServer(org.GitHubHandler()), httptest.NewServer(org.JiraHandler())
	t.Cleanup(gh.Close)
	t.Cleanup(jira.Close)
	path, err := org.WriteConfig(t.TempDir(), gh.URL+"/", jira.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	d, err := daemon.Open(ctx, cfg, daemon.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for src, err := range d.SyncOnce(ctx, 2, nil) {
		t.Fatalf("syncing %s: %v", src, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- d.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	db := &dashboard{url: "http://" + ln.Addr().String(), org: org, xss: "github:" + strings.ToLower(repos[0]) + "#" + strconv.Itoa(n)}
	for _, c := range org.Planted() {
		if c.Rule == analysis.RuleCycle && !c.NearMiss && len(c.Related) == 2 {
			db.cycle = append([]string{c.Issue}, c.Related...)
		}
	}
	if db.cycle == nil {
		t.Fatal("the simulated org has no planted cross-team cycle of three issues")
	}
	return db
}

// browser starts headless Chromium (a failure under CI=true when it is not
// installed, a skip elsewhere) and collects what its pages log as errors:
// exceptions, console.error, and the browser's own log (a refused style or
// script, a failed load).
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := testtool.Find(t, "chromium", "install it with: apt-get install -y chromium (Debian)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	b := &browser{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				msg = "console.error"
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				msg = string(ev.Entry.Source) + ": " + ev.Entry.Text + " " + ev.Entry.URL
			}
		}
		if msg != "" {
			b.mu.Lock()
			b.errors = append(b.errors, msg)
			b.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// do runs steps in the browser's tab.
func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// run runs one action that returns a value in the browser's tab.
func run[T any](t *testing.T, b *browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads path of the dashboard, waits for its main content, and fails
// the test on any error the page logged.
func (b *browser) open(t *testing.T, d *dashboard, path string) {
	t.Helper()
	b.do(t, "opening "+path, chromedp.Navigate(d.url+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.checkErrors(t, path)
}

func (b *browser) checkErrors(t *testing.T, where string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("%s: the browser logged an error: %s", where, e)
	}
	b.errors = nil
}

// follow clicks the link or button sel and waits for the page it loads.
func (b *browser) follow(t *testing.T, what string, sel string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	b.checkErrors(t, what)
}

// path is the path of the page the tab shows.
func (b *browser) path(t *testing.T) string {
	t.Helper()
	return run(t, b, "reading the location", chromedp.Evaluate[string](`location.pathname + location.search`))
}

func TestDashboardInABrowser(t *testing.T) {
	b := newBrowser(t)
	d := serveDashboard(t, true)
	t.Run("every page loads without errors", func(t *testing.T) {
		team := d.org.Teams()[0].Name
		for _, path := range []string{"/", "/graph", "/graph?findings=1&all=1", "/findings", "/findings?severity=critical",
			"/teams/" + team, web.IssueURL(d.cycle[0])} {
			b.open(t, d, path)
			if h1 := run(t, b, "reading the heading of "+path, chromedp.Text(chromedp.CSS("main h1"))); h1 == "Not found" {
				t.Errorf("%s: not found", path)
			}
		}
	})
	t.Run("the graph draws the planted cycle with its edges marked", func(t *testing.T) {
		b.open(t, d, "/graph")
		nodes := run(t, b, "reading the graph's nodes", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("main svg g.node title")].map(t => t.textContent)`))
		for _, k := range d.cycle {
			if !slices.Contains(nodes, k) {
				t.Errorf("the graph has no node %s of the planted cycle; nodes: %v", k, nodes)
			}
		}
		marked := run(t, b, "reading the graph's marked edges", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("main svg g.edge.cycle")].map(e => e.querySelector("title").textContent)`))
		for i, from := range d.cycle {
			for _, to := range d.cycle[i+1:] {
				if !slices.Contains(marked, from+"->"+to) && !slices.Contains(marked, to+"->"+from) {
					t.Errorf("no edge marked cycle between %s and %s; marked: %v", from, to, marked)
				}
			}
		}
		red := run(t, b, "reading an edge's colour", chromedp.Evaluate[string](
			`document.querySelector("main svg g.edge.cycle path").getAttribute("stroke")`))
		if red != "#b91c1c" {
			t.Errorf("a cycle edge is drawn %s, want red #b91c1c", red)
		}
	})
	t.Run("links lead from the overview to a team, an issue and its blocker", func(t *testing.T) {
		b.open(t, d, "/")
		b.follow(t, "following the first team card", "a.card")
		team := b.path(t)
		if !strings.HasPrefix(team, "/teams/") {
			t.Fatalf("the team card led to %s", team)
		}
		b.follow(t, "following a waiting issue", "ul.deps li a.key")
		issue := b.path(t)
		if !strings.HasPrefix(issue, "/issues/") {
			t.Fatalf("the team page's first dependency led to %s", issue)
		}
		b.follow(t, "following the issue's blocker", "#waits-on tr:has(td:nth-child(2) a) a.key")
		if blocker := b.path(t); blocker == issue || !strings.HasPrefix(blocker, "/issues/") {
			t.Fatalf("the blocker link of %s led to %s", issue, blocker)
		}
		b.follow(t, "following the blocker's team", "main a.team")
		if other := b.path(t); !strings.HasPrefix(other, "/teams/") {
			t.Errorf("the blocker's team link led to %s", other)
		}
	})
	t.Run("a team filter narrows the findings", func(t *testing.T) {
		b.open(t, d, "/findings")
		all := run(t, b, "counting findings", chromedp.Evaluate[int](`document.querySelectorAll("table.findings tbody tr").length`))
		team := d.org.Teams()[1].Name
		b.do(t, "choosing team "+team, chromedp.SetValue(chromedp.CSS(`select[name="team"]`), team))
		b.follow(t, "filtering by team "+team, `form.filters button`)
		if got := b.path(t); !strings.Contains(got, "team="+team) {
			t.Fatalf("the filter form led to %s", got)
		}
		teams := run(t, b, "reading the rows' teams", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("table.findings tbody tr td:nth-child(4) > a")].map(a => a.textContent)`))
		if len(teams) == 0 || len(teams) >= all {
			t.Errorf("filtering by %s kept %d of %d findings, want fewer and some", team, len(teams), all)
		}
		for _, got := range teams {
			if got != team {
				t.Errorf("a row of team %s is left after filtering by %s", got, team)
			}
		}
	})
	t.Run("a script in a title renders inert", func(t *testing.T) {
		for _, path := range []string{web.IssueURL(d.xss), "/findings", "/graph?all=1", "/"} {
			b.open(t, d, path)
			title := run(t, b, "reading the document title", chromedp.Title())
			if title == "pwned" {
				t.Errorf("%s: the title's script ran", path)
			}
			scripts := run(t, b, "counting scripts", chromedp.Evaluate[int](`document.querySelectorAll("script, main img").length`))
			if scripts != 0 {
				t.Errorf("%s: %d script or img elements, want none: the title became markup", path, scripts)
			}
		}
		b.open(t, d, web.IssueURL(d.xss))
		if h1 := run(t, b, "reading the heading", chromedp.Text(chromedp.CSS("main h1"))); !strings.Contains(h1, `<script>document.title="pwned"</script>`) {
			t.Errorf("the issue's heading is %q, want its title shown as text", h1)
		}
	})
	if *screenshots { // of an org without the XSS title, for the README
		clean := serveDashboard(t, false)
		for name, path := range map[string]string{"overview": "/", "graph": "/graph", "team": "/teams/" + clean.org.Teams()[0].Name} {
			b.open(t, clean, path)
			png := run(t, b, "taking a screenshot of "+path, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join("..", "docs", "img", "dashboard-"+name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
