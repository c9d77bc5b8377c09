package rollup

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/golden"
	"github.com/batonhq/baton/model"
)

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
			golden.Check(t, "testdata/"+c.name+".txt.golden", []byte(render(t, d, false)))
			golden.Check(t, "testdata/"+c.name+".html.golden", []byte(render(t, d, true)))
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

func TestStalledIsGroupedByRuleOldestFirst(t *testing.T) {
	r := &analysis.Report{Now: now, Teams: []string{"payments"}}
	stalled := func(rule, key string, since time.Time) analysis.Finding {
		return analysis.Finding{Kind: analysis.KindStalled, Rule: rule, Issue: key, Team: "payments", Since: since}
	}
	r.Findings = []analysis.Finding{
		stalled(analysis.RuleOverdue, "jira:PAY-1", day(11, 20)),
		stalled("zombie", "jira:PAY-9", day(11, 1)), // a rule this package does not know yet
		stalled(analysis.RuleIdle, "jira:PAY-2", day(11, 10)),
		stalled(analysis.RuleIdle, "jira:PAY-3", time.Time{}),
		stalled(analysis.RuleIdle, "jira:PAY-4", day(10, 1)),
		stalled(analysis.RuleIdle, "jira:PAY-5", day(11, 5)),
	}
	var got []string
	for _, g := range digest(t, r, "payments", nil).Stalled {
		for _, it := range g.Items {
			got = append(got, g.Rule+" "+it.Key+" "+it.Age)
		}
	}
	want := []string{
		"idle PAY-4 55d", "idle PAY-5 20d", "idle PAY-2 15d", "idle PAY-3 unknown",
		"overdue PAY-1 5d",
		"zombie PAY-9 24d",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stalled (-want +got):\n%s", diff)
	}
}

func TestNextStepsAreOrderedDeduplicatedAndShort(t *testing.T) {
	r := &analysis.Report{Now: now, Teams: []string{"payments"}}
	step := func(sev, key, next string, since time.Time) analysis.Finding {
		return analysis.Finding{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: key, Team: "payments", Severity: sev, Since: since, NextStep: next}
	}
	r.Findings = []analysis.Finding{
		step(analysis.SeverityInfo, "jira:PAY-1", "info old", day(9, 1)),
		step(analysis.SeverityWarning, "jira:PAY-2", "warning new", day(11, 20)),
		step(analysis.SeverityCritical, "jira:PAY-3", "critical", day(11, 25)),
		step(analysis.SeverityWarning, "jira:PAY-4", "warning old", day(10, 1)),
		step(analysis.SeverityWarning, "jira:PAY-5", "warning new", day(11, 21)), // same step again
		step(analysis.SeverityWarning, "jira:PAY-6", "  ", day(10, 1)),           // no step to take
		{Kind: analysis.KindMisaligned, Rule: analysis.RuleCycle, Issue: "jira:CORE-1", Team: "core", RelatedTeams: []string{"payments"},
			Severity: analysis.SeverityCritical, Since: day(11, 1), NextStep: "core and payments: break the cycle"},
		{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: "jira:CORE-2", Team: "core", Severity: analysis.SeverityCritical, NextStep: "not ours"},
	}
	for i := range 12 {
		r.Findings = append(r.Findings, step(analysis.SeverityInfo, fmt.Sprintf("jira:PAY-%d", 100+i), fmt.Sprintf("filler %02d", i), day(11, 1)))
	}
	var got []string
	for _, s := range digest(t, r, "payments", nil).NextSteps {
		got = append(got, s.Text)
	}
	want := []string{"core and payments: break the cycle", "critical", "warning old", "warning new", "info old",
		"filler 00", "filler 01", "filler 02", "filler 03", "filler 04"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("next steps (-want +got):\n%s", diff)
	}
}
