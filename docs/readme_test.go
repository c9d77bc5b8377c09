package docs

import (
	"os"
	"strings"
	"testing"
)

// The README is the two-minute tour (issue 22): the two commands first,
// and short enough to read; the reference lives in docs/.
func TestTheReadmeStartsWithTheTwoCommandsAndStaysShort(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= 8<<10 {
		t.Errorf("README.md is %d bytes, want under 8 KB: move the detail to a page under docs/", len(b))
	}
	lines := strings.SplitN(string(b), "\n", 6)
	want := []string{"# baton", "", "```sh", "go run ./cmd/baton demo ", "go vet ./... && go test -race -count=1 ./... "}
	for i, w := range want {
		if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
			t.Fatalf("README.md line %d = %q, want it to start with %q", i+1, lines[min(i, len(lines)-1)], w)
		}
	}
}
