package jirasim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// query is a parsed JQL query of the supported subset:
//
//	clause  := project = X | project in (A, B) | key = K | key in (…) |
//	           updated|created (>=|>|<=|<|=) "date"
//	expr    := term (AND term)* ; term := clause | ( expr )
//	query   := [expr] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
//
// Dates are "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm", "yyyy/MM/dd" or
// "yyyy-MM-dd", read in the account's time zone, as Jira does.
type query struct {
	where func(*record) bool // nil = unbounded
	order []sortKey
	// updatedFrom is the latest bound of an updated >= or > clause: with
	// AND the only connective, no issue updated before it matches.
	updatedFrom time.Time
}

type sortKey struct {
	field string
	desc  bool
}

// jqlError is a query Jira would reject with 400.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

type jqlParser struct {
	toks        []string
	pos         int
	zone        *time.Location
	projects    map[string]int
	updatedFrom time.Time
}

func (s *Server) parseJQL(jql string) (*query, error) {
	toks, err := tokenize(jql)
	if err != nil {
		return nil, err
	}
	p := &jqlParser{toks: toks, zone: s.zone, projects: s.nextNum}
	q := &query{}
	if p.peek() != "" && !p.isWord("ORDER") {
		if q.where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.isWord("ORDER") {
		p.pos++
		if !p.isWord("BY") {
			return nil, p.errorf("expecting 'by'")
		}
		p.pos++
		if q.order, err = p.orderBy(); err != nil {
			return nil, err
		}
	}
	if p.peek() != "" {
		return nil, p.errorf("unexpected %q", p.peek())
	}
	q.updatedFrom = p.updatedFrom
	return q, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, &jqlError{fmt.Sprintf("Error in the JQL Query: unterminated string starting at character %d.", i)}
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case strings.ContainsRune("<>=!~", rune(c)):
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r(),<>=!~\"'", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func (p *jqlParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *jqlParser) next() string { t := p.peek(); p.pos++; return t }

func (p *jqlParser) isWord(w string) bool { return strings.EqualFold(p.peek(), w) }

func (p *jqlParser) errorf(format string, a ...any) error {
	return &jqlError{"Error in the JQL Query: " + fmt.Sprintf(format, a...) + fmt.Sprintf(" (token %d)", p.pos+1)}
}

func (p *jqlParser) expr() (func(*record) bool, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.isWord("AND") {
		p.pos++
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r *record) bool { return l(r) && right(r) }
	}
	if p.isWord("OR") || p.isWord("NOT") {
		return nil, p.errorf("the simulator supports only AND, not %q", p.peek())
	}
	return left, nil
}

func (p *jqlParser) term() (func(*record) bool, error) {
	if p.peek() == "(" {
		p.pos++
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, p.errorf("expecting ')'")
		}
		return e, nil
	}
	field := strings.ToLower(p.next())
	switch field {
	case "project", "key", "issuekey":
		return p.setClause(field)
	case "updated", "created":
		return p.dateClause(field)
	case "":
		return nil, p.errorf("expecting a field name")
	}
	return nil, &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", field)}
}

func (p *jqlParser) setClause(field string) (func(*record) bool, error) {
	var vals []string
	switch op := strings.ToLower(p.next()); op {
	case "=":
		vals = []string{unquote(p.next())}
	case "in":
		if p.next() != "(" {
			return nil, p.errorf("expecting '(' after 'in'")
		}
		for {
			vals = append(vals, unquote(p.next()))
			if t := p.next(); t == ")" {
				break
			} else if t != "," {
				return nil, p.errorf("expecting ',' or ')'")
			}
		}
	default:
		return nil, p.errorf("operator %q is not supported for field '%s'", op, field)
	}
	set := map[string]bool{}
	for _, v := range vals {
		v = strings.ToUpper(v)
		if field == "project" {
			if _, ok := p.projects[v]; !ok {
				return nil, &jqlError{fmt.Sprintf("The value '%s' does not exist for the field 'project'.", v)}
			}
		}
		set[v] = true
	}
	if field == "project" {
		return func(r *record) bool { return set[r.Project] }, nil
	}
	return func(r *record) bool { return set[r.Key] }, nil
}

var jqlDateLayouts = []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"}

