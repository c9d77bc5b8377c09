package model

import "time"

// Target is the date the issue is expected to be finished by, as people read
// it: its due date, else the end of its iteration. The zero time means none.
// Rules compare Deadline, which places the due day in the organisation's zone.
func (i *Issue) Target() time.Time {
	if !i.Due.IsZero() {
		return i.Due
	}
	if i.Iteration != nil {
		return i.Iteration.End
	}
	return time.Time{}
}

// Deadline is an issue's target as instants, for the organisation's time
// zone loc: the due day from its first moment (Start) to the midnight after
// it (End), else the end of its iteration for both. ok is false when the
// issue has neither. Every rule reads targets through it, so that a due day
// begins and ends at the same moments for all of them.
type Deadline struct {
	Start time.Time // when the target day begins: how near it is
	End   time.Time // when the target has passed: overdue from then on
}

// Deadline returns the issue's deadline in loc (the configured timezone).
// Due dates are stored as midnight UTC of the day; the day is the same
// calendar day wherever the organisation is.
func (i *Issue) Deadline(loc *time.Location) (d Deadline, ok bool) {
	if !i.Due.IsZero() {
		y, m, day := i.Due.Date()
		return Deadline{time.Date(y, m, day, 0, 0, 0, 0, loc), time.Date(y, m, day+1, 0, 0, 0, 0, loc)}, true
	}
	if i.Iteration != nil && !i.Iteration.End.IsZero() {
		return Deadline{i.Iteration.End, i.Iteration.End}, true
	}
	return Deadline{}, false
}

// DoneAt is when a done issue was finished: its close time, else its last
// status change, else its last update. It is zero for an open issue.
func (i *Issue) DoneAt() time.Time {
	switch {
	case i.Open():
		return time.Time{}
	case !i.Closed.IsZero():
		return i.Closed
	case !i.StatusChanged.IsZero():
		return i.StatusChanged
	}
	return i.Updated
}
