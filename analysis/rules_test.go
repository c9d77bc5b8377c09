package analysis

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// hit is the part of a finding rule tests pin; summaries and next steps are
// pinned by the golden table.
type hit struct {
	Issue        string
	Team         string
	Related      []string
	RelatedTeams []string
	Severity     string
	Since        time.Time
}

func hitsOf(fs []Finding, rule string) []hit {
	var hs []hit
	for _, f := range fs {
		if f.Rule == rule {
			hs = append(hs, hit{f.Issue, f.Team, f.Related, f.RelatedTeams, f.Severity, f.Since})
		}
	}
	return hs
}

func created(t time.Time) func(*model.Issue) {
	return func(is *model.Issue) { is.Created = t }
}

func rawResolution(s string) func(*model.Issue) {
	return func(is *model.Issue) { is.RawResolution = s }
}

const tr = model.OriginTextReference

var (
	inProgress = status(model.StatusInProgress)
	blocked    = status(model.StatusBlocked)
	todo       = status(model.StatusTodo)
	completed  = model.ResolutionCompleted
	dropped    = model.ResolutionDropped
)

type ruleCase struct {
	name   string
	issues []model.Issue
	want   []hit // empty for a near miss
}

func runRuleCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := hitsOf(analyze(c.issues...).Findings, rule)
			if diff := cmp.Diff(got, c.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s findings (-got +want):\n%s", rule, diff)
			}
		})
	}
}

func TestIdle(t *testing.T) {
	runRuleCases(t, RuleIdle, []ruleCase{
		{"in progress and not updated for 10 days", []model.Issue{issue(core1, inProgress, updated(daysAgo(10)))},
			[]hit{{core1, "core", nil, nil, SeverityWarning, daysAgo(3)}}},
		{"blocked and not updated for 8 days", []model.Issue{issue(pay1, blocked, updated(daysAgo(8)))},
			[]hit{{pay1, "payments", nil, nil, SeverityWarning, daysAgo(1)}}},
		{"near miss: in progress, updated 5 days ago", []model.Issue{issue(core1, inProgress, updated(daysAgo(5)))}, nil},
		{"near miss: to do and untouched for 30 days", []model.Issue{issue(core1, todo, updated(daysAgo(30)))}, nil},
		{"near miss: closed issues are never stalled", []model.Issue{issue(core1, done(daysAgo(30), completed))}, nil},
		{"near miss: the team's idle_after of 14 days applies", []model.Issue{issue(core1, labels("slow"), inProgress, updated(daysAgo(10)))}, nil},
	})
}

func TestChurning(t *testing.T) {
	six := events(daysAgo(13), daysAgo(10), daysAgo(8), daysAgo(5), daysAgo(3), daysAgo(1))
	runRuleCases(t, RuleChurning, []ruleCase{
		{"in progress for 20 days with 6 edits in the window", []model.Issue{issue(core1, inProgress, statusChanged(daysAgo(20)), six)},
			[]hit{{core1, "core", nil, nil, SeverityWarning, daysAgo(3)}}},
		{"status never changed: counts from creation, since when the window filled", []model.Issue{issue(core1, inProgress, created(daysAgo(15)), six)},
			[]hit{{core1, "core", nil, nil, SeverityWarning, daysAgo(1)}}},
		{"near miss: 4 events inside the window, 3 outside", []model.Issue{issue(core1, inProgress, statusChanged(daysAgo(40)),
			events(daysAgo(30), daysAgo(20), daysAgo(15), daysAgo(10), daysAgo(5), daysAgo(3), daysAgo(1)))}, nil},
		{"near miss: status changed 10 days ago", []model.Issue{issue(core1, inProgress, statusChanged(daysAgo(10)), six)}, nil},
		{"near miss: to do with many edits", []model.Issue{issue(core1, todo, statusChanged(daysAgo(20)), six)}, nil},
	})
}

