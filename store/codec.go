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

// issueColumns are the columns of issues in the order issueArgs writes them.
// packed holds the fields of packedColumns as one JSON array, as
// selectIssues reads them back. body is last, as in the table, so that reads
// without it never touch the overflow pages a long body spills into.
var issueColumns = []string{
	"key", "source", "url", "title", "status",
	"assignees", "labels", "components", "updated_ms", "closed_ms",
	"activity_ms", "mirrors", "packed", "body",
}

// insertIssueSQL adds an issue that is not stored yet and leaves a stored
// one alone: a new issue, as every issue of a first sync is, then costs one
// statement, with no links of its own to drop. It takes issueArgs.
var insertIssueSQL = "INSERT INTO issues (" + strings.Join(issueColumns, ", ") + ") VALUES (" +
	strings.TrimSuffix(strings.Repeat("?, ", len(issueColumns)), ", ") + ") ON CONFLICT (key) DO NOTHING"

// updateIssueSQL rewrites a stored issue unless it is strictly newer, and
// returns its id if it did. It takes issueArgs too, by number.
var updateIssueSQL = func() string {
	var set []string
	for i, c := range issueColumns[1:] {
		set = append(set, fmt.Sprintf("%s = ?%d", c, i+2))
	}
	return "UPDATE issues SET " + strings.Join(set, ", ") +
		fmt.Sprintf(" WHERE key = ?1 AND updated_ms <= ?%d RETURNING id", slices.Index(issueColumns, "updated_ms")+1)
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
	closed := millis(is.Closed)
	setValues(args,
		is.Key, is.Source, is.URL, is.Title, string(is.Status),
		lists[0], lists[1], lists[2], is.Updated.UnixMilli(), closed,
		jsonMillis(is.ActivityEvents), lists[3], packed(is, closed), is.Body,
	)
	return nil
}

// packed is the JSON array of is's packedColumns, byte for byte as SQLite's
// json_array writes it from the columns (migration 7 packs stored rows that
// way); closed is millis(is.Closed).
func packed(is *model.Issue, closed any) string {
	var itName, itStart, itEnd, itState any
	if it := is.Iteration; it != nil {
		itName, itStart, itEnd, itState = it.Name, millis(it.Start), millis(it.End), it.State
	}
	b := make([]byte, 0, 256)
	for i, v := range [...]any{
		is.Source, string(is.System), string(is.Status), is.RawStatus, string(is.Resolution), is.RawResolution,
		int64(is.Priority), is.RawPriority, millis(is.Created), is.Updated.UnixMilli(), millis(is.StatusChanged), closed, millis(is.Due),
		itName, itStart, itEnd, itState,
	} {
		if i == 0 {
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		switch v := v.(type) {
		case string:
			b = appendJSONArrayString(b, v)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			b = append(b, "null"...)
		}
	}
	return string(append(b, ']'))
}

// appendJSONArrayString appends s as json_array quotes a TEXT value: '"' and
// '\\' escaped with a backslash, the control characters below 0x20 as \b,
// \t, \n, \f, \r or \u00XX, every other byte as it is.
func appendJSONArrayString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := range len(s) {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	return append(b, '"')
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
