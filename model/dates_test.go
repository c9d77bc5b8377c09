package model

import (
	"testing"
	"time"
)

func TestDeadlineIsTheDueDayInTheZoneElseTheIterationEnd(t *testing.T) {
	tokyo := time.FixedZone("Asia/Tokyo", 9*60*60) // exact: Tokyo keeps no summer time
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 12, 11, 17, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		is     Issue
		loc    *time.Location
		want   Deadline
		wantOK bool
	}{
		{"due, UTC", Issue{Due: due, Iteration: &Iteration{End: end}}, time.UTC,
			Deadline{due, due.Add(24 * time.Hour)}, true},
		{"due, Tokyo", Issue{Due: due}, tokyo,
			Deadline{time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)}, true},
		{"iteration end, in any zone", Issue{Iteration: &Iteration{End: end}}, tokyo, Deadline{end, end}, true},
		{"an iteration without an end", Issue{Iteration: &Iteration{Name: "Backlog"}}, time.UTC, Deadline{}, false},
		{"neither", Issue{}, time.UTC, Deadline{}, false},
	} {
		got, ok := tt.is.Deadline(tt.loc)
		if ok != tt.wantOK || !got.Start.Equal(tt.want.Start) || !got.End.Equal(tt.want.End) {
			t.Errorf("%s: Deadline = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDoneAtIsTheCloseTimeAsWellAsItIsKnown(t *testing.T) {
	closed := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	changed, updated := closed.Add(-time.Hour), closed.Add(time.Hour)
	for _, tt := range []struct {
		name string
		is   Issue
		want time.Time
	}{
		{"closed", Issue{Status: StatusDone, Closed: closed, StatusChanged: changed, Updated: updated}, closed},
		{"no close time: the last status change", Issue{Status: StatusDone, StatusChanged: changed, Updated: updated}, changed},
		{"nothing but an update", Issue{Status: StatusDone, Updated: updated}, updated},
		{"open, though once closed", Issue{Status: StatusInProgress, Closed: closed, Updated: updated}, time.Time{}},
	} {
		if got := tt.is.DoneAt(); !got.Equal(tt.want) {
			t.Errorf("%s: DoneAt() = %s, want %s", tt.name, got, tt.want)
		}
	}
}
