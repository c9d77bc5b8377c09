package rollup

import (
	"testing"
	"time"
)

func TestWeekOf(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at        time.Time
		loc       *time.Location
		want      string
		wantStart time.Time
		wantPrev  string
	}{
		{now, time.UTC, "2026-W48", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), "2026-W47"},
		// Sunday 23:30 UTC is already Monday in Berlin.
		{time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), time.UTC, "2026-W48", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), "2026-W47"},
		{time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), berlin, "2026-W49", time.Date(2026, 11, 30, 0, 0, 0, 0, berlin), "2026-W48"},
		// 1 January 2027 is a Friday of 2026's last ISO week, which has 53 weeks.
		{time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC, "2026-W53", time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), "2026-W52"},
		{time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), time.UTC, "2027-W01", time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), "2026-W53"},
		// Across the end of summer time the week still starts at local midnight.
		{time.Date(2026, 10, 28, 12, 0, 0, 0, berlin), berlin, "2026-W44", time.Date(2026, 10, 26, 0, 0, 0, 0, berlin), "2026-W43"},
	}
	for _, c := range cases {
		w := WeekOf(c.at, c.loc)
		if w.String() != c.want || !w.Start.Equal(c.wantStart) || w.Prev().String() != c.wantPrev {
			t.Errorf("WeekOf(%v, %v) = %s from %v (prev %s), want %s from %v (prev %s)",
				c.at, c.loc, w, w.Start, w.Prev(), c.want, c.wantStart, c.wantPrev)
		}
		if got := w.End().Sub(w.Start); got < 167*time.Hour || got > 169*time.Hour {
			t.Errorf("week %s lasts %v", w, got)
		}
	}
}
