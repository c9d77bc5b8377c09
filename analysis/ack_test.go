package analysis

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// inversionAt is payments' P2 pay1, idle, waiting on core's P4 core1 (idle
// too); more blockers of pay1 can be added.
func inversionAt(payPriority int, blockers ...string) []model.Issue {
	issues := []model.Issue{
		issue(pay1, priority(payPriority), inProgress, updated(daysAgo(10)), blockedBy(tr, append([]string{core1}, blockers...)...)),
		issue(core1, priority(4), inProgress, updated(daysAgo(10))),
	}
	for _, b := range blockers {
		issues = append(issues, issue(b, priority(4)))
	}
	return issues
}

func analyzeAcked(issues []model.Issue, acks ...model.Ack) *Report {
	return Analyze(Input{Issues: issues, Teams: testTeams(), Rules: testRules, Acks: acks, Now: now})
}

// inversionAck acknowledges pay1's priority inversion as it is at P2.
var inversionAck = model.Ack{ID: 1, Issue: pay1, Rule: RulePriorityInversion, Until: now.Add(7 * day1),
	Reason: "agreed with core: after the freeze", By: "tpm", Severity: SeverityWarning, Related: []string{core1}}

func TestAckByRuleMovesOnlyThatRulesFindingToAcknowledged(t *testing.T) {
	r := analyzeAcked(inversionAt(2), inversionAck)
	if got, want := rulesAtIssues(r.Findings), "idle@"+core1+" idle@"+pay1+" blocked_by_stalled@"+pay1; got != want {
		t.Errorf("findings = %s, want %s", got, want)
	}
	if got, want := rulesAtIssues(r.Acknowledged), "priority_inversion@"+pay1; got != want {
		t.Fatalf("acknowledged = %s, want %s", got, want)
	}
	want := &Acknowledgement{Until: inversionAck.Until, Reason: inversionAck.Reason, By: "tpm"}
	if diff := cmp.Diff(want, r.Acknowledged[0].Acknowledged); diff != "" {
		t.Errorf("acknowledgement (-want +got):\n%s", diff)
	}
}

func TestAckWithoutRuleCoversEveryFindingOnTheIssueOnly(t *testing.T) {
	ack := inversionAck
	ack.Rule = ""
	r := analyzeAcked(inversionAt(2), ack)
	if got, want := rulesAtIssues(r.Findings), "idle@"+core1; got != want {
		t.Errorf("findings = %s, want %s", got, want)
	}
	if got, want := rulesAtIssues(r.Acknowledged), "idle@"+pay1+" blocked_by_stalled@"+pay1+" priority_inversion@"+pay1; got != want {
		t.Errorf("acknowledged = %s, want %s", got, want)
	}
}

func TestExpiredAckStopsApplyingAtItsUntil(t *testing.T) {
	for _, tc := range []struct {
		until time.Time
		acked int
	}{{now, 0}, {now.Add(-day1), 0}, {now.Add(time.Second), 1}} {
		ack := inversionAck
		ack.Until = tc.until
		if got := len(analyzeAcked(inversionAt(2), ack).Acknowledged); got != tc.acked {
			t.Errorf("until %v: %d acknowledged, want %d", tc.until, got, tc.acked)
		}
	}
}

func TestAckLapsesWhenAFindingItCoversGetsWorse(t *testing.T) {
	wholeIssue := inversionAck
	wholeIssue.Rule = ""
	for _, tc := range []struct {
		name   string
		issues []model.Issue
		ack    model.Ack
		acked  int
	}{
		{"severity rises: the waiting issue became P1", inversionAt(1), inversionAck, 0},
		{"a new related issue: a second low-priority blocker", inversionAt(2, core2), inversionAck, 0},
		{"one worse finding lapses an ack of the whole issue", inversionAt(2, core2), wholeIssue, 0},
		{"near miss: as acknowledged", inversionAt(2), inversionAck, 1},
		{"near miss: severity falls", inversionAt(2), func() model.Ack { a := inversionAck; a.Severity = SeverityCritical; return a }(), 1},
		{"near miss: related issues shrink", inversionAt(2), func() model.Ack { a := inversionAck; a.Related = []string{core1, core2}; return a }(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := analyzeAcked(tc.issues, tc.ack)
			if got := len(r.Acknowledged); got != tc.acked {
				t.Errorf("%d acknowledged (%s), want %d", got, rulesAtIssues(r.Acknowledged), tc.acked)
			}
		})
	}
}

