package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// issueColumns are the columns of issues in the order issueArgs writes them
// and issueRow reads them.
var issueColumns = []string{
	"key", "source", "system", "url", "title", "body", "team",
	"status", "raw_status", "resolution", "raw_resolution",
	"assignees", "priority", "raw_priority", "labels", "components",
	"created_ms", "updated_ms", "status_changed_ms", "closed_ms", "due_ms",
	"iteration_name", "iteration_start_ms", "iteration_end_ms", "iteration_state",
	"activity_ms", "mirrors",
}

// upsertIssueSQL writes an issue unless the stored row is strictly newer.
var upsertIssueSQL = func() string {
	var set []string
	for _, c := range issueColumns[1:] {
		set = append(set, c+" = excluded."+c)
	}
	return "INSERT INTO issues (" + strings.Join(issueColumns, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(issueColumns)), ", ") + ")" +
		" ON CONFLICT (key) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE issues.updated_ms <= excluded.updated_ms"
}()

// selectIssues reads issue rows; with body false the body column reads as ”
// so that bulk loads do not hold every issue's text in memory.
func selectIssues(body bool) string {
	cols := make([]string, len(issueColumns))
	for i, c := range issueColumns {
		cols[i] = "issues." + c
		if c == "body" && !body {
			cols[i] = "''"
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM issues"
}

// issueArgs are the values of issueColumns for is.
func issueArgs(is *model.Issue) ([]any, error) {
	lists := make([]any, 5)
	for i, l := range [][]string{is.Assignees, is.Labels, is.Components, is.Mirrors} {
		v, err := jsonList(l)
		if err != nil {
			return nil, err
		}
		lists[i] = v
	}
	activity := make([]int64, len(is.ActivityEvents))
	for i, t := range is.ActivityEvents {
		activity[i] = t.UnixMilli()
	}
	v, err := jsonList(activity)
	if err != nil {
		return nil, err
	}
	lists[4] = v
	var itName, itStart, itEnd, itState any
	if it := is.Iteration; it != nil {
		itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
	}
	return []any{
		is.Key, is.Source, string(is.System), is.URL, is.Title, is.Body, is.Team,
		string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
		lists[0], is.Priority, is.RawPriority, lists[1], lists[2],
		millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), millis(is.Closed), millis(is.Due),
		itName, itStart, itEnd, itState,
		lists[4], lists[3],
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

// issueRow receives one row of selectIssues.
type issueRow struct {
	key, source, system, url, title, body, team               string
	status, rawStatus, resolution, rawResolution, rawPriority string
	assignees, labels, components, activity, mirrors          sql.NullString
	priority                                                  int
	created, updated, statusChanged, closed, due              sql.NullInt64
	itName, itState                                           sql.NullString
	itStart, itEnd                                            sql.NullInt64
}

func (r *issueRow) dest() []any {
	return []any{
		&r.key, &r.source, &r.system, &r.url, &r.title, &r.body, &r.team,
		&r.status, &r.rawStatus, &r.resolution, &r.rawResolution,
		&r.assignees, &r.priority, &r.rawPriority, &r.labels, &r.components,
		&r.created, &r.updated, &r.statusChanged, &r.closed, &r.due,
		&r.itName, &r.itStart, &r.itEnd, &r.itState,
		&r.activity, &r.mirrors,
	}
}

// issue converts the row; errors name the issue's key.
func (r *issueRow) issue() (model.Issue, error) {
	is := model.Issue{
		Key: r.key, Source: r.source, System: model.System(r.system), URL: r.url,
		Title: r.title, Body: r.body, Team: r.team,
		Status: model.Status(r.status), RawStatus: r.rawStatus,
		Resolution: model.Resolution(r.resolution), RawResolution: r.rawResolution,
		Priority: r.priority, RawPriority: r.rawPriority,
		Created: fromMillis(r.created), Updated: fromMillis(r.updated),
		StatusChanged: fromMillis(r.statusChanged), Closed: fromMillis(r.closed), Due: fromMillis(r.due),
	}
	if r.itName.Valid {
		is.Iteration = &model.Iteration{Name: r.itName.String, Start: fromMillis(r.itStart),
			End: fromMillis(r.itEnd), State: r.itState.String}
	}
	for _, l := range []struct {
		dst *[]string
		src sql.NullString
	}{{&is.Assignees, r.assignees}, {&is.Labels, r.labels}, {&is.Components, r.components}, {&is.Mirrors, r.mirrors}} {
		if err := fromJSON(l.src, l.dst); err != nil {
			return model.Issue{}, fmt.Errorf("reading issue %s: %w", r.key, err)
		}
	}
	var activity []int64
	if err := fromJSON(r.activity, &activity); err != nil {
		return model.Issue{}, fmt.Errorf("reading issue %s: activity: %w", r.key, err)
	}
	if len(activity) > 0 {
		is.ActivityEvents = make([]time.Time, len(activity))
		for i, ms := range activity {
			is.ActivityEvents[i] = time.UnixMilli(ms).UTC()
		}
	}
	return is, nil
}

func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func fromJSON[T any](v sql.NullString, dst *[]T) error {
	if !v.Valid {
		return nil
	}
	return json.Unmarshal([]byte(v.String), dst)
}
