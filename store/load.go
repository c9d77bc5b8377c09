package store

import (
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
// every issue closed at or after closedSince, and every stored issue at an end
// of a link of those (so the status of a long-closed blocker is known). Body
// is left empty: the analysis does not read it and it is the bulk of the data;
// Issue returns it.
func (s *Store) LoadIssues(ctx context.Context, closedSince time.Time) ([]model.Issue, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one consistent snapshot
	if err != nil {
		return nil, fmt.Errorf("loading issues: %w", err)
	}
	defer tx.Rollback()
	const recent = ` WHERE issues.status <> ? OR issues.closed_ms >= ?`
	args := []any{string(model.StatusDone), closedSince.UnixMilli()}
	issues, err := queryIssues(ctx, tx, selectIssues(false)+recent, args...)
	if err != nil {
		return nil, fmt.Errorf("loading issues: %w", err)
	}
	index := make(map[string]int, len(issues))
	for i := range issues {
		index[issues[i].Key] = i
	}
	if err := attachLinks(ctx, tx, issues, index, selectLinks+` JOIN issues ON issues.key = links.owner`+recent, args...); err != nil {
		return nil, fmt.Errorf("loading links: %w", err)
	}
	ends := missingEnds(issues, index)
	for chunk := range slices.Chunk(ends, inChunk) {
		in, keys := inList(chunk)
		more, err := queryIssues(ctx, tx, selectIssues(false)+` WHERE issues.key IN `+in, keys...)
		if err != nil {
			return nil, fmt.Errorf("loading linked issues: %w", err)
		}
		for _, is := range more {
			index[is.Key] = len(issues)
			issues = append(issues, is)
		}
		if err := attachLinks(ctx, tx, issues, index, selectLinks+` WHERE links.owner IN `+in, keys...); err != nil {
			return nil, fmt.Errorf("loading links of linked issues: %w", err)
		}
	}
	slices.SortFunc(issues, func(a, b model.Issue) int { return strings.Compare(a.Key, b.Key) })
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
	issues, err := queryIssues(ctx, tx, selectIssues(true)+` WHERE issues.key = ?`, key)
	if err != nil {
		return model.Issue{}, false, fmt.Errorf("loading issue %s: %w", key, err)
	}
	if len(issues) == 0 {
		return model.Issue{}, false, nil
	}
	if err := attachLinks(ctx, tx, issues, map[string]int{key: 0}, selectLinks+` WHERE links.owner = ?`, key); err != nil {
		return model.Issue{}, false, fmt.Errorf("loading links of %s: %w", key, err)
	}
	return issues[0], true, nil
}

func queryIssues(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]model.Issue, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		issues []model.Issue
		r      issueRow
	)
	dest := r.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		is, err := r.issue()
		if err != nil {
			return nil, err
		}
		issues = append(issues, is)
	}
	return issues, rows.Err()
}

const selectLinks = `SELECT links.owner, links.from_key, links.to_key, links.type, links.origin, links.raw_type FROM links`

// attachLinks appends the links the query returns to their owners among
// issues (found through index), in declared order.
func attachLinks(ctx context.Context, tx *sql.Tx, issues []model.Issue, index map[string]int, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query+` ORDER BY links.owner, links.seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var owner, typ, origin string
	var l model.Link
	for rows.Next() {
		if err := rows.Scan(&owner, &l.From, &l.To, &typ, &origin, &l.RawType); err != nil {
			return err
		}
		l.Type, l.Origin = model.LinkType(typ), model.Origin(origin)
		i, ok := index[owner]
		if !ok {
			return fmt.Errorf("link of %s: owner not among the loaded issues", owner)
		}
		issues[i].Links = append(issues[i].Links, l)
	}
	return rows.Err()
}

// missingEnds are the link ends of issues that are not in index, sorted.
func missingEnds(issues []model.Issue, index map[string]int) []string {
	seen := make(map[string]struct{})
	for i := range issues {
		for _, l := range issues[i].Links {
			for _, k := range []string{l.From, l.To} {
				if _, ok := index[k]; !ok {
					seen[k] = struct{}{}
				}
			}
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