func TestUnowned(t *testing.T) {
	runRuleCases(t, RuleUnowned, []ruleCase{
		{"in progress with no assignee", []model.Issue{issue(pay1, inProgress, unassigned, statusChanged(daysAgo(2)))},
			[]hit{{pay1, "payments", nil, nil, SeverityInfo, daysAgo(2)}}},
		{"near miss: in progress and assigned", []model.Issue{issue(pay1, inProgress)}, nil},
		{"near miss: to do with no assignee", []model.Issue{issue(pay1, unassigned)}, nil},
		{"near miss: done with no assignee", []model.Issue{issue(pay1, unassigned, done(daysAgo(3), completed))}, nil},
	})
}

func TestOverdue(t *testing.T) {
	runRuleCases(t, RuleOverdue, []ruleCase{
		{"due more than a week ago", []model.Issue{issue(pay1, due("2026-11-10"))},
			[]hit{{pay1, "payments", nil, nil, SeverityCritical, date("2026-11-11")}}},
		{"its sprint ended 2 days ago", []model.Issue{issue(core1, inProgress, sprint("Sprint 9", daysAgo(2)))},
			[]hit{{core1, "core", nil, nil, SeverityWarning, daysAgo(2)}}},
		{"near miss: due today", []model.Issue{issue(pay1, due("2026-11-27"))}, nil},
		{"near miss: done after its due date", []model.Issue{issue(pay1, due("2026-11-10"), done(daysAgo(1), completed))}, nil},
		{"near miss: no due date and no sprint", []model.Issue{issue(pay1, inProgress)}, nil},
	})
}

func TestBlockerResolved(t *testing.T) {
	runRuleCases(t, RuleBlockerResolved, []ruleCase{
		{"blocked, both blockers done", []model.Issue{
			issue(pay1, blocked, blockedBy(model.OriginJiraLink, core1, core2)),
			issue(core1, done(daysAgo(3), completed)), issue(core2, done(daysAgo(5), completed))},
			[]hit{{pay1, "payments", []string{core1, core2}, []string{"core"}, SeverityWarning, daysAgo(3)}}},
		{"near miss: one blocker still open", []model.Issue{
			issue(pay1, blocked, blockedBy(model.OriginJiraLink, core1, core2)),
			issue(core1, done(daysAgo(3), completed)), issue(core2, inProgress)}, nil},
		{"near miss: blocked with no known blocker", []model.Issue{issue(pay1, blocked)}, nil},
		{"near miss: not marked blocked", []model.Issue{
			issue(pay1, inProgress, blockedBy(tr, core1)), issue(core1, done(daysAgo(3), completed))}, nil},
		{"near miss: blocker outside the synced scope", []model.Issue{issue(pay1, blocked, blockedBy(tr, "jira:CORE-77"))}, nil},
	})
}

func TestBlockedByStalled(t *testing.T) {
	runRuleCases(t, RuleBlockedByStalled, []ruleCase{
		{"waits on an idle blocker of another team", []model.Issue{
			issue(pay1, blockedBy(tr, core1)), issue(core1, inProgress, updated(daysAgo(10)))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, daysAgo(3)}}},
		{"near miss: the stalled blocker is on the same team", []model.Issue{
			issue(pay1, blockedBy(model.OriginJiraLink, pay2)), issue(pay2, inProgress, updated(daysAgo(10)))}, nil},
		{"near miss: the blocker moves", []model.Issue{
			issue(pay1, blockedBy(tr, core1)), issue(core1, inProgress, updated(daysAgo(2)))}, nil},
		{"near miss: the dependent is done", []model.Issue{
			issue(pay1, done(daysAgo(1), completed), blockedBy(tr, core1)), issue(core1, inProgress, updated(daysAgo(10)))}, nil},
	})
}

func TestPriorityInversion(t *testing.T) {
	runRuleCases(t, RulePriorityInversion, []ruleCase{
		{"P1 waits on P3", []model.Issue{
			issue(pay1, priority(1), blockedBy(tr, core1)), issue(core1, priority(3), created(daysAgo(20)))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityCritical, daysAgo(20)}}},
		{"P2 waits on P4", []model.Issue{issue(pay1, priority(2), blockedBy(tr, core1)), issue(core1, priority(4))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, daysAgo(60)}}},
		{"near miss: P2 waits on P3", []model.Issue{issue(pay1, priority(2), blockedBy(tr, core1)), issue(core1, priority(3))}, nil},
		{"near miss: same-team inversion", []model.Issue{
			issue(pay1, priority(1), blockedBy(model.OriginJiraLink, pay2)), issue(pay2, priority(3))}, nil},
		{"near miss: blocker has no priority", []model.Issue{issue(pay1, priority(1), blockedBy(tr, core1)), issue(core1)}, nil},
		{"near miss: blocker is done", []model.Issue{
			issue(pay1, priority(1), blockedBy(tr, core1)), issue(core1, priority(3), done(daysAgo(1), completed))}, nil},
	})
}

