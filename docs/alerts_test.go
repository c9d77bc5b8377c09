package docs

import (
	"os"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"
)

// shippedAlerts returns each alert of deploy/prometheus/baton-alerts.yml
// with its severity label.
func shippedAlerts(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../deploy/prometheus/baton-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Groups []struct {
			Rules []struct {
				Alert  string            `yaml:"alert"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				out[r.Alert] = r.Labels["severity"]
			}
		}
	}
	return out
}

// documentedAlerts returns the rows of alerts.md's table: each alert with
// its severity.
func documentedAlerts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range rows(t, "alerts.md", regexp.MustCompile("^\\| `(Baton[A-Za-z]+)` \\| ([a-z]+) \\|")) {
		out[m[1]] = m[2]
	}
	return out
}

func TestAlertsDocumentsEveryShippedAlertWithItsSeverity(t *testing.T) {
	got, want := documentedAlerts(t), shippedAlerts(t)
	if len(want) < 10 {
		t.Fatalf("baton-alerts.yml has %d alerts, want the ten-odd there are", len(want))
	}
	sameTable(t, "alerts.md", "severity", "baton-alerts.yml", got, want)
}
