package store

import (
	"encoding/json"
	"fmt"
	"slices"
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

// issueArgs are the values of issueColumns for is.
func issueArgs(is *model.Issue) ([]any, error) {
	var lists [5]any
	for i, l := range [][]string{is.Assignees, is.Labels, is.Components, is.Mirrors} {
		v, err := jsonList(l)
		if err != nil {
			return nil, err
		}
		lists[i] = v
	}
	if len(is.ActivityEvents) > 0 {
		activity := make([]int64, len(is.ActivityEvents))
		for i, t := range is.ActivityEvents {
			activity[i] = t.UnixMilli()
		}
		v, err := jsonList(activity)
		if err != nil {
			return nil, err
		}
		lists[4] = v
	}
	var itName, itStart, itEnd, itState any
	if it := is.Iteration; it != nil {
		itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
	}
	return []any{
		is.Key, is.Source, string(is.System), is.URL, is.Title,
		string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
		lists[0], is.Priority, is.RawPriority, lists[1], lists[2],
		millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), millis(is.Closed), millis(is.Due),
		itName, itStart, itEnd, itState,
		lists[4], lists[3], is.Body,
	}, nil
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