func TestScheduleConflict(t *testing.T) {
	runRuleCases(t, RuleScheduleConflict, []ruleCase{
		{"blocker due two weeks after its dependent", []model.Issue{
			issue(pay1, due("2026-12-01"), blockedBy(tr, core1)), issue(core1, due("2026-12-15"))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, daysAgo(60)}}},
		{"blocker's sprint ends after the dependent's due date", []model.Issue{
			issue(pay1, due("2026-12-01"), blockedBy(tr, core1)), issue(core1, sprint("Sprint 12", date("2026-12-10")))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, daysAgo(60)}}},
		{"near miss: blocker due before its dependent", []model.Issue{
			issue(pay1, due("2026-12-01"), blockedBy(tr, core1)), issue(core1, due("2026-11-30"))}, nil},
		{"near miss: blocker's sprint ends on the dependent's due day", []model.Issue{
			issue(pay1, due("2026-12-01"), blockedBy(tr, core1)), issue(core1, sprint("Sprint 11", date("2026-12-01").Add(18*time.Hour)))}, nil},
		{"near miss: dependent has no target", []model.Issue{issue(pay1, blockedBy(tr, core1)), issue(core1, due("2026-12-15"))}, nil},
		{"near miss: same team", []model.Issue{
			issue(pay1, due("2026-12-01"), blockedBy(model.OriginJiraLink, pay2)), issue(pay2, due("2026-12-15"))}, nil},
	})
}

func TestUnscheduledBlocker(t *testing.T) {
	runRuleCases(t, RuleUnscheduledBlocker, []ruleCase{
		{"dependent due in 10 days, blocker not planned", []model.Issue{
			issue(pay1, due("2026-12-07"), blockedBy(tr, core1)), issue(core1)},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, date("2026-11-07")}}},
		{"near miss: dependent due in 40 days", []model.Issue{issue(pay1, due("2027-01-06"), blockedBy(tr, core1)), issue(core1)}, nil},
		{"near miss: blocker is in a sprint", []model.Issue{
			issue(pay1, due("2026-12-07"), blockedBy(tr, core1)), issue(core1, sprint("Sprint 12", date("2026-12-05")))}, nil},
		{"near miss: blocker is started", []model.Issue{issue(pay1, due("2026-12-07"), blockedBy(tr, core1)), issue(core1, inProgress)}, nil},
		{"near miss: same team", []model.Issue{issue(pay1, due("2026-12-07"), blockedBy(model.OriginJiraLink, pay2)), issue(pay2)}, nil},
	})
}

func TestStatusDrift(t *testing.T) {
	runRuleCases(t, RuleStatusDrift, []ruleCase{
		{"Jira twin done 3 days ago, GitHub twin open", []model.Issue{
			issue(core1, inProgress, mirrors(pay1)), issue(pay1, done(daysAgo(3), completed))},
			[]hit{{core1, "core", []string{pay1}, []string{"payments"}, SeverityWarning, daysAgo(3)}}},
		{"declared on the done side only", []model.Issue{
			issue(core1, inProgress), issue(pay1, mirrors(core1), done(daysAgo(3), completed))},
			[]hit{{core1, "core", []string{pay1}, []string{"payments"}, SeverityWarning, daysAgo(3)}}},
		{"near miss: drift of one day", []model.Issue{
			issue(core1, inProgress, mirrors(pay1)), issue(pay1, done(daysAgo(1), completed))}, nil},
		{"near miss: both done", []model.Issue{
			issue(core1, mirrors(pay1), done(daysAgo(1), completed)), issue(pay1, done(daysAgo(9), completed))}, nil},
		{"near miss: twin outside the synced scope", []model.Issue{issue(core1, inProgress, mirrors("jira:PAY-77"))}, nil},
	})
}

