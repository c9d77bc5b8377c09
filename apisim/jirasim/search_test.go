package jirasim

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// TestSearchByUpdatedThenKeyMatchesFilterAndSort runs the queries a sync
// pages with (updated order from a bound, answered from the updated index)
// over issues with tied times and keys of different lengths, before and
// after an edit, and wants what filtering every issue and sorting gives,
// or its first hits when only those are needed.
func TestSearchByUpdatedThenKeyMatchesFilterAndSort(t *testing.T) {
	sim, err := New(Options{Email: "e", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		at := t0.Add(time.Duration(i%7) * time.Minute)
		if _, err := sim.AddIssue(Issue{Project: fmt.Sprint("P", 1+i%2), Summary: "s", Status: "To Do", Created: at, Updated: at}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(from time.Time, strict bool, project string) []string {
		var keys []*record
		for _, r := range sim.order {
			if (r.Updated.After(from) || !strict && r.Updated.Equal(from)) && (project == "" || r.Project == project) {
				keys = append(keys, r)
			}
		}
		slices.SortFunc(keys, func(a, b *record) int { return cmp.Or(a.Updated.Compare(b.Updated), compareKeys(a.Key, b.Key)) })
		var out []string
		for _, r := range keys {
			out = append(out, r.Key)
		}
		return out
	}
	check := func(when string) {
		t.Helper()
		from := t0.Add(2 * time.Minute) // 10:02 in the account's zone
		for _, tc := range []struct {
			jql     string
			strict  bool
			project string
		}{
			{`project in (P1, P2) AND updated >= "2026/11/20 10:02" ORDER BY updated ASC, key ASC`, false, ""},
			{`(project = P2 AND updated > "2026/11/20 10:02") ORDER BY updated`, true, "P2"},
			{`updated >= "2026/11/20 09:00" AND project = P1 AND updated >= "2026/11/20 10:02" ORDER BY updated ASC, issuekey ASC`, false, "P1"},
		} {
			all := want(from, tc.strict, tc.project)
			// A page's worth first: only the first hits, and a prefix is
			// never kept as the whole result.
			for _, need := range []int{5, 0} {
				got, err := sim.search(tc.jql, false, need)
				if err != nil {
					t.Fatal(err)
				}
				wantKeys := all
				if need > 0 {
					wantKeys = all[:need]
				}
				var keys []string
				for _, r := range got {
					keys = append(keys, r.Key)
				}
				if diff := gocmp.Diff(wantKeys, keys); diff != "" {
					t.Errorf("%s: %s needing %d (-want +got):\n%s", when, tc.jql, need, diff)
				}
			}
		}
	}
	check("before an edit")
	if err := sim.Touch("P1-3"); err != nil {
		t.Fatal(err)
	}
	check("after an edit")
}
