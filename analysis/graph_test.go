package analysis

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

func TestEdgesMergeEveryOrigin(t *testing.T) {
	r := analyze(
		issue(core1, blocks(model.OriginGitHubDependency, pay1), blocks(tr, pay1)),
		issue(pay1, blockedBy(model.OriginJiraLink, core1), blockedBy(tr, core1)),
	)
	want := []Edge{{From: core1, To: pay1, FromTeam: "core", ToTeam: "payments", Open: true,
		Origins: []model.Origin{model.OriginGitHubDependency, model.OriginJiraLink, model.OriginTextReference}}}
	if diff := cmp.Diff(r.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
}

func TestParentAndRelatesAreNotDependencies(t *testing.T) {
	r := analyze(issue(core1, func(is *model.Issue) {
		is.Links = []model.Link{
			{From: core1, To: pay1, Type: model.Parent, Origin: model.OriginGitHubSubIssue},
			{From: core1, To: pay2, Type: model.Relates, Origin: model.OriginJiraLink},
		}
	}), issue(pay1), issue(pay2))
	if len(r.Edges) != 0 {
		t.Errorf("edges = %+v, want none", r.Edges)
	}
}

func TestDependencyOnGitHubTwinCountsForJiraTwin(t *testing.T) {
	// core9 is the GitHub twin of pay1; core1 blocks core9 (a GitHub
	// dependency), so pay1, marked blocked in Jira, waits on core1.
	r := analyze(
		issue(pay1, blocked, mirrors(core9)),
		issue(core9, blockedBy(model.OriginGitHubDependency, core1)),
		issue(core1, done(daysAgo(3), completed)),
	)
	want := []Edge{{From: core1, To: pay1, FromTeam: "core", ToTeam: "payments",
		Origins: []model.Origin{model.OriginGitHubDependency}}}
	if diff := cmp.Diff(r.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if got := hitsOf(r.Findings, RuleBlockerResolved); len(got) != 1 || got[0].Issue != pay1 {
		t.Errorf("blocker_resolved findings = %+v, want one on %s", got, pay1)
	}
}

func TestBlockerTwinsMergeAndTheirOwnLinkIsDropped(t *testing.T) {
	// pay2 and core9 are twins; pay1 waits on both (one link each), and
	// core9 also "blocks" its own twin through a stray text reference.
	r := analyze(
		issue(pay1, blockedBy(model.OriginJiraLink, pay2), blockedBy(tr, core9)),
		issue(pay2, mirrors(core9)),
		issue(core9, blocks(tr, pay2)),
	)
	want := []Edge{{From: pay2, To: pay1, FromTeam: "payments", ToTeam: "payments", Open: true,
		Origins: []model.Origin{model.OriginJiraLink, model.OriginTextReference}}}
	if diff := cmp.Diff(r.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
}

func TestTwinOutsideScopeIsCanonicalisedToTheSyncedOne(t *testing.T) {
	// The Jira twin of core1 is not synced: the synced GitHub issue stands
	// for the pair, and a dependency on the Jira key lands on it.
	r := analyze(
		issue(core1, mirrors("jira:CORE-5")),
		issue(pay1, blockedBy(model.OriginJiraLink, "jira:CORE-5")),
	)
	want := []Edge{{From: core1, To: pay1, FromTeam: "core", ToTeam: "payments", Open: true,
		Origins: []model.Origin{model.OriginJiraLink}}}
	if diff := cmp.Diff(r.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
}

func TestPlaceholderNodesTakeTheTeamThatClaimsTheirPlace(t *testing.T) {
	r := analyze(
		issue(pay1, blockedBy(model.OriginJiraLink, "jira:CORE-99"), blockedBy(tr, "github:other/lib#4")),
		issue(pay2, blocks(tr, "github:acme/core#77")),
	)
	want := []Edge{
		{From: "github:other/lib#4", To: pay1, ToTeam: "payments", Open: true, Origins: []model.Origin{tr}},
		{From: "jira:CORE-99", To: pay1, FromTeam: "core", ToTeam: "payments", Open: true, Origins: []model.Origin{model.OriginJiraLink}},
		{From: pay2, To: "github:acme/core#77", FromTeam: "payments", ToTeam: "core", Open: true, Origins: []model.Origin{tr}},
	}
	if diff := cmp.Diff(r.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if len(r.Issues) != 2 {
		t.Errorf("report has %d issues, want the 2 synced ones", len(r.Issues))
	}
}

func TestEdgeIsOpenOnlyWhenBothEndsAre(t *testing.T) {
	r := analyze(issue(core1, blocks(tr, pay1, pay2)), issue(pay1), issue(pay2, done(daysAgo(1), completed)))
	got := map[string]bool{}
	for _, e := range r.Edges {
		got[e.To] = e.Open
	}
	if diff := cmp.Diff(got, map[string]bool{pay1: true, pay2: false}); diff != "" {
		t.Errorf("edge open by dependent (-got +want):\n%s", diff)
	}
}

func TestAnalyzeLeavesItsInputAlone(t *testing.T) {
	in := []model.Issue{issue(pay1), issue(core1)}
	r := analyze(in...)
	if in[0].Team != "" || in[0].Key != pay1 {
		t.Errorf("input issue 0 = %s team %q, want %s with no team", in[0].Key, in[0].Team, pay1)
	}
	got := []string{r.Issues[0].Key + "=" + r.Issues[0].Team, r.Issues[1].Key + "=" + r.Issues[1].Team}
	if diff := cmp.Diff(got, []string{core1 + "=core", pay1 + "=payments"}); diff != "" {
		t.Errorf("report issues (-got +want):\n%s", diff)
	}
}

func TestDuplicateKeysKeepTheLatestUpdate(t *testing.T) {
	r := analyze(issue(core1, inProgress, updated(daysAgo(3))), issue(core1, todo, updated(daysAgo(10))))
	if len(r.Issues) != 1 || r.Issues[0].Status != model.StatusInProgress {
		t.Errorf("issues = %+v, want the one updated 3 days ago", r.Issues)
	}
}

func TestLongCycleNeedsNoDeepRecursion(t *testing.T) {
	const n = 100_000
	issues := make([]model.Issue, n)
	for i := range n {
		key := fmt.Sprintf("github:acme/core#%d", i)
		if i%2 == 1 {
			key = fmt.Sprintf("jira:PAY-%d", i)
		}
		issues[i] = model.Issue{Key: key, System: systemOf(key), Status: model.StatusTodo}
	}
	for i := range n {
		next := issues[(i+1)%n].Key
		issues[i].Links = []model.Link{{From: issues[i].Key, To: next, Type: model.Blocks, Origin: tr}}
	}
	cycles := hitsOf(analyze(issues...).Findings, RuleCycle)
	if len(cycles) != 1 || len(cycles[0].Related) != n-1 || cycles[0].Issue != "github:acme/core#0" {
		t.Fatalf("got %d cycles, want one of %d issues on github:acme/core#0", len(cycles), n)
	}
}

// TestIssuesInKeyOrderBecomeTheReportsWithoutACopy: the store hands over
// issues in key order, and at 200,000 of them a copy is the analysis'
// largest allocation; other input is still copied, not reordered in place.
func TestIssuesInKeyOrderBecomeTheReportsWithoutACopy(t *testing.T) {
	sorted := []model.Issue{issue(core1), issue(core2), issue(pay1)}
	if r := analyze(sorted...); &r.Issues[0] != &sorted[0] || r.Issues[0].Team != "core" || sorted[0].Team != "core" {
		t.Errorf("issues in key order were copied, or got no team")
	}
	for name, in := range map[string][]model.Issue{
		"out of order": {issue(pay1), issue(core1)},
		"a key twice":  {issue(core1), issue(core1, updated(daysAgo(0))), issue(pay1)},
	} {
		r := analyze(in...)
		if &r.Issues[0] == &in[0] || in[0].Team != "" {
			t.Errorf("%s: the input was used or changed in place", name)
		}
		if len(r.Issues) != 2 || r.Issues[0].Key != core1 || r.Issues[1].Key != pay1 {
			t.Errorf("%s: %d report issues, first %q; want %s then %s", name, len(r.Issues), r.Issues[0].Key, core1, pay1)
		}
	}
}
