package store

import (
	"context"
	"fmt"
)

// Labelled returns the keys of source's stored issues under prefix (a
// repository's "github:owner/repo#") that carry label: a label renamed or
// deleted at the tracker changes them all without editing any.
func (s *Store) Labelled(ctx context.Context, source, prefix, label string) ([]string, error) {
	query := `SELECT key FROM issues WHERE source = ? AND key >= ? AND EXISTS (SELECT 1 FROM json_each(issues.labels) WHERE json_each.value = ?)`
	args := []any{source, prefix, label}
	if end, ok := prefixEnd(prefix); ok {
		query, args = query+` AND key < ?`, append(args, end)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY key`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing issues of %s labelled %q: %w", source, label, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("listing issues of %s labelled %q: %w", source, label, err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
