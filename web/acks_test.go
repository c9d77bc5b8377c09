package web

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

func TestTheDashboardShowsAcknowledgedFindingsAndExemptIssues(t *testing.T) {
	in := fixtureInput()
	sev, related, n := analysis.Snapshot(analysis.Analyze(in).Findings, "jira:PAY-2", "")
	if n == 0 {
		t.Fatal("the fixture has no finding on jira:PAY-2")
	}
	in.Acks = []model.Ack{{ID: 1, Issue: "jira:PAY-2", Until: now.AddDate(0, 0, 13), Reason: "vendor SDK fix lands in December",
		By: "tpm", Severity: sev, Related: related}}
	for i := range in.Issues {
		if in.Issues[i].Key == "github:acme/platform#8" {
			in.Issues[i].Labels = []string{"Baton:Ignore"}
		}
	}
	for i := range in.Teams {
		in.Teams[i].Rules.ExemptLabels = []string{"baton:ignore"}
	}
	r := analysis.Analyze(in)
	if len(r.Acknowledged) == 0 || len(r.Exempt) != 1 {
		t.Fatalf("fixture: %d acknowledged, exempt %v; want some and platform#8", len(r.Acknowledged), r.Exempt)
	}
	h := fixtureSite(r)
	ack := "by tpm until 2026-12-10: vendor SDK fix lands in December"
	for path, wants := range map[string][]string{
		"/findings":                        {`<h2 id="acknowledged">Acknowledged</h2>`, ack, "1 issue carries an exempt label"},
		"/findings?team=payments":          {ack},
		"/issues/jira:PAY-2":               {`<span class="badge">acknowledged</span>`, ack},
		"/issues/github:acme/platform%238": {`<span class="badge">exempt</span>`},
	} {
		_, body := get(t, h, path)
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s does not show %q", path, want)
			}
		}
	}
	if _, body := get(t, h, "/findings?team=core"); strings.Contains(body, "Acknowledged") {
		t.Errorf("GET /findings?team=core lists payments' acknowledged findings")
	}
	if _, body := get(t, fixtureSite(fixtureReport()), "/findings"); strings.Contains(body, "acknowledged") || strings.Contains(body, "exempt label") {
		t.Errorf("GET /findings without acks or exempt issues mentions them")
	}
}