func (p *jqlParser) dateClause(field string) (func(*record) bool, error) {
	op := p.next()
	raw := p.next()
	var at time.Time
	var err error
	for _, layout := range jqlDateLayouts {
		if at, err = time.ParseInLocation(layout, unquote(raw), p.zone); err == nil {
			break
		}
	}
	if err != nil {
		return nil, &jqlError{fmt.Sprintf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", unquote(raw), field)}
	}
	get := func(r *record) time.Time { return r.Updated }
	if field == "updated" && (op == ">=" || op == ">") && at.After(p.updatedFrom) {
		p.updatedFrom = at
	}
	if field == "created" {
		get = func(r *record) time.Time { return r.Created }
	}
	switch op {
	case ">=":
		return func(r *record) bool { return !get(r).Before(at) }, nil
	case ">":
		return func(r *record) bool { return get(r).After(at) }, nil
	case "<=":
		return func(r *record) bool { return !get(r).After(at) }, nil
	case "<":
		return func(r *record) bool { return get(r).Before(at) }, nil
	case "=":
		return func(r *record) bool { return get(r).Equal(at) }, nil
	}
	return nil, p.errorf("operator %q is not supported for field '%s'", op, field)
}

func (p *jqlParser) orderBy() ([]sortKey, error) {
	var keys []sortKey
	for {
		f := strings.ToLower(p.next())
		switch f {
		case "updated", "created", "key", "issuekey":
		default:
			return nil, p.errorf("cannot order by %q", f)
		}
		k := sortKey{field: f}
		if p.isWord("ASC") || p.isWord("DESC") {
			k.desc = p.isWord("DESC")
			p.pos++
		}
		keys = append(keys, k)
		if p.peek() != "," {
			return keys, nil
		}
		p.pos++
	}
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// compareRecords orders two issues by the query's sort keys, then by key.
func (q *query) compare(a, b *record) int {
	for _, k := range q.order {
		var c int
		switch k.field {
		case "updated":
			c = a.Updated.Compare(b.Updated)
		case "created":
			c = a.Created.Compare(b.Created)
		default:
			c = compareKeys(a.Key, b.Key)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return compareKeys(a.Key, b.Key)
}

// compareKeys orders issue keys as Jira does: by project, then number.
func compareKeys(a, b string) int {
	pa, na, _ := splitKey(a)
	pb, nb, _ := splitKey(b)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb))
}

type cachedSearch struct {
	version uint64
	hits    []*record
}

// search runs a query over every issue, reusing the sorted result while
// nothing has changed so that paging through a large result stays cheap.
// With need > 0 it may stop at the first need hits of a result it does not
// keep: a caller serving hits [a, b) and telling whether more follow needs
// b+1.
func (s *Server) search(jql string, unboundedOK bool, need int) ([]*record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cache[jql]; ok && c.version == s.version {
		return c.hits, nil
	}
	q, err := s.parseJQL(jql)
	if err != nil {
		return nil, err
	}
	if q.where == nil && !unboundedOK {
		return nil, &jqlError{"Unbounded JQL queries are not allowed here. Please add a search restriction to your query."}
	}
	var hits []*record
	if q.byUpdatedThenKey() {
		// The order a sync pages in, asked afresh from each page's last
		// minute: walk the issues already in that order from the bound on.
		all := s.updatedOrder()
		first, _ := slices.BinarySearchFunc(all, q.updatedFrom, func(r *record, t time.Time) int {
			if r.Updated.Before(t) {
				return -1
			}
			return 1
		})
		for _, r := range all[first:] {
			if q.where == nil || q.where(r) {
				hits = append(hits, r)
				if len(hits) == need {
					return hits, nil // a prefix, not kept
				}
			}
		}
	} else {
		for _, r := range s.order {
			if q.where == nil || q.where(r) {
				hits = append(hits, r)
			}
		}
		slices.SortStableFunc(hits, q.compare)
	}
	if len(s.cache) >= 16 {
		clear(s.cache)
	}
	s.cache[jql] = &cachedSearch{version: s.version, hits: hits}
	return hits, nil
}

// byUpdatedThenKey reports whether q orders by updated ascending, then by key
// ascending (stated or by default).
func (q *query) byUpdatedThenKey() bool {
	switch {
	case len(q.order) == 0 || q.order[0] != sortKey{field: "updated"}:
		return false
	case len(q.order) == 1:
		return true
	}
	k := q.order[1]
	return !k.desc && (k.field == "key" || k.field == "issuekey")
}

// updatedOrder returns every issue ordered by (updated, key), kept until the
// next change; callers hold s.mu for writing.
func (s *Server) updatedOrder() []*record {
	if s.byUpdated == nil || s.byUpdatedVersion != s.version {
		s.byUpdated = slices.Clone(s.order)
		slices.SortFunc(s.byUpdated, func(a, b *record) int {
			// not cmp.Or, which would parse both keys on every comparison
			if c := a.Updated.Compare(b.Updated); c != 0 {
				return c
			}
			return compareKeys(a.Key, b.Key)
		})
		s.byUpdatedVersion = s.version
	}
	return s.byUpdated
}
