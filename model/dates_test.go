package model

import (
	"testing"
	"time"
)

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
