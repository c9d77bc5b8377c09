package apisim

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/config"
	ghconn "github.com/batonhq/baton/connectors/github"
	jiraconn "github.com/batonhq/baton/connectors/jira"
	"github.com/batonhq/baton/model"
)

// TestAnalysisFindsExactlyThePlantedCases syncs a generated organisation with
// the real connectors, analyses it with the default rules a day after it was
// generated, and expects every planted positive, no near miss, and nothing
// else: background issues must stay clean. (Run once at 200,000 issues too:
// the same 27 findings.)
func TestAnalysisFindsExactlyThePlantedCases(t *testing.T) {
	for _, deployment := range []string{"cloud", "server"} {
		t.Run(deployment, func(t *testing.T) {
			spec := DemoSpec()
			spec.Issues, spec.JiraDeployment = 2000, deployment
			o, cfg := servedConfig(t, spec)
			issues := syncAll(t, cfg)
			for _, at := range []time.Time{t0, t0.Add(day - time.Minute)} {
				rep := analysis.Analyze(analysis.Input{Issues: issues, Teams: cfg.Teams, Rules: cfg.Rules, Now: at})
				var got, want []string
				for _, f := range rep.Findings {
					got = append(got, f.Rule+" "+f.Issue)
				}
				for _, c := range o.Planted() {
					if !c.NearMiss {
						want = append(want, c.Rule+" "+c.Issue)
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("at %v: findings (-planted +analysis):\n%s", at, diff)
				}
			}
		})
	}
}

// servedConfig serves the organisation of spec and parses the configuration
// that syncs it.
func servedConfig(t *testing.T, spec Spec) (*Org, *config.Config) {
	t.Helper()
	o, gh, js := serveOrg(t, spec)
	cfg, err := config.Parse("sim.yaml", []byte(o.ConfigYAML(gh.URL+"/", js.URL)))
	if err != nil {
		t.Fatal(err)
	}
	return o, cfg
}

// syncAll runs both sources once and returns every issue they emitted.
func syncAll(t *testing.T, cfg *config.Config) []model.Issue {
	t.Helper()
	now := func() time.Time { return t0 }
	ghs, err := ghconn.New(cfg.Sources[0], ghconn.Options{Status: cfg.Status.GitHub, Priority: cfg.Priority.GitHubLabels, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	js, err := jiraconn.New(cfg.Sources[1], jiraconn.Options{Status: cfg.Status.Jira, Priority: cfg.Priority.JiraNames, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]model.Issue{}
	emit := func(_ context.Context, b model.Batch) error {
		for _, is := range b.Issues {
			byKey[is.Key] = is
		}
		return nil
	}
	for _, s := range []interface {
		Sync(context.Context, map[string]string, func(context.Context, model.Batch) error) error
	}{ghs, js} {
		if err := s.Sync(context.Background(), map[string]string{}, emit); err != nil {
			t.Fatalf("syncing: %v", err)
		}
	}
	out := make([]model.Issue, 0, len(byKey))
	for _, is := range byKey {
		out = append(out, is)
	}
	if len(out) < 2000 {
		t.Fatalf("synced %d issues, want at least 2000", len(out))
	}
	return out
}

// TestBoardTeamsFindTheSameAsLabelTeams generates the same organisation
// twice, once with the core and mobile teams moving issues across a
// Projects board and once with every team labelling, and expects the very
// same findings, whole: a board is as good a source of status and status
// change times as labels.
func TestBoardTeamsFindTheSameAsLabelTeams(t *testing.T) {
	findings := func(labelsOnly bool) []analysis.Finding {
		spec := DemoSpec()
		spec.Issues, spec.LabelsOnly = 2000, labelsOnly
		_, cfg := servedConfig(t, spec)
		if got := len(cfg.Status.GitHub.Projects); got != map[bool]int{false: 2, true: 0}[labelsOnly] {
			t.Fatalf("labels only %v: %d boards configured", labelsOnly, got)
		}
		return analysis.Analyze(analysis.Input{Issues: syncAll(t, cfg), Teams: cfg.Teams, Rules: cfg.Rules, Now: t0}).Findings
	}
	boards, labels := findings(false), findings(true)
	if len(boards) == 0 {
		t.Fatal("no findings")
	}
	if diff := cmp.Diff(labels, boards); diff != "" {
		t.Errorf("findings (-labels everywhere +boards for core and mobile):\n%s", diff)
	}
}
