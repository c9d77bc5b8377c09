package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// interner shares one copy of each repeated value among the issues of a
// load (statuses, teams, people, labels, and whole lists of them and
// iterations, which issues share unchanged), which keeps large loads small.
// The shared lists and iterations must not be changed in place.
type interner struct {
	strs  map[string]string
	lists map[string][]string // by their JSON text
	iters map[iterationKey]*model.Iteration
}

type iterationKey struct {
	name, state string
	start, end  int64
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, lists: map[string][]string{}, iters: map[iterationKey]*model.Iteration{}}
}

func (in *interner) get(s string) string {
	if v, ok := in.strs[s]; ok {
		return v
	}
	s = strings.Clone(s) // not a slice of a larger scanned value
	in.strs[s] = s
	return s
}

// issueRow receives one row of selectIssues.
type issueRow struct {
	key, source, system, url, title                           string
	status, rawStatus, resolution, rawResolution, rawPriority string
	assignees, labels, components, activity, mirrors          sql.NullString
	priority                                                  int
	created, updated, statusChanged, closed, due              sql.NullInt64
	itName, itState                                           sql.NullString
	itStart, itEnd                                            sql.NullInt64
	body                                                      string
	packed                                                    string // packedColumns as a JSON array
	unpacked                                                  []any  // where each of packedColumns goes
	dest                                                      []any  // where each column of selectIssues goes
}

// newIssueRow returns a row to scan selectIssues(withBody) into, through
// its dest.
func newIssueRow(withBody bool) *issueRow {
	r := &issueRow{}
	r.unpacked = []any{
		&r.source, &r.system, &r.status, &r.rawStatus, &r.resolution, &r.rawResolution,
		&r.priority, &r.rawPriority, &r.created, &r.updated, &r.statusChanged, &r.closed, &r.due,
		&r.itName, &r.itStart, &r.itEnd, &r.itState,
	}
	r.dest = []any{&r.key, &r.url, &r.title, &r.packed, &r.assignees, &r.labels, &r.components, &r.activity, &r.mirrors, &r.body}
	if !withBody {
		r.dest = r.dest[:len(r.dest)-1]
	}
	return r
}

// issue converts the row into is, which it overwrites; errors name the
// issue's key.
func (r *issueRow) issue(in *interner, is *model.Issue) error {
	if err := unpack(r.packed, r.unpacked); err != nil {
		return fmt.Errorf("reading issue %s: %w", r.key, err)
	}
	*is = model.Issue{
		Key: r.key, Source: in.get(r.source), System: model.System(in.get(r.system)), URL: r.url,
		Title: r.title, Body: r.body,
		Status: model.Status(in.get(r.status)), RawStatus: in.get(r.rawStatus),
		Resolution: model.Resolution(in.get(r.resolution)), RawResolution: in.get(r.rawResolution),
		Priority: r.priority, RawPriority: in.get(r.rawPriority),
		Created: fromMillis(r.created), Updated: fromMillis(r.updated),
		StatusChanged: fromMillis(r.statusChanged), Closed: fromMillis(r.closed), Due: fromMillis(r.due),
	}
	if r.itName.Valid {
		k := iterationKey{in.get(r.itName.String), in.get(r.itState.String), r.itStart.Int64, r.itEnd.Int64}
		if is.Iteration = in.iters[k]; is.Iteration == nil {
			is.Iteration = &model.Iteration{Name: k.name, Start: fromMillis(r.itStart), End: fromMillis(r.itEnd), State: k.state}
			in.iters[k] = is.Iteration
		}
	}
	var err error
	for _, l := range []struct {
		name   string
		dst    *[]string
		src    sql.NullString
		decode func(sql.NullString, *interner) ([]string, error)
	}{
		{"assignees", &is.Assignees, r.assignees, sharedList}, {"labels", &is.Labels, r.labels, sharedList},
		{"components", &is.Components, r.components, sharedList}, {"mirrors", &is.Mirrors, r.mirrors, stringList},
	} {
		if *l.dst, err = l.decode(l.src, in); err != nil {
			return fmt.Errorf("reading %s of issue %s: %w", l.name, r.key, err)
		}
	}
	if is.ActivityEvents, err = timeList(r.activity); err != nil {
		return fmt.Errorf("reading activity of issue %s: %w", r.key, err)
	}
	return nil
}

func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// sharedList is stringList for lists many issues share as they are
// (assignees, labels, components): one copy of each.
func sharedList(v sql.NullString, in *interner) ([]string, error) {
	if l, ok := in.lists[v.String]; ok && v.Valid {
		return l, nil
	}
	l, err := stringList(v, in)
	if err == nil && l != nil {
		l = slices.Clip(l) // an append by one holder must not write into another's
		in.lists[strings.Clone(v.String)] = l
	}
	return l, err
}

// stringList decodes a JSON array of strings. Arrays without escapes, which
// is nearly all of them, are split directly: a quote inside a string is
// always escaped, so `","` can only separate elements.
func stringList(v sql.NullString, in *interner) ([]string, error) {
	s := v.String
	if !v.Valid {
		return nil, nil
	}
	if len(s) < 4 || !strings.HasPrefix(s, `["`) || !strings.HasSuffix(s, `"]`) || strings.ContainsRune(s, '\\') {
		var l []string
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			return nil, err
		}
		for i := range l {
			l[i] = in.get(l[i])
		}
		return l, nil
	}
	l := strings.Split(s[2:len(s)-2], `","`)
	for i := range l {
		l[i] = in.get(l[i])
	}
	return l, nil
}

// timeList decodes a JSON array of unix milliseconds.
func timeList(v sql.NullString) ([]time.Time, error) {
	s := v.String
	if !v.Valid {
		return nil, nil
	}
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("%q is not a JSON array of numbers", s)
	}
	l := make([]time.Time, 0, strings.Count(s, ",")+1)
	for f := range strings.SplitSeq(s[1:len(s)-1], ",") {
		ms, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a JSON array of numbers: %w", s, err)
		}
		l = append(l, time.UnixMilli(ms).UTC())
	}
	return l, nil
}
