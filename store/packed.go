package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// packedColumns are the fields of an issue that the packed column holds as
// one JSON array, in the order of issueRow.unpacked (see codec.go's packed
// and migration 7), and that selectIssues reads as it is stored: the
// short values many issues share, and the times. The driver's cost is per
// column (each value boxed, each read a round trip through SQLite's mutex):
// at 25 columns it was most of a load's time, at 10 a third of it.
var packedColumns = []string{
	"source", "system", "status", "raw_status", "resolution", "raw_resolution",
	"priority", "raw_priority", "created_ms", "updated_ms", "status_changed_ms", "closed_ms", "due_ms",
	"iteration_name", "iteration_start_ms", "iteration_end_ms", "iteration_state",
}

// selectIssues reads issue rows into newIssueRow(withBody).dest; bulk loads
// leave the body out so as not to hold every issue's text in memory, and
// never touch the overflow pages a long body spills into (it is the last
// column of the table).
func selectIssues(withBody bool) string {
	cols := "issues.key, issues.url, issues.title, issues.packed" +
		", issues.assignees, issues.labels, issues.components, issues.activity_ms, issues.mirrors"
	if withBody {
		cols += ", issues.body"
	}
	return "SELECT " + cols + " FROM issues"
}

// unpack stores the elements of the JSON array s, which json_array wrote
// from strings, integers and NULLs, into dest (*string, *int,
// *sql.NullString, *sql.NullInt64), one each.
func unpack(s string, dest []any) error {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return fmt.Errorf("%.40q is not a JSON array", s)
	}
	rest := s[1 : len(s)-1]
	for i, d := range dest {
		if i > 0 {
			if !strings.HasPrefix(rest, ",") {
				return fmt.Errorf("%.40q has %d elements, want %d", s, i, len(dest))
			}
			rest = rest[1:]
		}
		var tok string
		if strings.HasPrefix(rest, `"`) {
			end := closingQuote(rest)
			if end < 0 {
				return fmt.Errorf("%.40q ends inside a string", s)
			}
			tok, rest = rest[:end+1], rest[end+1:]
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			tok, rest = rest[:end], rest[end:]
		}
		if err := assign(d, tok); err != nil {
			return fmt.Errorf("element %d of %.40q: %w", i, s, err)
		}
	}
	if rest != "" {
		return fmt.Errorf("%.40q has more than %d elements", s, len(dest))
	}
	return nil
}

// closingQuote is the index in s, which begins with a quote, of the quote
// that ends that JSON string; -1 when none does.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

var errNull = errors.New("null in a column that cannot be NULL")

// assign stores one JSON element, tok, in d.
func assign(d any, tok string) error {
	if tok == "null" {
		switch d := d.(type) {
		case *sql.NullString:
			*d = sql.NullString{}
		case *sql.NullInt64:
			*d = sql.NullInt64{}
		default:
			return errNull
		}
		return nil
	}
	switch d := d.(type) {
	case *string:
		return unquote(tok, d)
	case *sql.NullString:
		d.Valid = true
		return unquote(tok, &d.String)
	case *int:
		n, err := strconv.Atoi(tok)
		*d = n
		return err
	case *sql.NullInt64:
		n, err := strconv.ParseInt(tok, 10, 64)
		*d = sql.NullInt64{Int64: n, Valid: true}
		return err
	}
	return fmt.Errorf("cannot store into %T", d)
}

// unquote decodes the JSON string tok into s: directly unless it has
// escapes, which few values do.
func unquote(tok string, s *string) error {
	if len(tok) < 2 || tok[0] != '"' {
		return fmt.Errorf("%.40q is not a string", tok)
	}
	body := tok[1 : len(tok)-1]
	if !strings.ContainsRune(body, '\\') {
		*s = body
		return nil
	}
	u, err := unescape(body)
	*s = u
	return err
}

// unescape decodes the escapes json_array and appendJSONArrayString write
// (\" \\ \b \f \n \r \t \uXXXX) and keeps every other byte as it is:
// encoding/json would turn bytes that are not UTF-8 into U+FFFD, and the
// value would not read back as it was written.
func unescape(s string) (string, error) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b = append(b, s[i])
			continue
		}
		if i++; i == len(s) {
			return "", fmt.Errorf("%.40q ends inside an escape", s)
		}
		if k := strings.IndexByte(`"\bfnrt`, s[i]); k >= 0 {
			b = append(b, "\"\\\b\f\n\r\t"[k])
			continue
		}
		if s[i] != 'u' || i+5 > len(s) {
			return "", fmt.Errorf("%.40q has an escape json_array does not write", s)
		}
		r, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
		if err != nil {
			return "", fmt.Errorf("%.40q: %w", s, err)
		}
		b = utf8.AppendRune(b, rune(r))
		i += 4
	}
	return string(b), nil
}
