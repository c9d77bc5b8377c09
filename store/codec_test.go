package store

import (
	"encoding/json"
	"testing"
	"time"
)

// TestListsAreWrittenAsEncodingJSONWritesThem pins issueArgs' own list
// encoding to encoding/json's, strings that need escaping included.
func TestListsAreWrittenAsEncodingJSONWritesThem(t *testing.T) {
	for _, l := range [][]string{
		{"team:payments"}, {"in progress", "P1", ""}, {`say "hi"`, `back\slash`}, {"a<b", "c&d", "e>f"},
		{"tab\there", "new\nline", "\x7f"}, {"équipe", "🚀"}, {"bad \xff utf-8"},
	} {
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := jsonStrings(l); err != nil || got != string(want) {
			t.Errorf("jsonStrings(%q) = %v, %v; want %s", l, got, err, want)
		}
	}
	ts := []time.Time{now, now.Add(-time.Hour), time.UnixMilli(-5)}
	var ms []int64
	for _, x := range ts {
		ms = append(ms, x.UnixMilli())
	}
	want, _ := json.Marshal(ms)
	if got := jsonMillis(ts); got != string(want) {
		t.Errorf("jsonMillis(%v) = %v, want %s", ts, got, want)
	}
	if got, _ := jsonStrings(nil); got != nil || jsonMillis(nil) != nil {
		t.Errorf("empty lists = %v and %v, want NULL", got, jsonMillis(nil))
	}
}
