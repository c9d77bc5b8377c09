package analysis

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/internal/golden"
	"github.com/batonhq/baton/model"
)

// scenario is a small organisation with at least one finding of every rule.
func scenario() *Report {
	return analyze(
		// payments waits on core for a P1 launch.
		issue(pay1, priority(1), due("2026-12-07"), func(is *model.Issue) { is.Title = `Launch "instant" payouts` },
			blockedBy(model.OriginJiraLink, "jira:CORE-3"), blockedBy(tr, core1, core2)),
		issue("jira:CORE-3", priority(3), due("2026-12-20"), inProgress, updated(daysAgo(10)), mirrors(core9)),
		issue(core9, inProgress, updated(daysAgo(2))),
		issue(core1, func(is *model.Issue) { is.Assignees = []string{"bob"} }),
		issue(core2, done(daysAgo(4), model.ResolutionDropped), rawResolution("not planned")),
		// core's twin pair drifted; payments' blocked issue can move.
		issue("github:acme/core#3", inProgress, mirrors("jira:CORE-4")),
		issue("jira:CORE-4", done(daysAgo(5), completed)),
		issue(pay2, blocked, unassigned, blockedBy(model.OriginJiraLink, "jira:CORE-4")),
		// a cycle across teams, an overdue unowned issue, churn.
		issue("jira:PAY-5", blocks(tr, "github:acme/core#5"), due("2026-11-01"), inProgress, unassigned, statusChanged(daysAgo(3))),
		issue("github:acme/core#5", blocks(tr, "jira:PAY-5"),
			inProgress, statusChanged(daysAgo(30)), events(daysAgo(12), daysAgo(9), daysAgo(6), daysAgo(4), daysAgo(2))),
		issue("github:acme/pay#8", blockedBy(tr, "github:other/lib#4")),
	)
}

func TestScenarioHasEveryRule(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range scenario().Findings {
		seen[f.Rule] = true
	}
	for _, r := range append(StalledRules, MisalignedRules...) {
		if !seen[r] {
			t.Errorf("scenario has no %s finding", r)
		}
	}
}

// The report package renders this scenario, read from the file this test
// keeps: so its golden files show what analysis finds, and a change to
// analysis shows here first.
func TestScenarioReportGolden(t *testing.T) {
	b, err := json.MarshalIndent(scenario(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/scenario.report.json.golden", append(b, '\n'))
}

func TestFilter(t *testing.T) {
	fs := scenario().Findings
	got, err := Filter(fs, "core", RuleStatusDrift)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rulesAtIssues(got), "status_drift@github:acme/core#3"); diff != "" {
		t.Errorf("filtered (-got +want):\n%s", diff)
	}
	all, err := Filter(fs, "", "")
	if err != nil || len(all) != len(fs) {
		t.Errorf("Filter with no team and rule kept %d of %d findings (err %v)", len(all), len(fs), err)
	}
	none, err := Filter(fs, "nobody", "")
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Filter of an unknown team = %v, %v; want an empty list", none, err)
	}
	_, err = Filter(fs, "", "stale")
	if err == nil || !strings.Contains(err.Error(), `"stale"`) || !strings.Contains(err.Error(), "idle, churning") {
		t.Errorf("Filter rule stale: err = %v, want one naming it and the valid rules", err)
	}
}

func TestFindingsAreSortedBySeverityTeamRuleIssue(t *testing.T) {
	fs := scenario().Findings
	rules := slices.Concat(StalledRules, MisalignedRules)
	severities := []string{SeverityCritical, SeverityWarning, SeverityInfo}
	key := func(f Finding) string {
		return fmt.Sprintf("%d %-10s %02d %s", slices.Index(severities, f.Severity), f.Team, slices.Index(rules, f.Rule), f.Issue)
	}
	for i := 1; i < len(fs); i++ {
		if a, b := key(fs[i-1]), key(fs[i]); a > b {
			t.Errorf("finding %d %q sorts after finding %d %q", i-1, a, i, b)
		}
	}
	if fs[0].Severity != SeverityCritical || fs[len(fs)-1].Severity != SeverityInfo {
		t.Errorf("first is %s and last %s: want critical first and info last", fs[0].Severity, fs[len(fs)-1].Severity)
	}
}
