package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

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

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("%s differs from %s (-got +want):\n%s", name, path, diff)
	}
}

func TestFindingsTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, scenario(t).Findings); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.table", b.Bytes())
}

func TestFindingsJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, scenario(t).Findings); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.json", b.Bytes())
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
			golden(t, c.name, b.Bytes())
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
