package github

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

func readFixture[T any](t *testing.T, path string) T {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return v
}

// TestDocumentedShapesConvert reads the documented field and item examples
// (testdata/projects) as the connector does.
func TestDocumentedShapesConvert(t *testing.T) {
	fields := readFixture[[]projectField](t, "testdata/projects/fields.json")
	p := config.GitHubProject{Owner: "github", Number: 1, Field: "status", InProgress: []string{"in progress"}, Done: []string{"DONE"}}
	b, err := newBoard(p, "orgs/github/projectsV2/1", fields)
	if err != nil {
		t.Fatal(err)
	}
	if b.fieldID != 67891 {
		t.Errorf("field id %d, want 67891 (Status)", b.fieldID)
	}
	items := b.pageItems(readFixture[[]listedItem](t, "testdata/projects/items.json"))
	want := []pageItem{
		{Key: "github:github/hello-world#7", Option: "In Progress", Updated: time.Date(2025, 8, 7, 9, 0, 0, 0, time.UTC).Unix()},
		{Key: "github:github/hello-world#8", Updated: time.Date(2025, 8, 2, 9, 0, 0, 0, time.UTC).Unix()},
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Fatalf("items (-want +got; the pull request is left out):\n%s", diff)
	}
	for i, st := range []model.Status{model.StatusInProgress, model.StatusTodo} {
		if got := b.place(0, items[i]).status; got != st {
			t.Errorf("%s: %s, want %s", items[i].Key, got, st)
		}
	}
}

func TestDocumentedFieldsRefuseAnUnknownOption(t *testing.T) {
	fields := readFixture[[]projectField](t, "testdata/projects/fields.json")
	p := config.GitHubProject{Owner: "github", Number: 1, Field: "Status", Blocked: []string{"Blocked"}}
	_, err := newBoard(p, "orgs/github/projectsV2/1", fields)
	want := `project github/1: field "Status" has no option "Blocked"; its options are "Todo", "In Progress", "Done"`
	if err == nil || err.Error() != want {
		t.Errorf("newBoard: %v, want %s", err, want)
	}
}
