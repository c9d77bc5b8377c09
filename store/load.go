package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// inChunk bounds the keys bound into one IN (…) list, well under SQLite's and
// Postgres' limits on parameters.
const inChunk = 500

// LoadIssues returns, sorted by key and with Links filled, every open issue,
// every issue closed at or after closedSince, every issue with a twin, and
// every stored issue at an end of a link or a twin of those (so the status of
// a long-closed blocker or twin is known). Body
// is left empty: the analysis does not read it and it is the bulk of the data;
// Issue returns it.
func (s *Store) LoadIssues(ctx context.Context, closedSince time.Time) ([]model.Issue, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one consistent snapshot
	if err != nil {
		return nil, fmt.Errorf("loading issues: %w", err)
	}
	defer tx.Rollback()
	// Issues with twins are loaded however long ago they closed: a twin
	// closed long ago while the other stays open is still drift.
	const recent = ` WHERE issues.status <> ? OR issues.closed_ms >= ? OR issues.mirrors IS NOT NULL`
	args := []any{string(model.StatusDone), closedSince.UnixMilli()}
	// Counting first costs a scan of narrow columns and spares growing (and
	// copying) a slice of a few hundred thousand large structs. The headroom
	// is for the long-closed link ends added below, usually far fewer.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM issues`+recent, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("counting issues to load: %w", err)
	}
	in := newInterner()
	issues, err := queryIssues(ctx, tx, in, issueQuery{where: recent, args: args, sizeHint: n + n/16})
	if err != nil {
		return nil, fmt.Errorf("loading issues: %w", err)
	}
	index := make(map[string]int, len(issues))
	for i := range issues {
		index[issues[i].Key] = i
	}
	// Every link, keeping those of loaded issues: one pass over the table is
	// cheaper than a join that looks up each link's owner. Counted first, as
	// the issues are.
	var links int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM links`).Scan(&links); err != nil {
		return nil, fmt.Errorf("counting links to load: %w", err)
	}
	if err := attachLinks(ctx, tx, in, issues, index, links, selectLinks); err != nil {
		return nil, fmt.Errorf("loading links: %w", err)
	}
	if issues, err = addLinkEnds(ctx, tx, in, issues, index); err != nil {
		return nil, err
	}
	sortByKey(issues)
	return issues, nil
}

// addLinkEnds appends to issues, with their links, the stored issues at ends
// of their links that are not among them yet.
func addLinkEnds(ctx context.Context, tx *sql.Tx, in *interner, issues []model.Issue, index map[string]int) ([]model.Issue, error) {
	for chunk := range slices.Chunk(missingEnds(issues, index), inChunk) {
		list, keys := inList(chunk)
		more, err := queryIssues(ctx, tx, in, issueQuery{where: ` WHERE issues.key IN ` + list, args: keys})
		if err != nil {
			return nil, fmt.Errorf("loading linked issues: %w", err)
		}
		for _, is := range more {
			index[is.Key] = len(issues)
			issues = append(issues, is)
		}
		if err := attachLinks(ctx, tx, in, issues, index, 0, selectLinks+` WHERE links.owner_id IN (SELECT id FROM issues WHERE key IN `+list+`)`, keys...); err != nil {
			return nil, fmt.Errorf("loading links of linked issues: %w", err)
		}
	}
	return issues, nil
}

// Issue returns the stored issue with key, Body and Links included, and
// whether there is one.
func (s *Store) Issue(ctx context.Context, key string) (model.Issue, bool, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return model.Issue{}, false, fmt.Errorf("loading issue %s: %w", key, err)
	}
	defer tx.Rollback()
	in := newInterner()
	issues, err := queryIssues(ctx, tx, in, issueQuery{where: ` WHERE issues.key = ?`, args: []any{key}, withBody: true})
	if err != nil {
		return model.Issue{}, false, fmt.Errorf("loading issue %s: %w", key, err)
	}
	if len(issues) == 0 {
		return model.Issue{}, false, nil
	}
	if err := attachLinks(ctx, tx, in, issues, map[string]int{key: 0}, 0, selectLinks+` WHERE links.owner_id = (SELECT id FROM issues WHERE key = ?)`, key); err != nil {
		return model.Issue{}, false, fmt.Errorf("loading links of %s: %w", key, err)
	}
	return issues[0], true, nil
}

// issueQuery selects issues: the SQL after FROM issues and its arguments,
// whether to read bodies, and how many rows to expect.
type issueQuery struct {
	where    string
	args     []any
	withBody bool
	sizeHint int
}

func queryIssues(ctx context.Context, tx *sql.Tx, in *interner, q issueQuery) ([]model.Issue, error) {
	rows, err := tx.QueryContext(ctx, selectIssues(q.withBody)+q.where, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// SQLite steps through the rows here while another goroutine converts
	// the rows scanned before: stepping is about two thirds of a load's
	// time and converting most of the rest, so on two cores a load takes
	// about as long as its stepping. The batches go round between the two.
	full, free := make(chan *rowBatch, rowBatches), make(chan *rowBatch, rowBatches)
	for range rowBatches {
		free <- &rowBatch{}
	}
	type converted struct {
		issues []model.Issue
		err    error
	}
	done := make(chan converted, 1)
	go func() {
		c := converted{issues: make([]model.Issue, 0, q.sizeHint)}
		for b := range full {
			for _, r := range b.rows[:b.n] {
				if c.err != nil {
					break // drained only, so the reader never waits
				}
				// Converted in place: a model.Issue built apart and
				// appended would be allocated on its own first, the size
				// of the load again.
				c.issues = append(c.issues, model.Issue{})
				c.err = r.issue(in, &c.issues[len(c.issues)-1])
			}
			free <- b
		}
		done <- c
	}()
	err = scanRows(rows, q.withBody, full, free)
	close(full)
	c := <-done
	return c.issues, cmp.Or(err, c.err)
}

// rowBatches is how many batches of rows queryIssues' reader may scan ahead
// of its converter, and rowBatch how many rows each holds.
const rowBatches, rowBatchSize = 3, 128

// rowBatch is rows queryIssues' reader scanned: rows[:n].
type rowBatch struct {
	rows []*issueRow // made as the batch first fills
	n    int
}

// scanRows scans rows into batches taken from free and sends each full one,
// and the last, to full.
func scanRows(rows *sql.Rows, withBody bool, full, free chan *rowBatch) error {
	b := <-free
	b.n = 0
	for rows.Next() {
		if b.n == len(b.rows) {
			b.rows = append(b.rows, newIssueRow(withBody))
		}
		r := b.rows[b.n]
		if err := rows.Scan(r.dest...); err != nil {
			return err
		}
		if b.n++; b.n == rowBatchSize {
			full <- b
			b = <-free
			b.n = 0
		}
	}
	full <- b
	return rows.Err()
}

const selectLinks = `SELECT links.owner, links.seq, links.from_key, links.to_key, links.type, links.origin, links.raw_type FROM links`

// attachLinks gives the issues (found by key through index) the links the
// query returns, in declared order; links of other owners are skipped.
// sizeHint is how many links to expect.
func attachLinks(ctx context.Context, tx *sql.Tx, in *interner, issues []model.Issue, index map[string]int, sizeHint int, query string, args ...any) error {
	type ownedLink struct {
		issue, seq int
		link       model.Link
	}
	links := make([]ownedLink, 0, sizeHint)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var owner, from, to, typ, origin, rawType string
	var seq int
	for rows.Next() {
		if err := rows.Scan(&owner, &seq, &from, &to, &typ, &origin, &rawType); err != nil {
			return err
		}
		at, ok := index[owner]
		if !ok {
			continue
		}
		// Ends that are loaded issues share their key's string.
		if i, ok := index[from]; ok {
			from = issues[i].Key
		}
		if i, ok := index[to]; ok {
			to = issues[i].Key
		}
		links = append(links, ownedLink{at, seq, model.Link{From: from, To: to,
			Type: model.LinkType(in.get(typ)), Origin: model.Origin(in.get(origin)), RawType: in.get(rawType)}})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(links, func(a, b ownedLink) int { return cmp.Or(a.issue-b.issue, a.seq-b.seq) })
	for i := 0; i < len(links); {
		j := i + 1
		for j < len(links) && links[j].issue == links[i].issue {
			j++
		}
		own := make([]model.Link, j-i)
		for k := range own {
			own[k] = links[i+k].link
		}
		issues[links[i].issue].Links = own
		i = j
	}
	return nil
}

// sortByKey sorts issues by key, moving each (large) issue once: it sorts
// (key, position) pairs, compact in memory, then applies that permutation
// cycle by cycle.
func sortByKey(issues []model.Issue) {
	type keyPos struct {
		key string
		pos int
	}
	sorted := make([]keyPos, len(issues))
	for i := range issues {
		sorted[i] = keyPos{issues[i].Key, i}
	}
	slices.SortFunc(sorted, func(a, b keyPos) int { return strings.Compare(a.key, b.key) })
	// perm[i] is the position that holds what belongs at i.
	perm := make([]int, len(issues))
	for i, kp := range sorted {
		perm[i] = kp.pos
	}
	for start := range perm {
		if perm[start] == start {
			continue
		}
		held := issues[start]
		i := start
		for perm[i] != start {
			next := perm[i]
			issues[i] = issues[next]
			perm[i] = i
			i = next
		}
		issues[i] = held
		perm[i] = i
	}
}

// missingEnds are the link ends and twins of issues that are not in index,
// sorted.
func missingEnds(issues []model.Issue, index map[string]int) []string {
	seen := make(map[string]struct{})
	add := func(k string) {
		if _, ok := index[k]; !ok {
			seen[k] = struct{}{}
		}
	}
	for i := range issues {
		for _, l := range issues[i].Links {
			add(l.From)
			add(l.To)
		}
		for _, m := range issues[i].Mirrors {
			add(m)
		}
	}
	ends := make([]string, 0, len(seen))
	for k := range seen {
		ends = append(ends, k)
	}
	slices.Sort(ends)
	return ends
}

// inList is "(?, ?, …)" for keys and keys as arguments.
func inList(keys []string) (string, []any) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + ")", args
}

// Cursors returns the committed cursors of source by scope.
func (s *Store) Cursors(ctx context.Context, source string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT scope, value FROM cursors WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("loading cursors of %s: %w", source, err)
	}
	defer rows.Close()
	cursors := make(map[string]string)
	for rows.Next() {
		var scope, value string
		if err := rows.Scan(&scope, &value); err != nil {
			return nil, fmt.Errorf("loading cursors of %s: %w", source, err)
		}
		cursors[scope] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading cursors of %s: %w", source, err)
	}
	return cursors, nil
}

// CountBySource returns the number of stored issues per source.
func (s *Store) CountBySource(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, COUNT(*) FROM issues GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("counting issues: %w", err)
	}
	defer rows.Close()
	counts := make(map[string]int)
	for rows.Next() {
		var source string
		var n int
		if err := rows.Scan(&source, &n); err != nil {
			return nil, fmt.Errorf("counting issues: %w", err)
		}
		counts[source] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting issues: %w", err)
	}
	return counts, nil
}
