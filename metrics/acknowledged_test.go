package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/batonhq/baton/analysis"
)

// family returns the series of family name gathered from reg, none when
// it has none.
func family(t *testing.T, reg *prometheus.Registry, name string) []*dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()
		}
	}
	return nil
}

// gaugeValue returns the value of the series of family name with labels,
// and whether it exists.
func gaugeValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, bool) {
	t.Helper()
series:
	for _, m := range family(t, reg, name) {
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue series
			}
		}
		return m.GetGauge().GetValue(), true
	}
	return 0, false
}

// acknowledging moves the findings of r on issue key to Acknowledged, as an
// ack of the whole issue does.
func acknowledging(r *analysis.Report, key string) *analysis.Report {
	var open []analysis.Finding
	for _, f := range r.Findings {
		if f.Issue == key {
			f.Acknowledged = &analysis.Acknowledgement{Until: now.AddDate(0, 0, 7), Reason: "agreed", By: "tpm"}
			r.Acknowledged = append(r.Acknowledged, f)
		} else {
			open = append(open, f)
		}
	}
	r.Findings = open
	return r
}

func TestAcknowledgedFindingsLeaveTheFindingGaugesForTheirOwn(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.AddSources("gh", "jira")
	idle := map[string]string{"team": "payments", "rule": analysis.RuleIdle}
	inversion := map[string]string{"team": "payments", "counterpart_team": "platform", "rule": analysis.RulePriorityInversion}

	m.Publish(knownReport())
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{{"baton_stalled_issues", idle, 1}, {"baton_misalignments", inversion, 1}, {"baton_acknowledged_findings", idle, 0}} {
		if got, ok := gaugeValue(t, reg, c.name, c.labels); !ok || got != c.want {
			t.Errorf("before the ack: %s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}

	m.Publish(acknowledging(knownReport(), "jira:PAY-1"))
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"baton_stalled_issues", idle, 0},
		{"baton_misalignments", inversion, 0},
		{"baton_oldest_stalled_age_seconds", map[string]string{"team": "payments"}, 0},
		{"baton_acknowledged_findings", idle, 1},
		{"baton_acknowledged_findings", map[string]string{"team": "payments", "rule": analysis.RulePriorityInversion}, 1},
	} {
		if got, ok := gaugeValue(t, reg, c.name, c.labels); !ok || got != c.want {
			t.Errorf("acknowledged: %s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}

	m.Publish(knownReport()) // the ack expired or was removed
	if got, ok := gaugeValue(t, reg, "baton_acknowledged_findings", idle); !ok || got != 0 {
		t.Errorf("after the ack: baton_acknowledged_findings%v = %v (present %v), want 0", idle, got, ok)
	}
	if got, _ := gaugeValue(t, reg, "baton_stalled_issues", idle); got != 1 {
		t.Errorf("after the ack: baton_stalled_issues%v = %v, want 1 again", idle, got)
	}
}

func TestAcknowledgedFindingsReportZeroForEveryTeamAndRule(t *testing.T) {
	m, reg := newTestMetrics(t)
	m.Publish(knownReport())
	for _, team := range []string{"payments", "platform"} {
		for _, r := range analysis.Rules {
			labels := map[string]string{"team": team, "rule": r.Name}
			if got, ok := gaugeValue(t, reg, "baton_acknowledged_findings", labels); !ok || got != 0 {
				t.Errorf("baton_acknowledged_findings%v = %v (present %v), want 0", labels, got, ok)
			}
		}
	}
}
