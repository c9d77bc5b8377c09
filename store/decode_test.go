package store

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The fast path of stringList must agree with encoding/json on everything
// json.Marshal can write.
func TestStringListDecodesWhatJSONEncodes(t *testing.T) {
	for _, l := range [][]string{
		{"a"},
		{""},
		{"", ""},
		{"team:payments", "in progress"},
		{`say "hi"`, `a","b`, `back\slash`},
		{"<script>&", "ü ✓", "line\nbreak", "\u2028"},
		{"[", "]", `"`, ","},
	} {
		text, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := stringList(sql.NullString{String: string(text), Valid: true}, newInterner())
		if err != nil {
			t.Errorf("stringList(%s): %v", text, err)
			continue
		}
		if diff := cmp.Diff(l, got); diff != "" {
			t.Errorf("stringList(%s) (-want +got):\n%s", text, diff)
		}
	}
	if got, err := stringList(sql.NullString{}, newInterner()); got != nil || err != nil {
		t.Errorf("stringList(NULL) = %v, %v; want nil, nil", got, err)
	}
	if _, err := stringList(sql.NullString{String: `["a",`, Valid: true}, newInterner()); err == nil {
		t.Error("stringList of a truncated array succeeded, want an error")
	}
}

func TestTimeListDecodesMillisecondsAndRejectsGarbage(t *testing.T) {
	got, err := timeList(sql.NullString{String: "[-1000,0,1764158400123]", Valid: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.UnixMilli(-1000).UTC(), time.UnixMilli(0).UTC(), time.UnixMilli(1764158400123).UTC()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeList (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "[]", "[1,x]", "1,2", `["1"]`} {
		if _, err := timeList(sql.NullString{String: bad, Valid: true}); err == nil || !strings.Contains(err.Error(), "not a JSON array") {
			t.Errorf("timeList(%q) error = %v, want one saying it is not a JSON array of numbers", bad, err)
		}
	}
}
