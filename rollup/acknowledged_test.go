package rollup

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/golden"
)

// acknowledgedSnapshot is snapshot with payments' critical priority
// inversion (PAY-3 waiting on core#12) acknowledged.
func acknowledgedSnapshot(t *testing.T) *analysis.Report {
	t.Helper()
	r := snapshot()
	i := slices.IndexFunc(r.Findings, func(f analysis.Finding) bool { return f.Rule == analysis.RulePriorityInversion })
	if i < 0 {
		t.Fatal("snapshot has no priority inversion")
	}
	f := r.Findings[i]
	f.Acknowledged = &analysis.Acknowledgement{Until: day(12, 10), Reason: "core ships the API after the freeze", By: "tpm"}
	r.Findings = slices.Delete(r.Findings, i, i+1)
	r.Acknowledged = []analysis.Finding{f}
	return r
}

func TestRenderAcknowledgedMatchesGolden(t *testing.T) {
	for _, c := range []struct{ name, team string }{{"payments", "payments"}, {"org", ""}} {
		t.Run(c.name, func(t *testing.T) {
			d := digest(t, acknowledgedSnapshot(t), c.team, nil)
			golden.Check(t, "testdata/"+c.name+"_acknowledged.txt.golden", []byte(render(t, d, false)))
			golden.Check(t, "testdata/"+c.name+"_acknowledged.html.golden", []byte(render(t, d, true)))
		})
	}
}

func TestAcknowledgedFindingsLeaveCountsAndNextStepsForTheirSection(t *testing.T) {
	const inversionStep = "core: raise acme/core#12 to P1 or agree a date with payments"
	want := []Acked{{Issue: Item{Key: "PAY-3", Issue: "jira:PAY-3", Title: "Settle in EUR & GBP", URL: "https://jira.example.com/browse/PAY-3",
		Status: "blocked", Owner: "carol, alice"}, Rule: analysis.RulePriorityInversion,
		Reason: "core ships the API after the freeze", By: "tpm", Until: "2026-12-10"}}
	for _, team := range []string{"payments", "core", ""} {
		before, after := digest(t, snapshot(), team, nil), digest(t, acknowledgedSnapshot(t), team, nil)
		if got, was := after.Stats.Counts.Misaligned, before.Stats.Counts.Misaligned; team != "core" && got != was-1 { // core is the blocker: not its count
			t.Errorf("%q: misaligned count %d with the ack, want one less than %d", team, got, was)
		}
		if !slices.ContainsFunc(before.NextSteps, func(s Step) bool { return s.Text == inversionStep }) ||
			slices.ContainsFunc(after.NextSteps, func(s Step) bool { return s.Text == inversionStep }) {
			t.Errorf("%q: the inversion's next step is in %v with the ack, want it only without", team, after.NextSteps)
		}
		if diff := cmp.Diff(want, after.Acknowledged); diff != "" {
			t.Errorf("%q: acknowledged (-want +got):\n%s", team, diff)
		}
		if len(before.Acknowledged) != 0 {
			t.Errorf("%q: acknowledged %v without an ack, want none", team, before.Acknowledged)
		}
	}
	if got := digest(t, acknowledgedSnapshot(t), "search", nil).Acknowledged; len(got) != 0 {
		t.Errorf("search, which the finding does not concern: acknowledged %v, want none", got)
	}
}
