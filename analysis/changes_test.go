package analysis

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

// outcome is what NextChange promises to watch: which findings there are
// and their severities.
func outcome(r *Report) string {
	var fs []string
	for _, f := range r.Findings {
		fs = append(fs, f.Rule+"@"+f.Issue+"/"+f.Severity)
	}
	slices.Sort(fs)
	return strings.Join(fs, " ")
}

func analyzeAt(at time.Time, issues []model.Issue) *Report {
	return Analyze(Input{Issues: issues, Teams: testTeams(), Rules: testRules, Now: at})
}

// TestNextChangeIsTheFirstThresholdCrossing pins, rule by rule with a fixed
// clock, when findings next change with time alone, and checks the answer
// by analysing again: nothing differs a nanosecond before it, something
// does at it.
func TestNextChangeIsTheFirstThresholdCrossing(t *testing.T) {
	in := func(d time.Duration) time.Time { return now.Add(d) }
	cases := []struct {
		name   string
		issues []model.Issue
		want   time.Time // zero: never
	}{
		{"idle: in progress, updated 5 of idle_after's 7 days ago", []model.Issue{issue(core1, inProgress, updated(daysAgo(5)))}, in(2 * day1)},
		{"idle: the team's idle_after of 14 days", []model.Issue{issue(core1, labels("slow"), inProgress, updated(daysAgo(10)))}, in(4 * day1)},
		{"idle: blocked counts too", []model.Issue{issue(pay1, blocked, updated(daysAgo(6)))}, in(day1)},
		{"idle: already idle, nothing else ahead", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)))}, time.Time{}},
		{"churning: the oldest of 5 events leaves the 14-day window", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)), statusChanged(daysAgo(30)),
			events(daysAgo(12), daysAgo(9), daysAgo(6), daysAgo(4), daysAgo(2)))}, in(2 * day1)},
		{"churning: 14 days in progress tomorrow, 5 events in the window", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)), statusChanged(daysAgo(13)),
			events(daysAgo(10), daysAgo(9), daysAgo(6), daysAgo(4), daysAgo(2)))}, in(day1)},
		{"churning: a 6th event leaving changes nothing, the 5th's does", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)), statusChanged(daysAgo(30)),
			events(daysAgo(13), daysAgo(11), daysAgo(9), daysAgo(6), daysAgo(4), daysAgo(2)))}, in(3 * day1)},
		{"churning: 4 events never churn", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)), statusChanged(daysAgo(30)),
			events(daysAgo(9), daysAgo(6), daysAgo(4), daysAgo(2)))}, time.Time{}},
		{"overdue: due on Monday, late from the midnight after it", []model.Issue{issue(core1, due("2026-11-30"))}, date("2026-12-01")},
		{"overdue: a sprint ending in 5 hours", []model.Issue{issue(core1, sprint("Sprint 9", in(5*time.Hour)))}, in(5 * time.Hour)},
		{"overdue: critical once more than a week late", []model.Issue{issue(core1, due("2026-11-23"))}, date("2026-12-01").Add(time.Nanosecond)},
		{"overdue: already critical", []model.Issue{issue(core1, due("2026-11-10"))}, time.Time{}},
		{"unscheduled_blocker: the dependent's day comes within the 30-day horizon", []model.Issue{
			issue(pay1, due("2027-01-10"), blockedBy(tr, core1)), issue(core1)}, date("2026-12-11")},
		{"unscheduled_blocker: already within it; the dependent's due day is next", []model.Issue{
			issue(pay1, due("2026-12-10"), blockedBy(tr, core1)), issue(core1)}, date("2026-12-11")},
		{"status_drift: the twin done yesterday drifts after 2 days", []model.Issue{
			issue("github:acme/core#3", mirrors("jira:CORE-4")), issue("jira:CORE-4", done(daysAgo(1), completed))}, in(day1)},
		{"blocked_by_stalled: appears when the blocker turns idle", []model.Issue{
			issue(pay1, blockedBy(tr, core1)), issue(core1, inProgress, updated(daysAgo(5)))}, in(2 * day1)},
		{"the earliest of several rules", []model.Issue{
			issue(core1, due("2026-11-30")), issue(core2, inProgress, updated(daysAgo(6).Add(time.Hour)))}, in(day1 + time.Hour)},
		{"no time-based rule: never", []model.Issue{issue(core1, priority(4)), issue(pay1, priority(1), blockedBy(tr, core1))}, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := analyzeAt(now, c.issues)
			if !r.NextChange.Equal(c.want) {
				t.Fatalf("NextChange = %v, want %v", r.NextChange, c.want)
			}
			if c.want.IsZero() {
				if later := outcome(analyzeAt(now.Add(400*day1), c.issues)); later != outcome(r) {
					t.Errorf("no change promised, but in 400 days the findings are %q, not %q", later, outcome(r))
				}
				return
			}
			if before := outcome(analyzeAt(c.want.Add(-time.Nanosecond), c.issues)); before != outcome(r) {
				t.Errorf("just before NextChange the findings are already %q, not %q", before, outcome(r))
			}
			if at := outcome(analyzeAt(c.want, c.issues)); at == outcome(r) {
				t.Errorf("at NextChange the findings are still %q", at)
			}
		})
	}
}
