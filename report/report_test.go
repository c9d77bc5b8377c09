package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/golden"
)

// scenario is what analysis finds in its test organisation, which has at
// least one finding of every rule; analysis' own golden test keeps the file.
func scenario(t *testing.T) *analysis.Report {
	t.Helper()
	b, err := os.ReadFile("../analysis/testdata/scenario.report.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	var r analysis.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decoding the scenario: %v", err)
	}
	return &r
}

func TestFindingsTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, scenario(t).Findings); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/findings.table.golden", b.Bytes())
}

func TestFindingsJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, scenario(t).Findings); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/findings.json.golden", b.Bytes())
}

func TestDepsGolden(t *testing.T) {
	for _, c := range []struct {
		name, format string
		opts         DepsOptions
	}{
		{"deps.dot", "dot", DepsOptions{}},
		{"deps.mermaid", "mermaid", DepsOptions{}},
		{"deps.json", "json", DepsOptions{}},
		{"deps.core.crossteam.dot", "dot", DepsOptions{Team: "core", CrossTeamOnly: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteDeps(&b, scenario(t), c.format, c.opts); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", c.name+".golden"), b.Bytes())
		})
	}
}

func TestWriteDepsRejectsUnknownFormatAndTeam(t *testing.T) {
	var b bytes.Buffer
	err := WriteDeps(&b, scenario(t), "svg", DepsOptions{})
	if err == nil || !strings.Contains(err.Error(), `"svg"`) || !strings.Contains(err.Error(), "dot, mermaid, json") {
		t.Errorf("format svg: err = %v, want one naming svg and the valid formats", err)
	}
	err = WriteDeps(&b, scenario(t), "dot", DepsOptions{Team: "nobody"})
	if err == nil || !strings.Contains(err.Error(), "slow, core, payments") {
		t.Errorf("team nobody: err = %v, want one listing the configured teams", err)
	}
}

func TestWriteJSONOfNoFindingsIsAnEmptyArray(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "[]\n" {
		t.Errorf("WriteJSON(nil) = %q, want %q", got, "[]\n")
	}
	b.Reset()
	if err := WriteTable(&b, nil); err != nil || b.String() != "No findings.\n" {
		t.Errorf("WriteTable(nil) = %q, %v; want %q", b.String(), err, "No findings.\n")
	}
}
