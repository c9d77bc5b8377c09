package store

import (
	"context"
	"fmt"
)

// Labelled returns the keys of source's stored issues under prefix (a
// repository's "github:owner/repo#") that carry label: a label renamed or
// deleted at the tracker changes them all without editing any.
func (s *Store) Labelled(ctx context.Context, source, prefix, label string) ([]string, error) {
	where, args := underPrefix(prefix)
	keys, err := queryKeys(ctx, s.db, `SELECT key FROM issues`+where+
		` AND source = ? AND EXISTS (SELECT 1 FROM json_each(issues.labels) WHERE json_each.value = ?) ORDER BY key`,
		append(args, source, label))
	if err != nil {
		return nil, fmt.Errorf("listing issues of %s labelled %q: %w", source, label, err)
	}
	return keys, nil
}
