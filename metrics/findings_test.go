package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// newTestMetrics registers baton's metrics with a fresh registry whose clock
// is fixed at now.
func newTestMetrics(t *testing.T) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := New(reg, "1.2.3")
	m.now = func() time.Time { return now }
	return m, reg
}

func issue(key, source, team string, st model.Status, closed time.Time) model.Issue {
	return model.Issue{Key: key, Source: source, Team: team, Status: st, Closed: closed,
		Title: "Secret project " + key, Assignees: []string{"alice@example.com"}}
}

func stalled(rule, key, team string, since time.Time) analysis.Finding {
	return analysis.Finding{Kind: analysis.KindStalled, Rule: rule, Issue: key, Team: team, Since: since}
}

func misaligned(rule, key, team string, related ...string) analysis.Finding {
	return analysis.Finding{Kind: analysis.KindMisaligned, Rule: rule, Issue: key, Team: team,
		Related: []string{"github:acme/core#1"}, RelatedTeams: related, Since: now.Add(-time.Hour)}
}

func edge(from, to, fromTeam, toTeam string, open bool) analysis.Edge {
	return analysis.Edge{From: from, To: to, FromTeam: fromTeam, ToTeam: toTeam, Open: open}
}

// knownReport has two teams, an unclaimed issue, a done issue inside and one
// outside the 7-day window, a stalled issue found twice by the same rule, a
// finding whose related teams repeat, and edges that are not cross-team or
// not open.
func knownReport() *analysis.Report {
	const (
		pay1, pay2, pay3 = "jira:PAY-1", "jira:PAY-2", "jira:PAY-3"
		core1, core2     = "github:acme/core#1", "github:acme/core#2"
		misc3            = "github:acme/misc#3"
	)
	return &analysis.Report{
		Now:   now,
		Teams: []string{"payments", "platform"},
		Issues: []model.Issue{
			issue(pay1, "jira", "payments", model.StatusInProgress, time.Time{}),
			issue(pay2, "jira", "payments", model.StatusDone, now.Add(-2*24*time.Hour)),
			issue(pay3, "jira", "payments", model.StatusDone, now.Add(-8*24*time.Hour)),
			issue(core1, "gh", "platform", model.StatusBlocked, time.Time{}),
			issue(core2, "gh", "platform", model.StatusTodo, time.Time{}),
			issue(misc3, "gh", "", model.StatusTodo, time.Time{}),
		},
		Edges: []analysis.Edge{
			edge(core1, pay1, "platform", "payments", true),
			edge(core2, pay1, "platform", "payments", true),
			edge(pay2, core1, "payments", "platform", false),
			edge(core1, core2, "platform", "platform", true),
			edge(misc3, pay1, "", "payments", true),
		},
		Findings: []analysis.Finding{
			stalled(analysis.RuleIdle, pay1, "payments", now.Add(-10*24*time.Hour)),
			stalled(analysis.RuleOverdue, pay1, "payments", now.Add(-3*24*time.Hour)),
			stalled(analysis.RuleIdle, core2, "platform", now.Add(-time.Hour)),
			stalled(analysis.RuleBlockedByStalled, core1, "platform", now.Add(-2*time.Hour)),
			stalled(analysis.RuleBlockedByStalled, core1, "platform", now.Add(-3*time.Hour)),
			stalled(analysis.RuleUnowned, misc3, "", now.Add(-5*24*time.Hour)),
			misaligned(analysis.RulePriorityInversion, pay1, "payments", "platform"),
			misaligned(analysis.RuleScheduleConflict, pay1, "payments", "platform", "platform"),
			misaligned(analysis.RuleCycle, core1, "platform", "payments", ""),
		},
	}
}

