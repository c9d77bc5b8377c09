package model

import "time"

// Target is the date the issue is expected to be finished by, as people read
// it: its due date, else the end of its iteration. The zero time means none.
func (i *Issue) Target() time.Time {
	if !i.Due.IsZero() {
		return i.Due
	}
	if i.Iteration != nil {
		return i.Iteration.End
	}
	return time.Time{}
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
