package deploy

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type ruleTestFile struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// decodeYAML decodes the first document of path into v; with strict, keys v
// has no field for are errors.
func decodeYAML(t *testing.T, path string, v any, strict bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	dec := yaml.NewDecoder(f)
	dec.KnownFields(strict)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestAlertRulesAreActionable checks the alerts issue 8 asks for exist, each
// with a severity and annotations saying what to do, over exported metrics.
func TestAlertRulesAreActionable(t *testing.T) {
	var rf ruleFile
	decodeYAML(t, "prometheus/baton-alerts.yml", &rf, true)
	_, series := exported(t)
	var alerts []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			if s := r.Labels["severity"]; s != "critical" && s != "warning" && s != "info" {
				t.Errorf("%s: severity %q, want critical, warning or info", r.Alert, s)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("%s: wants both summary and description annotations", r.Alert)
			}
			for _, n := range unknownNames(r.Expr, series) {
				t.Errorf("%s: %s is not a metric baton exports", r.Alert, n)
			}
		}
	}
	for _, want := range []string{"BatonSyncFailing", "BatonDataStale", "BatonAPIQuotaLow", "BatonStalledIssuesHigh",
		"BatonPriorityInversion", "BatonScheduleConflict", "BatonDependencyCycle", "BatonDown", "BatonReconcileWithholdingDeletions"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s in %v", want, alerts)
		}
	}
}

// TestEveryAlertHasFiringAndNearMissTests checks the promtool unit tests cover
// each alert both firing and, at some evaluation, not firing.
func TestEveryAlertHasFiringAndNearMissTests(t *testing.T) {
	var rf ruleFile
	decodeYAML(t, "prometheus/baton-alerts.yml", &rf, true)
	var tf ruleTestFile
	decodeYAML(t, "prometheus/baton-alerts_test.yml", &tf, false)
	if !slices.Equal(tf.RuleFiles, []string{"baton-alerts.yml"}) {
		t.Errorf("rule_files %v, want [baton-alerts.yml]", tf.RuleFiles)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range tf.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if !fires[r.Alert] || !quiet[r.Alert] {
				t.Errorf("%s: tested firing %v, not firing %v; want both", r.Alert, fires[r.Alert], quiet[r.Alert])
			}
		}
	}
}