func TestDeadDependency(t *testing.T) {
	runRuleCases(t, RuleDeadDependency, []ruleCase{
		{"open issue waits on a dropped blocker", []model.Issue{
			issue(pay1, blockedBy(tr, core1)), issue(core1, done(daysAgo(5), dropped), rawResolution("not planned"))},
			[]hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityCritical, daysAgo(5)}}},
		{"near miss: blocker completed", []model.Issue{issue(pay1, blockedBy(tr, core1)), issue(core1, done(daysAgo(5), completed))}, nil},
		{"near miss: dependent done too", []model.Issue{
			issue(pay1, done(daysAgo(1), completed), blockedBy(tr, core1)), issue(core1, done(daysAgo(5), dropped))}, nil},
		{"near miss: same team", []model.Issue{issue(pay1, blockedBy(model.OriginJiraLink, pay2)), issue(pay2, done(daysAgo(5), dropped))}, nil},
	})
}

func TestCycle(t *testing.T) {
	runRuleCases(t, RuleCycle, []ruleCase{
		{"three issues of two teams", []model.Issue{
			issue(core1, blocks(tr, pay1)), issue(pay1, blocks(tr, core2), created(daysAgo(9))), issue(core2, blocks(tr, core1))},
			[]hit{{core1, "core", []string{core2, pay1}, []string{"payments"}, SeverityCritical, daysAgo(9)}}},
		{"closed through a GitHub twin", []model.Issue{
			issue(core1, blocks(tr, pay1)), issue(pay1, mirrors(core9)), issue(core9, blocks(model.OriginGitHubDependency, core1))},
			[]hit{{core1, "core", []string{pay1}, []string{"payments"}, SeverityCritical, daysAgo(60)}}},
		{"two cycles through one issue are one component", []model.Issue{
			issue(core1, blocks(tr, pay1, pay2)), issue(pay1, blocks(tr, core1)), issue(pay2, blocks(tr, core1))},
			[]hit{{core1, "core", []string{pay1, pay2}, []string{"payments"}, SeverityCritical, daysAgo(60)}}},
		{"two cycles joined one way are two components", []model.Issue{
			issue(core1, blocks(tr, pay1)), issue(pay1, blocks(tr, core1, core2)), issue(core2, blocks(tr, pay2)), issue(pay2, blocks(tr, core2))},
			[]hit{{core1, "core", []string{pay1}, []string{"payments"}, SeverityCritical, daysAgo(60)},
				{core2, "core", []string{pay2}, []string{"payments"}, SeverityCritical, daysAgo(60)}}},
		{"near miss: a cycle inside one team", []model.Issue{issue(core1, blocks(tr, core2)), issue(core2, blocks(tr, core1))}, nil},
		{"near miss: one issue of the cycle is done", []model.Issue{
			issue(core1, blocks(tr, pay1)), issue(pay1, blocks(tr, core2), done(daysAgo(1), completed)), issue(core2, blocks(tr, core1))}, nil},
		{"near miss: a chain", []model.Issue{issue(core1, blocks(tr, pay1)), issue(pay1, blocks(tr, core2)), issue(core2)}, nil},
	})
}

func TestNextStepNamesWhoShouldDoWhat(t *testing.T) {
	for _, c := range []struct {
		name   string
		issues []model.Issue
		want   string
	}{
		{"the issue 7 example: a team without an assignee", []model.Issue{
			issue("jira:PAY-3", due("2026-12-01"), blockedBy(tr, "github:acme/core#7")), issue("github:acme/core#7", unassigned)},
			"Ask core to schedule github:acme/core#7: it blocks jira:PAY-3, due 2026-12-01, and has no milestone."},
		{"an assignee and team", []model.Issue{
			issue("jira:PAY-3", due("2026-12-01"), blockedBy(model.OriginJiraLink, "jira:CORE-7")), issue("jira:CORE-7")},
			"Ask @alice (core) to schedule jira:CORE-7: it blocks jira:PAY-3, due 2026-12-01, and has no sprint."},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, err := Filter(analyze(c.issues...).Findings, "", RuleUnscheduledBlocker)
			if err != nil || len(fs) != 1 {
				t.Fatalf("got %d unscheduled_blocker findings (err %v), want 1", len(fs), err)
			}
			if fs[0].NextStep != c.want {
				t.Errorf("next step = %q, want %q", fs[0].NextStep, c.want)
			}
		})
	}
}

