package analysis

import (
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

func TestDeadlineEndsInTheGraphPassWhenTheRecordsDoEvenBeyondNanoseconds(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	issues := []model.Issue{
		{},
		{Due: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{Iteration: &model.Iteration{Name: "Sprint", End: now.Add(time.Hour + 7)}},
		{Iteration: &model.Iteration{Name: "Sprint"}}, // no end: no deadline
		{Due: time.Date(2400, 1, 2, 0, 0, 0, 0, time.UTC)},
		{Iteration: &model.Iteration{Name: "Sprint", End: time.Date(1500, 6, 1, 9, 0, 0, 1, berlin)}},
	}
	for _, loc := range []*time.Location{time.UTC, berlin} {
		for i := range issues {
			is := &issues[i]
			end := deadlineEnd(is, loc)
			if far := i >= 4; (end == farDeadline) != far { // issues 4 and 5 lie beyond int64 nanoseconds
				t.Errorf("in %s, issue %d: end %d is farDeadline: %t, want %t", loc, i, end, end == farDeadline, far)
			}
			a := &analysis{loc: loc, g: &graph{issues: []model.Issue{*is}, ends: []int64{end}}}
			got, ok := a.passes(0)
			want, wantOK := is.Deadline(loc)
			if ok != wantOK || !got.Equal(want.End) {
				t.Errorf("in %s, issue %d passes at %v, %t; want %v, %t", loc, i, got, ok, want.End, wantOK)
			}
		}
	}
}
