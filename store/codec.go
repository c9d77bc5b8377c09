package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// issueColumns are the columns of issues in the order issueArgs writes them
// (selectIssues reads them back). body is last, as in the table, so that reads
// without it never touch the overflow pages a long body spills into.
var issueColumns = []string{
	"key", "source", "system", "url", "title",
	"status", "raw_status", "resolution", "raw_resolution",
	"assignees", "priority", "raw_priority", "labels", "components",
	"created_ms", "updated_ms", "status_changed_ms", "closed_ms", "due_ms",
	"iteration_name", "iteration_start_ms", "iteration_end_ms", "iteration_state",
	"activity_ms", "mirrors", "body",
}

// insertIssueSQL adds an issue that is not stored yet and leaves a stored
// one alone: a new issue, as every issue of a first sync is, then costs one
// statement, with no links of its own to drop. It takes issueArgs.
var insertIssueSQL = "INSERT INTO issues (" + strings.Join(issueColumns, ", ") + ") VALUES (" +
	strings.TrimSuffix(strings.Repeat("?, ", len(issueColumns)), ", ") + ") ON CONFLICT (key) DO NOTHING"

// updateIssueSQL rewrites a stored issue unless it is strictly newer. It
// takes issueArgs too, by number.
var updateIssueSQL = func() string {
	var set []string
	for i, c := range issueColumns[1:] {
		set = append(set, fmt.Sprintf("%s = ?%d", c, i+2))
	}
	return "UPDATE issues SET " + strings.Join(set, ", ") +
		fmt.Sprintf(" WHERE key = ?1 AND updated_ms <= ?%d", slices.Index(issueColumns, "updated_ms")+1)
}()

// issueArgs sets the values of issueColumns for is in args, one each, as
// the driver takes them: a string, an int64 or nil for NULL.
func issueArgs(is *model.Issue, args []driver.NamedValue) error {
	var lists [4]any
	for i, l := range [][]string{is.Assignees, is.Labels, is.Components, is.Mirrors} {
		v, err := jsonStrings(l)
		if err != nil {
			return err
		}
		lists[i] = v
	}
	var itName, itStart, itEnd, itState any
	if it := is.Iteration; it != nil {
		itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
	}
	setValues(args,
		is.Key, is.Source, string(is.System), is.URL, is.Title,
		string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
		lists[0], int64(is.Priority), is.RawPriority, lists[1], lists[2],
		millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), millis(is.Closed), millis(is.Due),
		itName, itStart, itEnd, itState,
		jsonMillis(is.ActivityEvents), lists[3], is.Body,
	)
	return nil
}

// millis is t in unix milliseconds, or NULL for the zero time.
func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// jsonList is l as JSON TEXT, or NULL when it is empty.
func jsonList[T any](l []T) (any, error) {
	if len(l) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// jsonStrings is jsonList(l) without encoding/json's reflection for the
// lists every issue has (labels, assignees), whose strings need no escaping:
// the same text either way.
func jsonStrings(l []string) (any, error) {
	if len(l) == 0 {
		return nil, nil
	}
	n := 1 + len(l)*3
	for _, s := range l {
		if !plainJSON(s) {
			return jsonList(l)
		}
		n += len(s)
	}
	b := append(make([]byte, 0, n), '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), s...), '"')
	}
	return string(append(b, ']')), nil
}

// plainJSON reports whether encoding/json writes s as it is between quotes:
// printable ASCII other than '"', '\\' and the '<', '>' and '&' it escapes.
func plainJSON(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// jsonMillis is ts in unix milliseconds as JSON TEXT, as jsonList writes
// them, or NULL when it is empty.
func jsonMillis(ts []time.Time) any {
	if len(ts) == 0 {
		return nil
	}
	b := append(make([]byte, 0, 2+14*len(ts)), '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, t.UnixMilli(), 10)
	}
	return string(append(b, ']'))
}
