package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/jsonschema"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/store"
)

// ackFixture writes a store and a configuration around it: payments' P2
// jira:PAY-1, idle, waits on core's P4 github:acme/core#1, idle too; each
// team has an idle issue carrying its exempt label and one carrying the
// other team's. It returns the configuration file.
func ackFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "baton.db")
	cfg := filepath.Join(dir, "baton.yaml")
	text := `storage: {path: ` + db + `}
sources:
  - {name: gh, type: github, token: t0ken, repos: [acme/core]}
  - {name: jira, type: jira, url: https://acme.atlassian.net, email: bot@acme.com, token: t0ken, jql: project = PAY}
teams:
  - {name: core, github_repos: [acme/core]}
  - {name: payments, jira_projects: [PAY], rules: {exempt_labels: [pay:later]}}
`
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	idle := time.Now().Add(-10 * 24 * time.Hour)
	is := func(key string, prio int, labels ...string) model.Issue {
		k, _ := model.ParseKey(key)
		return model.Issue{Key: key, System: k.System, Title: "Work on " + key, Status: model.StatusInProgress,
			Assignees: []string{"alice"}, Priority: prio, Labels: labels, Created: idle.AddDate(0, -1, 0), Updated: idle, StatusChanged: idle}
	}
	pay1 := is("jira:PAY-1", 2)
	pay1.Links = []model.Link{{From: "github:acme/core#1", To: "jira:PAY-1", Type: model.Blocks, Origin: model.OriginJiraLink}}
	batches := []model.Batch{
		{Source: "gh", Issues: []model.Issue{is("github:acme/core#1", 4), is("github:acme/core#2", 3, "Baton:Ignore"), is("github:acme/core#3", 3, "pay:later")}},
		{Source: "jira", Issues: []model.Issue{pay1, is("jira:PAY-2", 3, "PAY:LATER"), is("jira:PAY-3", 3, "baton:ignore")}},
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, b := range batches {
		for i := range b.Issues {
			b.Issues[i].Source = b.Source
		}
		if _, err := st.ApplyBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

func mustBaton(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := runBaton(t, args...)
	if code != 0 {
		t.Fatalf("baton %v exited %d: %s", args, code, stderr)
	}
	return stdout
}

func TestE2EAckHidesFindingsUntilRemovedAndSurvivesRestarts(t *testing.T) {
	t.Parallel()
	cfg := ackFixture(t)
	before := findingsJSON(t, cfg)
	want := []string{"blocked_by_stalled jira:PAY-1", "idle github:acme/core#1", "idle github:acme/core#3",
		"idle jira:PAY-1", "idle jira:PAY-3", "priority_inversion jira:PAY-1"}
	if got := ruleIssues(before); !slices.Equal(got, want) {
		t.Fatalf("findings before any ack = %v, want %v (core#2 and PAY-2 exempt by their teams' labels)", got, want)
	}

	until := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	out := mustBaton(t, "--config", cfg, "ack", "jira:PAY-1", "--rule", "priority_inversion", "--for", "14d", "--reason", "core ships after the freeze", "--by", "tpm")
	if !strings.HasPrefix(out, "ack 1: 1 finding on jira:PAY-1") {
		t.Errorf("ack printed %q, want it to name ack 1 and its one finding", out)
	}
	mustBaton(t, "--config", cfg, "ack", "github:acme/core#1", "--until", until, "--reason", "parked")

	after := findingsJSON(t, cfg)
	want = []string{"blocked_by_stalled jira:PAY-1", "idle github:acme/core#3", "idle jira:PAY-1", "idle jira:PAY-3"}
	if got := ruleIssues(after); !slices.Equal(got, want) {
		t.Errorf("findings after the acks = %v, want %v", got, want)
	}

	text, all := findingsOut(t, cfg, "--all")
	schema, err := jsonschema.Load("../../analysis/findings.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateJSON([]byte(text)); err != nil {
		t.Errorf("findings --all --json does not match the schema: %v", err)
	}
	if got := ruleIssues(all); !slices.Equal(got, ruleIssues(before)) {
		t.Errorf("findings --all = %v, want every finding %v", got, ruleIssues(before))
	}
	for _, f := range all {
		acked := f.Issue == "github:acme/core#1" || f.Rule == "priority_inversion"
		if (f.Acknowledged != nil) != acked {
			t.Errorf("%s@%s: acknowledged %v, want %v", f.Rule, f.Issue, f.Acknowledged != nil, acked)
		}
		if f.Rule == "priority_inversion" && f.Acknowledged != nil && (f.Acknowledged.By != "tpm" || f.Acknowledged.Reason != "core ships after the freeze" ||
			f.Acknowledged.Until.Before(time.Now().AddDate(0, 0, 13))) {
			t.Errorf("inversion acknowledged as %+v, want by tpm, the reason, until in 14 days", *f.Acknowledged)
		}
	}
	if rollup := mustBaton(t, "--config", cfg, "rollup"); !strings.Contains(rollup, "ACKNOWLEDGED") || !strings.Contains(rollup, "core ships after the freeze (by tpm, until ") {
		t.Errorf("rollup has no acknowledged section with the inversion:\n%s", tail(rollup, 1200))
	}

	mustBaton(t, "--config", cfg, "ack", "rm", "1")
	if again := findingsJSON(t, cfg); !slices.Contains(ruleIssues(again), "priority_inversion jira:PAY-1") {
		t.Errorf("findings after ack rm 1 = %v, want the inversion back", ruleIssues(again))
	}
}

func TestE2EAckListShowsActiveAndRecentlyExpiredAcks(t *testing.T) {
	t.Parallel()
	cfg := ackFixture(t)
	mustBaton(t, "--config", cfg, "ack", "jira:PAY-1", "--for", "7d", "--reason", "all of it", "--by", "tpm")
	db := filepath.Join(filepath.Dir(cfg), "baton.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, days := range []int{5, 40} { // expired 5 and 40 days ago
		a := model.Ack{Issue: "jira:PAY-3", Until: now.AddDate(0, 0, -days), Reason: "old", By: "tpm", Created: now.AddDate(0, 0, -60), Severity: "warning"}
		if _, err := st.AddAck(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	var acks []struct {
		ID     int64  `json:"id"`
		Issue  string `json:"issue"`
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(mustBaton(t, "--config", cfg, "ack", "list", "--json")), &acks); err != nil {
		t.Fatal(err)
	}
	if len(acks) != 2 || acks[0].State != "active" || acks[0].Issue != "jira:PAY-1" || acks[1].State != "expired" || acks[1].ID != 2 {
		t.Errorf("ack list --json = %+v, want ack 1 active and ack 2 expired (ack 3, expired 40 days ago, left out)", acks)
	}
	table := mustBaton(t, "--config", cfg, "ack", "list")
	if !strings.Contains(table, "active") || !strings.Contains(table, "all of it") || !strings.Contains(table, "(all)") {
		t.Errorf("ack list table:\n%s\nwant ack 1, active, on every rule", table)
	}
}

func TestE2EAckBadInputIsAUsageError(t *testing.T) {
	t.Parallel()
	cfg := ackFixture(t)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"ack", "jira:PAY-1", "--until", "2020-01-01", "--reason", "x"}, "in the past"},
		{[]string{"ack", "jira:NOPE-1", "--for", "14d", "--reason", "x"}, `no issue "jira:NOPE-1"`},
		{[]string{"ack", "jira:PAY-1", "--rule", "stale", "--for", "14d", "--reason", "x"}, `unknown rule "stale"`},
		{[]string{"ack", "jira:PAY-1", "--for", "14d"}, "--reason"},
		{[]string{"ack", "jira:PAY-1", "--for", "14d", "--until", "2099-01-01", "--reason", "x"}, "exactly one"},
		{[]string{"ack", "jira:PAY-1", "--for", "soon", "--reason", "x"}, "--for"},
		{[]string{"ack", "jira:PAY-2", "--for", "14d", "--reason", "x"}, "nothing to acknowledge"},
		{[]string{"ack", "rm", "99"}, "no ack 99"},
		{[]string{"ack", "rm", "one"}, "ack ID"},
	} {
		_, stderr, code := runBaton(t, append([]string{"--config", cfg}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, stderr, tc.says)
		}
	}
	if out := mustBaton(t, "--config", cfg, "ack", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("bad input recorded acks: %s", out)
	}
}
