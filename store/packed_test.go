package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/model"
)

// The values packed into one JSON array come back as they were written,
// whatever characters they hold.
func TestLoadIssuesRoundTripsPackedValuesThatNeedEscaping(t *testing.T) {
	s := openTestStore(t)
	is := fullIssue("jira:PAY-1", now)
	is.Body = ""
	is.Source, is.RawStatus, is.RawResolution = `jira "eu"`, `Wait\ing`+"\n\t\x01", "Won't ✓ \u2028"
	is.RawPriority, is.Iteration.Name, is.Iteration.State = `[","]`, `Sprint "48" \ end`, ""
	is.Created, is.Priority = time.UnixMilli(-1000).UTC(), 0
	apply(t, s, model.Batch{Source: is.Source, Issues: []model.Issue{is}})
	got, err := s.LoadIssues(context.Background(), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]model.Issue{is}, got); diff != "" {
		t.Errorf("LoadIssues (-want +got):\n%s", diff)
	}
}

// Bytes that are not UTF-8 come back as they were written beside escaped
// characters too, as they did from the columns the packed one replaced.
func TestLoadIssuesRoundTripsBytesThatAreNotUTF8BesideEscapes(t *testing.T) {
	s := openTestStore(t)
	is := fullIssue("jira:PAY-1", now)
	is.RawStatus, is.RawResolution = "\xff \"q\" \\ \x01 \u00e9", "\xfe\xff\n"
	apply(t, s, model.Batch{Source: is.Source, Issues: []model.Issue{is}})
	got, ok, err := s.Issue(context.Background(), is.Key)
	if err != nil || !ok {
		t.Fatalf("Issue(%s) = %v, %v", is.Key, ok, err)
	}
	if got.RawStatus != is.RawStatus || got.RawResolution != is.RawResolution {
		t.Errorf("read back RawStatus %q, RawResolution %q; want %q, %q", got.RawStatus, got.RawResolution, is.RawStatus, is.RawResolution)
	}
}

func TestUnpackRejectsWhatJSONArrayCannotHaveWritten(t *testing.T) {
	var s string
	var n int
	var ns sql.NullString
	var ni sql.NullInt64
	dest := []any{&s, &n, &ns, &ni}
	if err := unpack(`["a",1,null,null]`, dest); err != nil || s != "a" || n != 1 || ns.Valid || ni.Valid {
		t.Errorf("unpack = %v: %q %d %v %v; want a 1 and two NULLs", err, s, n, ns, ni)
	}
	for _, bad := range []struct{ text, want string }{
		{`"a",1,null,null`, "not a JSON array"},
		{`["a",1,null]`, "has 3 elements, want 4"},
		{`["a",1,null,null,2]`, "more than 4 elements"},
		{`[null,1,null,null]`, "cannot be NULL"},
		{`["a,1,null,null]`, "ends inside a string"},
		{`["a","1",null,null]`, "element 1"},
		{`["a\",1,null,null]`, "ends inside a string"},
		{`["a\x",1,null,null]`, "escape json_array does not write"},
		{`["a\u00e",1,null,null]`, "escape json_array does not write"},
		{`["a\u00eg",1,null,null]`, "invalid syntax"},
	} {
		if err := unpack(bad.text, dest); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("unpack(%s) error = %v, want one saying %q", bad.text, err, bad.want)
		}
	}
}
