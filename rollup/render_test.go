package rollup

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// lastWeek is what payments' rollup of 2026-W47 reported.
var lastWeek = &Stats{Counts: Counts{Done: 0, Started: 1, Open: 4, Stalled: 1, Misaligned: 0}}

func digest(t *testing.T, r *analysis.Report, team string, prev *Stats) *Digest {
	t.Helper()
	g, err := FindGroup(testConfig(), team)
	if err != nil {
		t.Fatal(err)
	}
	return Compose(r, g, WeekOf(r.Now, r.Now.Location()), prev)
}

func render(t *testing.T, d *Digest, html bool) string {
	t.Helper()
	var b bytes.Buffer
	render := RenderText
	if html {
		render = RenderHTML
	}
	if err := render(&b, d); err != nil {
		t.Fatalf("rendering %s: %v", d.Group, err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, path, diff)
	}
}

func TestRenderMatchesGolden(t *testing.T) {
	cases := []struct {
		name string
		team string
		prev *Stats
	}{
		{"payments", "payments", lastWeek},
		{"org", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := digest(t, snapshot(), c.team, c.prev)
			golden(t, c.name+".txt", render(t, d, false))
			golden(t, c.name+".html", render(t, d, true))
		})
	}
}

func TestHTMLEscapesHostileTitles(t *testing.T) {
	r := snapshot()
	hostile := `<script>alert(1)</script>`
	for i := range r.Issues {
		r.Issues[i].Title = hostile
	}
	r.Issues[0].URL = "javascript:alert(1)"
	for i := range r.Findings {
		r.Findings[i].Summary = hostile
		r.Findings[i].NextStep = hostile + " now"
	}
	for _, team := range []string{"payments", "core", ""} {
		html := render(t, digest(t, r, team, nil), true)
		if strings.Contains(html, "<script") {
			t.Errorf("HTML of %q contains a raw <script>", team)
		}
		if strings.Contains(html, "javascript:") {
			t.Errorf("HTML of %q links to a javascript: URL", team)
		}
	}
	html := render(t, digest(t, r, "payments", nil), true)
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("HTML does not show the hostile title escaped:\n%s", html)
	}
}

func TestSubject(t *testing.T) {
	r := snapshot()
	// A second payments issue waiting on core, and one waiting on search.
	r.Issues = append(r.Issues,
		model.Issue{Key: "jira:PAY-6", Title: "Payouts", Team: "payments", Status: model.StatusBlocked},
		model.Issue{Key: "github:acme/search#1", Title: "Index", Team: "search", Status: model.StatusTodo})
	r.Edges = append(r.Edges,
		analysis.Edge{From: "github:acme/core#15", To: "jira:PAY-6", FromTeam: "core", ToTeam: "payments", Open: true},
		analysis.Edge{From: "github:acme/core#12", To: "jira:PAY-6", FromTeam: "core", ToTeam: "payments", Open: true},
		analysis.Edge{From: "github:acme/search#1", To: "jira:PAY-6", FromTeam: "search", ToTeam: "payments", Open: true})
	cases := []struct {
		team string
		want string
	}{
		{"payments", "baton weekly: payments — 2 stalled, 2 blocked on core, 1 blocked on search (week 48)"},
		{"core", "baton weekly: core — 1 stalled, 1 blocked on payments (week 48)"},
		{"search", "baton weekly: search — nothing stalled (week 48)"},
		{"", "baton weekly: org — 3 stalled, 1 misaligned, 4 waiting across teams (week 48)"},
	}
	for _, c := range cases {
		if got := digest(t, r, c.team, nil).Subject(); got != c.want {
			t.Errorf("subject of %q = %q, want %q", c.team, got, c.want)
		}
	}
}

func TestSubjectNamesAtMostTwoBlockingTeams(t *testing.T) {
	d := &Digest{Name: "payments", Week: Week{Num: 2}, Blocked: []TeamCount{{"core", 3}, {"infra", 2}, {"search", 1}, {"data", 1}}}
	want := "baton weekly: payments — 3 blocked on core, 2 blocked on infra, blocked on 2 more teams (week 2)"
	if got := d.Subject(); got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
}

func TestNothingToReportIsSaidPlainly(t *testing.T) {
	r := &analysis.Report{Now: now, Teams: []string{"search"}}
	for _, team := range []string{"search", ""} {
		d := digest(t, r, team, nil)
		text, html := render(t, d, false), render(t, d, true)
		var want []string
		if team == "" {
			want = []string{"No team waits on another.", "Nothing needs action."}
		} else {
			want = []string{"Nothing moved this week.", "Nothing is stalled.", "No open cross-team dependencies.", "Nothing needs action."}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("text of %q lacks %q:\n%s", team, w, text)
			}
			if !strings.Contains(html, w) {
				t.Errorf("HTML of %q lacks %q", team, w)
			}
		}
		if team != "" && strings.Contains(html, "<th") {
			t.Errorf("HTML of %q has a table header with nothing to report:\n%s", team, html)
		}
	}
}

func TestLongListsAreCut(t *testing.T) {
	r := bigReport(2, 100)
	g := Group{Name: TeamGroup("team00"), Team: "team00"}
	d := Compose(r, g, WeekOf(now, time.UTC), nil)
	if len(d.WaitsOn) != maxListed || d.WaitsOnMore != 75-maxListed {
		t.Errorf("waits on: %d listed, %d more; want %d and %d", len(d.WaitsOn), d.WaitsOnMore, maxListed, 75-maxListed)
	}
	text, html := render(t, d, false), render(t, d, true)
	want := fmt.Sprintf("and %d more", 75-maxListed)
	if !strings.Contains(text, want) || !strings.Contains(html, want) {
		t.Errorf("text or HTML lacks %q", want)
	}
}