func TestSnapshotRecordsTheWorstSeverityAndEveryRelatedIssue(t *testing.T) {
	fs := analyze(inversionAt(1, core2)...).Findings
	sev, related, n := Snapshot(fs, pay1, "")
	if n != 4 || sev != SeverityCritical || !slices.Equal(related, []string{core1, core2}) {
		t.Errorf("Snapshot(pay1, all rules) = %s, %v, %d; want critical, [%s %s], 4", sev, related, n, core1, core2)
	}
	sev, related, n = Snapshot(fs, pay1, RuleIdle)
	if n != 1 || sev != SeverityWarning || len(related) != 0 {
		t.Errorf("Snapshot(pay1, idle) = %s, %v, %d; want warning, [], 1", sev, related, n)
	}
	if _, _, n := Snapshot(fs, core2, ""); n != 0 {
		t.Errorf("Snapshot of an issue without findings covers %d, want 0", n)
	}
}

func TestAllMergesAcknowledgedFindingsBackInOrder(t *testing.T) {
	want := analyze(inversionAt(2, core2)...).Findings
	ack := inversionAck
	ack.Related = []string{core1, core2}
	r := analyzeAcked(inversionAt(2, core2), ack)
	if len(r.Acknowledged) != 2 {
		t.Fatalf("acknowledged = %s, want both inversions", rulesAtIssues(r.Acknowledged))
	}
	got := r.All()
	for i := range got {
		got[i].Acknowledged = nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() (-unacknowledged analysis +got):\n%s", diff)
	}
}

// exemptTeams gives core the default exempt label and payments none.
func exemptTeams() ([]config.Team, config.Rules) {
	global := testRules
	global.ExemptLabels = []string{"baton:ignore"}
	teams := testTeams()
	for i := range teams {
		teams[i].Rules.ExemptLabels = global.ExemptLabels
		if teams[i].Name == "payments" {
			teams[i].Rules.ExemptLabels = []string{}
		}
	}
	return teams, global
}

func TestExemptLabelsDropAnIssuesOwnFindingsOnBothTrackersAndPerTeam(t *testing.T) {
	teams, global := exemptTeams()
	idleFor := func(key string, ls ...string) model.Issue {
		return issue(key, inProgress, updated(daysAgo(10)), labels(ls...))
	}
	for _, tc := range []struct {
		name  string
		issue model.Issue
		want  string
	}{
		{"github issue of core", idleFor(core1, "Baton:Ignore"), ""},
		{"jira issue of core", idleFor("jira:CORE-1", "baton:ignore"), ""},
		{"unclaimed issue, global rules", idleFor("jira:OPS-1", "BATON:IGNORE"), ""},
		{"near miss: payments exempts nothing", idleFor(pay1, "baton:ignore"), "idle@" + pay1},
		{"near miss: another label", idleFor(core1, "baton:ignored"), "idle@" + core1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(Input{Issues: []model.Issue{tc.issue}, Teams: teams, Rules: global, Now: now})
			if got := rulesAtIssues(r.Findings); got != tc.want {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
			if exempt := tc.want == ""; exempt != slices.Equal(r.Exempt, []string{tc.issue.Key}) || !exempt && r.Exempt != nil {
				t.Errorf("Exempt = %v, want [%s] only if exempt (%v)", r.Exempt, tc.issue.Key, exempt)
			}
		})
	}
}

func TestAnExemptIssueStillBlocksOthers(t *testing.T) {
	teams, global := exemptTeams()
	issues := inversionAt(2)
	issues[1].Labels = []string{"baton:ignore"} // core1, the idle blocker
	r := Analyze(Input{Issues: issues, Teams: teams, Rules: global, Now: now})
	want := "idle@" + pay1 + " blocked_by_stalled@" + pay1 + " priority_inversion@" + pay1
	if got := rulesAtIssues(r.Findings); got != want {
		t.Errorf("findings = %s, want %s", got, want)
	}
	if len(r.Edges) != 1 || r.Edges[0].From != core1 {
		t.Errorf("edges = %+v, want core1 -> pay1", r.Edges)
	}
}

func TestAckStateSaysWhyAnAckNoLongerApplies(t *testing.T) {
	expired := inversionAck
	expired.Until = now
	for _, tc := range []struct {
		issues []model.Issue
		ack    model.Ack
		want   string
	}{
		{inversionAt(2), inversionAck, AckActive},
		{inversionAt(1), inversionAck, AckLapsed},
		{inversionAt(1), expired, AckExpired},
	} {
		if got := AckState(analyze(tc.issues...).Findings, &tc.ack, now); got != tc.want {
			t.Errorf("AckState(until %v, P%d) = %s, want %s", tc.ack.Until, tc.issues[0].Priority, got, tc.want)
		}
	}
}

func TestAnAcksExpiryIsANextChange(t *testing.T) {
	ack := inversionAck
	ack.Until = now.Add(time.Hour)
	without := analyze(inversionAt(2)...).NextChange
	if !without.IsZero() && !without.After(ack.Until) {
		t.Fatalf("fixture's NextChange %v is not after %v: pick a sooner expiry", without, ack.Until)
	}
	if got := analyzeAcked(inversionAt(2), ack).NextChange; !got.Equal(ack.Until) {
		t.Errorf("NextChange = %v, want the ack's expiry %v", got, ack.Until)
	}
}
