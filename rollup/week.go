package rollup

import (
	"fmt"
	"time"
)

// Week is an ISO 8601 week in the configured zone: the unit rollups are sent
// and remembered by.
type Week struct {
	Year  int
	Num   int
	Start time.Time // Monday 00:00 in the zone
}

// WeekOf returns the ISO week that t falls in, seen from loc.
func WeekOf(t time.Time, loc *time.Location) Week {
	t = t.In(loc)
	year, num := t.ISOWeek()
	daysSinceMonday := (int(t.Weekday()) + 6) % 7
	y, m, d := t.AddDate(0, 0, -daysSinceMonday).Date()
	return Week{Year: year, Num: num, Start: time.Date(y, m, d, 0, 0, 0, 0, loc)}
}

// String is the ledger's form of the week, e.g. "2026-W48".
func (w Week) String() string { return fmt.Sprintf("%d-W%02d", w.Year, w.Num) }

// End is the first instant of the following week.
func (w Week) End() time.Time {
	y, m, d := w.Start.Date()
	return time.Date(y, m, d+7, 0, 0, 0, 0, w.Start.Location())
}

// Prev returns the week before w.
func (w Week) Prev() Week {
	y, m, d := w.Start.Date()
	return WeekOf(time.Date(y, m, d-7, 12, 0, 0, 0, w.Start.Location()), w.Start.Location())
}
