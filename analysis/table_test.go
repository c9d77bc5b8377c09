package analysis

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docRules reads the rule tables of docs/findings.md: each rule's name and
// its severity cell, in the order the docs list them.
func docRules(t *testing.T) (names, severities []string) {
	t.Helper()
	b, err := os.ReadFile("../docs/findings.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([a-z_]+)` \\|(?: [^|]* \\|){2} ([^|]*) \\|")
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "Stalled rules, on"), strings.HasPrefix(line, "Misaligned rules ("):
			section = line
		case strings.HasPrefix(line, "#"):
			section = ""
		}
		if m := row.FindStringSubmatch(line); m != nil && section != "" {
			names, severities = append(names, m[1]), append(severities, m[2])
		}
	}
	return names, severities
}

func TestTheDocsListEveryRuleInTableOrderWithItsSeverity(t *testing.T) {
	names, severities := docRules(t)
	if want := tableNames(); !slices.Equal(names, want) {
		t.Fatalf("docs/findings.md lists the rules %v, want the table's %v", names, want)
	}
	for i, r := range Rules {
		if !strings.Contains(severities[i], r.Severity) {
			t.Errorf("docs/findings.md gives %s the severity %q, want one naming the table's %s", r.Name, severities[i], r.Severity)
		}
	}
}

// The README's "What it finds" lists the rules one line each, in the
// table's order: its only table whose first column is in code.
func TestTheReadmeListsEveryRuleInTableOrder(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|")
	var names []string
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		names = append(names, m[1])
	}
	if want := tableNames(); !slices.Equal(names, want) {
		t.Errorf("README.md lists the rules %v, want the table's %v", names, want)
	}
}

func TestTheRuleListsAreTheTableByKind(t *testing.T) {
	if got, want := slices.Concat(StalledRules, MisalignedRules), tableNames(); !slices.Equal(got, want) {
		t.Errorf("StalledRules then MisalignedRules = %v, want the table's order %v", got, want)
	}
	for _, r := range Rules {
		list := MisalignedRules
		if r.Kind == KindStalled {
			list = StalledRules
		}
		if !slices.Contains(list, r.Name) {
			t.Errorf("%s (%s) is missing from its kind's list %v", r.Name, r.Kind, list)
		}
	}
}

// Every finding takes its rule's kind, and its severity unless the check
// raised it: overdue by more than a week, an inversion keeping a P1 waiting.
func TestFindingsTakeKindAndSeverityFromTheTable(t *testing.T) {
	raised := map[string]bool{}
	for _, f := range scenario().Findings {
		r := Rules[RuleIndex(f.Rule)]
		if f.Kind != r.Kind {
			t.Errorf("%s@%s has kind %s, want %s", f.Rule, f.Issue, f.Kind, r.Kind)
		}
		if f.Severity != r.Severity {
			raised[f.Rule] = true
		}
	}
	if want := map[string]bool{RuleOverdue: true, RulePriorityInversion: true}; !maps.Equal(raised, want) {
		t.Errorf("rules whose findings raised the severity: %v, want %v", raised, want)
	}
}

func tableNames() []string {
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = r.Name
	}
	return names
}