const knownExposition = `
# HELP baton_issues Issues by team, source and normalised status: open ones, plus those done in the 7 days before the analysis.
# TYPE baton_issues gauge
baton_issues{source="gh",status="blocked",team="payments"} 0
baton_issues{source="gh",status="blocked",team="platform"} 1
baton_issues{source="gh",status="done",team="payments"} 0
baton_issues{source="gh",status="done",team="platform"} 0
baton_issues{source="gh",status="in_progress",team="payments"} 0
baton_issues{source="gh",status="in_progress",team="platform"} 0
baton_issues{source="gh",status="todo",team="payments"} 0
baton_issues{source="gh",status="todo",team="platform"} 1
baton_issues{source="gh",status="todo",team="unassigned"} 1
baton_issues{source="jira",status="blocked",team="payments"} 0
baton_issues{source="jira",status="blocked",team="platform"} 0
baton_issues{source="jira",status="done",team="payments"} 1
baton_issues{source="jira",status="done",team="platform"} 0
baton_issues{source="jira",status="in_progress",team="payments"} 1
baton_issues{source="jira",status="in_progress",team="platform"} 0
baton_issues{source="jira",status="todo",team="payments"} 0
baton_issues{source="jira",status="todo",team="platform"} 0
# HELP baton_stalled_issues Issues of a team with a stalled finding of a rule.
# TYPE baton_stalled_issues gauge
baton_stalled_issues{rule="blocked_by_stalled",team="payments"} 0
baton_stalled_issues{rule="blocked_by_stalled",team="platform"} 1
baton_stalled_issues{rule="blocker_resolved",team="payments"} 0
baton_stalled_issues{rule="blocker_resolved",team="platform"} 0
baton_stalled_issues{rule="blocker_resolved",team="unassigned"} 0
baton_stalled_issues{rule="blocked_by_stalled",team="unassigned"} 0
baton_stalled_issues{rule="churning",team="payments"} 0
baton_stalled_issues{rule="churning",team="platform"} 0
baton_stalled_issues{rule="churning",team="unassigned"} 0
baton_stalled_issues{rule="idle",team="payments"} 1
baton_stalled_issues{rule="idle",team="platform"} 1
baton_stalled_issues{rule="idle",team="unassigned"} 0
baton_stalled_issues{rule="overdue",team="payments"} 1
baton_stalled_issues{rule="overdue",team="platform"} 0
baton_stalled_issues{rule="overdue",team="unassigned"} 0
baton_stalled_issues{rule="unowned",team="payments"} 0
baton_stalled_issues{rule="unowned",team="platform"} 0
baton_stalled_issues{rule="unowned",team="unassigned"} 1
# HELP baton_misalignments Misalignment findings of a rule where team waits on counterpart_team.
# TYPE baton_misalignments gauge
baton_misalignments{counterpart_team="payments",rule="cycle",team="platform"} 1
baton_misalignments{counterpart_team="payments",rule="dead_dependency",team="platform"} 0
baton_misalignments{counterpart_team="payments",rule="priority_inversion",team="platform"} 0
baton_misalignments{counterpart_team="payments",rule="schedule_conflict",team="platform"} 0
baton_misalignments{counterpart_team="payments",rule="status_drift",team="platform"} 0
baton_misalignments{counterpart_team="payments",rule="unscheduled_blocker",team="platform"} 0
baton_misalignments{counterpart_team="platform",rule="cycle",team="payments"} 0
baton_misalignments{counterpart_team="platform",rule="dead_dependency",team="payments"} 0
baton_misalignments{counterpart_team="platform",rule="priority_inversion",team="payments"} 1
baton_misalignments{counterpart_team="platform",rule="schedule_conflict",team="payments"} 1
baton_misalignments{counterpart_team="platform",rule="status_drift",team="payments"} 0
baton_misalignments{counterpart_team="platform",rule="unscheduled_blocker",team="payments"} 0
baton_misalignments{counterpart_team="unassigned",rule="cycle",team="platform"} 1
baton_misalignments{counterpart_team="unassigned",rule="dead_dependency",team="platform"} 0
baton_misalignments{counterpart_team="unassigned",rule="priority_inversion",team="platform"} 0
baton_misalignments{counterpart_team="unassigned",rule="schedule_conflict",team="platform"} 0
baton_misalignments{counterpart_team="unassigned",rule="status_drift",team="platform"} 0
baton_misalignments{counterpart_team="unassigned",rule="unscheduled_blocker",team="platform"} 0
# HELP baton_cross_team_dependencies Open blocking dependencies where team waits on counterpart_team.
# TYPE baton_cross_team_dependencies gauge
baton_cross_team_dependencies{counterpart_team="platform",team="payments"} 2
# HELP baton_oldest_stalled_age_seconds Age of the team's oldest stalled finding at the time of the analysis; 0 when it has none.
# TYPE baton_oldest_stalled_age_seconds gauge
baton_oldest_stalled_age_seconds{team="payments"} 864000
baton_oldest_stalled_age_seconds{team="platform"} 10800
baton_oldest_stalled_age_seconds{team="unassigned"} 432000
`

