package rollup

import (
	"fmt"
	"io"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// bigReport is a large org: teams × perTeam issues, each blocking the next
// team's issue of the same number, with a stalled and a misalignment finding
// on every tenth issue.
func bigReport(teams, perTeam int) *analysis.Report {
	r := &analysis.Report{Now: now}
	key := func(t, i int) string { return fmt.Sprintf("jira:T%d-%d", t, i) }
	for t := range teams {
		name := fmt.Sprintf("team%02d", t)
		r.Teams = append(r.Teams, name)
		next := fmt.Sprintf("team%02d", (t+1)%teams)
		for i := range perTeam {
			status := []model.Status{model.StatusTodo, model.StatusInProgress, model.StatusBlocked, model.StatusDone}[i%4]
			r.Issues = append(r.Issues, model.Issue{Key: key(t, i), Title: "Issue", URL: "https://jira.example.com/browse/X",
				Team: name, Status: status, StatusChanged: day(11, 20+i%7), Closed: day(11, 20+i%7)})
			r.Edges = append(r.Edges, analysis.Edge{From: key(t, i), To: key((t+1)%teams, i), FromTeam: name, ToTeam: next, Open: status != model.StatusDone})
			if i%10 == 0 {
				r.Findings = append(r.Findings,
					analysis.Finding{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: key(t, i), Team: name,
						Severity: analysis.SeverityWarning, Since: day(10, 1+i%28), Summary: "idle", NextStep: fmt.Sprintf("%s: look at %d", name, i)},
					analysis.Finding{Kind: analysis.KindMisaligned, Rule: analysis.RulePriorityInversion, Issue: key((t+1)%teams, i), Team: next,
						Related: []string{key(t, i)}, RelatedTeams: []string{name}, Severity: analysis.SeverityCritical, Since: day(11, 1),
						Summary: "inversion", NextStep: fmt.Sprintf("%s: raise %d", name, i)})
			}
		}
	}
	return r
}

// BenchmarkComposeAndRender composes and renders every team's rollup and the
// org one for 20 teams of 1,000 issues each.
func BenchmarkComposeAndRender(b *testing.B) {
	r := bigReport(20, 1000)
	week := WeekOf(now, now.Location())
	groups := []Group{{Name: OrgGroup}}
	for _, t := range r.Teams {
		groups = append(groups, Group{Name: TeamGroup(t), Team: t})
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range groups {
			d := Compose(r, g, week, nil)
			if err := RenderText(io.Discard, d); err != nil {
				b.Fatal(err)
			}
			if err := RenderHTML(io.Discard, d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
