package analysis

import (
	"math"
	"time"

	"github.com/batonhq/baton/model"
)

// The rules on issues and on edges compare deadlines of every open issue
// with now and with each other, and each model.Deadline read the record's
// due date and its iteration, allocated apart: a cache miss or two, twice an
// issue. The graph keeps each node's deadline end as Unix nanoseconds,
// found while the record is read for its node; the rules read the record
// only for what goes into a finding.
const (
	noDeadline  = math.MinInt64     // no due date and no iteration end
	farDeadline = math.MinInt64 + 1 // beyond int64 nanoseconds: the record has it
)

// The instants Unix nanoseconds hold, but for the two above.
var (
	firstNano = time.Unix(0, farDeadline+1)
	lastNano  = time.Unix(0, math.MaxInt64)
)

// deadlineEnd returns when is' deadline in loc passes, in Unix nanoseconds,
// or noDeadline, or farDeadline.
func deadlineEnd(is *model.Issue, loc *time.Location) int64 {
	d, ok := is.Deadline(loc)
	switch {
	case !ok:
		return noDeadline
	case d.End.Before(firstNano) || d.End.After(lastNano):
		return farDeadline
	}
	return d.End.UnixNano()
}

// passes returns the instant node v's deadline passes, for comparing only
// (its zone is not the record's); ok is false when v has no deadline.
func (a *analysis) passes(v int32) (end time.Time, ok bool) {
	switch e := a.g.ends[v]; e {
	case noDeadline:
		return time.Time{}, false
	case farDeadline:
		d, _ := a.g.issues[v].Deadline(a.loc)
		return d.End, true
	default:
		return time.Unix(0, e), true
	}
}