var findingsFamilies = []string{"baton_issues", "baton_stalled_issues", "baton_misalignments",
	"baton_cross_team_dependencies", "baton_oldest_stalled_age_seconds"}

func TestPublishExportsKnownReport(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.Publish(knownReport())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(knownExposition), findingsFamilies...); err != nil {
		t.Error(err)
	}
}

func TestFindingsAbsentBeforeFirstPublish(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh")
	n, err := testutil.GatherAndCount(reg, findingsFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("got %d findings series before any publish, want 0", n)
	}
}

func TestSeriesReportZeroAfterTheyDrop(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.Publish(knownReport())
	m.Publish(&analysis.Report{Now: now.Add(time.Hour), Teams: []string{"payments", "platform"}})

	before, err := testutil.GatherAndCount(reg, findingsFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Count(knownExposition, "\nbaton_"); before != want {
		t.Errorf("got %d series after everything dropped, want the %d seen before", before, want)
	}
	for _, name := range findingsFamilies {
		for _, mt := range family(t, reg, name) {
			if v := mt.GetGauge().GetValue(); v != 0 {
				t.Errorf("%s%v = %v after its findings dropped, want 0", name, mt.GetLabel(), v)
			}
		}
	}
}

func TestPublishReplacesTheSnapshot(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.Publish(knownReport())
	r := knownReport()
	r.Edges = r.Edges[:1]
	m.Publish(r)
	want := `
# HELP baton_cross_team_dependencies Open blocking dependencies where team waits on counterpart_team.
# TYPE baton_cross_team_dependencies gauge
baton_cross_team_dependencies{counterpart_team="platform",team="payments"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "baton_cross_team_dependencies"); err != nil {
		t.Error(err)
	}
}

func TestLabelsCarryNoIssueKeyTitleOrPerson(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	m.Publish(knownReport())
	text, err := testutil.GatherAndFormat(reg, expfmt.TypeTextPlain, findingsFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"PAY-", "acme", "Secret project", "alice"} {
		if strings.Contains(string(text), leak) {
			t.Errorf("scrape contains %q:\n%s", leak, text)
		}
	}
}

// TestScrapeSeesWholeSnapshots publishes two reports in turn while scraping:
// each scrape sees one report or the other, never a mix (run with -race).
func TestScrapeSeesWholeSnapshots(t *testing.T) {
	m, reg := newTestMetrics(t)
	one, two := knownReport(), knownReport()
	one.Edges = one.Edges[:1]       // 1 dependency instead of 2
	one.Findings = one.Findings[1:] // payments' oldest stalled: 3 days instead of 10
	want := map[float64]float64{1: 3 * 86400, 2: 10 * 86400}
	m.Publish(one)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			if i%2 == 0 {
				m.Publish(two)
			} else {
				m.Publish(one)
			}
		}
	}()
	for scraping := true; scraping; {
		select {
		case <-done:
			scraping = false
		default:
		}
		deps, age := scrapedPaymentsValues(t, reg)
		if want[deps] != age {
			t.Fatalf("scrape mixes reports: %v dependencies with oldest stalled age %v", deps, age)
		}
	}
}

// scrapedPaymentsValues gathers reg and returns payments' dependencies on
// platform and its oldest stalled age.
func scrapedPaymentsValues(t *testing.T, reg *prometheus.Registry) (deps, age float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			team := ""
			for _, l := range mt.GetLabel() {
				if l.GetName() == "team" {
					team = l.GetValue()
				}
			}
			switch {
			case team != "payments":
			case mf.GetName() == "baton_cross_team_dependencies":
				deps = mt.GetGauge().GetValue()
			case mf.GetName() == "baton_oldest_stalled_age_seconds":
				age = mt.GetGauge().GetValue()
			}
		}
	}
	return deps, age
}
