package docs

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// rows returns the submatches of row on each line of the page at path that
// it matches: the cells of a table, in order.
func rows(t *testing.T, path string, row *regexp.Regexp) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(string(b), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// sameTable reports where the table of page (name → a cell: severity,
// labels) differs from what the code has, in want, of which source says
// where it comes from.
func sameTable(t *testing.T, page, cell, source string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s does not document %s", page, name)
		case g != w:
			t.Errorf("%s gives %s the %s %q, want %q", page, name, cell, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s documents %s, which %s does not have", page, name, source)
		}
	}
}