func TestUnclaimedIssuesGetTheGlobalRules(t *testing.T) {
	in := Input{Issues: []model.Issue{issue("github:other/lib#1", inProgress, updated(daysAgo(4)))}, Teams: testTeams(), Rules: testRules, Now: now}
	in.Rules.IdleAfter = config.Duration(3 * day1)
	got := hitsOf(Analyze(in).Findings, RuleIdle)
	want := []hit{{"github:other/lib#1", "", nil, nil, SeverityWarning, daysAgo(1)}}
	if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("idle findings (-got +want):\n%s", diff)
	}
}

func TestADueDayEndsInTheConfiguredZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	// Due yesterday by the calendar of UTC, still today in Los Angeles.
	y, m, d := now.In(la).Date()
	dueToday := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	at := time.Date(y, m, d+1, 3, 0, 0, 0, time.UTC) // 19:00 or 20:00 of the due day in Los Angeles
	in := Input{Issues: []model.Issue{issue(pay1, func(is *model.Issue) { is.Due = dueToday })}, Teams: testTeams(), Rules: testRules, Now: at}
	if got := rulesAtIssues(Analyze(in).Findings); got != "overdue@"+pay1 {
		t.Errorf("UTC: findings %s, want overdue@%s (the UTC day is over)", got, pay1)
	}
	in.Location = la
	if fs := Analyze(in).Findings; len(fs) != 0 {
		t.Errorf("Los Angeles, the due day not over: findings %s, want none", rulesAtIssues(fs))
	}
	in.Location, in.Now = la, time.Date(y, m, d+1, 8, 1, 0, 0, time.UTC) // 00:01 or 01:01 the next day there
	if got := rulesAtIssues(Analyze(in).Findings); got != "overdue@"+pay1 {
		t.Errorf("Los Angeles, the day after: findings %s, want overdue@%s", got, pay1)
	}
}

// The dependent is due 2026-12-27 and the horizon is 30 days: the target day
// comes within the horizon at the first moment of 2026-11-27 where the
// organisation is, 08:00 UTC in Los Angeles and 15:00 UTC the day before in
// Tokyo.
func TestUnscheduledBlockerReadsTheDueDayInTheConfiguredZone(t *testing.T) {
	load := func(name string) *time.Location {
		t.Helper()
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	la, tokyo := load("America/Los_Angeles"), load("Asia/Tokyo")
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name string
		loc  *time.Location
		now  time.Time
		want time.Time // since; zero for no finding
	}{
		{"UTC, the day within the horizon", time.UTC, at("2026-11-27T00:00:00Z"), at("2026-11-27T00:00:00Z")},
		{"near miss: UTC, a minute before", time.UTC, at("2026-11-26T23:59:00Z"), time.Time{}},
		{"Los Angeles, the day within the horizon", la, at("2026-11-27T08:00:00Z"), at("2026-11-27T08:00:00Z")},
		{"near miss: Los Angeles, past midnight UTC but not yet there", la, at("2026-11-27T03:00:00Z"), time.Time{}},
		{"Tokyo, the day within the horizon before it is in UTC", tokyo, at("2026-11-26T20:00:00Z"), at("2026-11-26T15:00:00Z")},
		{"near miss: Tokyo, an hour before midnight there", tokyo, at("2026-11-26T14:00:00Z"), time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Issues: []model.Issue{
				issue(pay1, due("2026-12-27"), blockedBy(tr, core1), created(daysAgo(60))), issue(core1, created(daysAgo(60))),
			}, Teams: testTeams(), Rules: testRules, Now: c.now, Location: c.loc}
			var want []hit
			if !c.want.IsZero() {
				want = []hit{{pay1, "payments", []string{core1}, []string{"core"}, SeverityWarning, c.want}}
			}
			got := hitsOf(Analyze(in).Findings, RuleUnscheduledBlocker)
			if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unscheduled_blocker findings (-got +want):\n%s", diff)
			}
		})
	}
}
