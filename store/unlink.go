package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/batonhq/baton/model"
)

// Deleting an issue at the tracker removes its links without editing the
// issues at their other ends, and a GitHub transfer re-points them to the
// issue's new key: no incremental listing re-reads those issues. So the
// batch that deletes an issue also drops the links other issues declared to
// it, and Holders names those issues beforehand, for a sync to read them
// again and apply them in the same batch.

// querier is what a read needs of *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// heldLinks completes from (a DELETE or SELECT up to its FROM clause) into
// the statement on the links that are not text references and name one of
// a list of keys (bound twice, after the origin). A text reference stays:
// the text that makes it is still there, and a full sync finds it again.
func heldLinks(from, list string) string {
	return from + ` WHERE links.origin <> ? AND (links.from_key IN ` + list + ` OR links.to_key IN ` + list + `)`
}

// heldArgs are heldLinks' arguments for keys.
func heldArgs(keys []any) []any {
	return append(append([]any{string(model.OriginTextReference)}, keys...), keys...)
}

// unlinkDeleted drops the links that other stored issues declared to the
// deleted issues, as the tracker dropped them when it deleted those. A link
// to an issue that was never stored (another project, a repository not
// synced) is not touched.
func unlinkDeleted(ctx context.Context, tx *sql.Tx, deleted []string) error {
	for chunk := range slices.Chunk(deleted, inChunk/2) {
		list, keys := inList(chunk)
		if _, err := tx.ExecContext(ctx, heldLinks(`DELETE FROM links`, list), heldArgs(keys)...); err != nil {
			return err
		}
	}
	return nil
}

// Holders returns, by source and sorted, the stored issues that declared
// links (other than text references) to the deleted issues (keys Missing
// returned), those issues aside: the tracker changed those links without
// editing them.
func (s *Store) Holders(ctx context.Context, deleted []string) (map[string][]string, error) {
	if len(deleted) == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("finding the holders of links to deleted issues: %w", err)
	}
	defer tx.Rollback()
	gone := make(map[string]bool, len(deleted))
	for _, k := range deleted {
		gone[k] = true
	}
	sources := map[string]string{} // holder → its source
	for chunk := range slices.Chunk(deleted, inChunk/2) {
		list, keys := inList(chunk)
		query := heldLinks(`SELECT DISTINCT links.owner, issues.source FROM links JOIN issues ON issues.key = links.owner`, list)
		err := eachRow(ctx, tx, query, heldArgs(keys), func(rows *sql.Rows) error {
			var owner, source string
			if err := rows.Scan(&owner, &source); err != nil {
				return err
			}
			if !gone[owner] {
				sources[owner] = source
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("finding the holders of links to deleted issues: %w", err)
		}
	}
	out := map[string][]string{}
	for _, owner := range slices.Sorted(maps.Keys(sources)) {
		out[sources[owner]] = append(out[sources[owner]], owner)
	}
	return out, nil
}

// eachRow runs query and hands every row to f.
func eachRow(ctx context.Context, q querier, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryKeys runs query, which selects one TEXT column, and returns its values.
func queryKeys(ctx context.Context, q querier, query string, args []any) ([]string, error) {
	var keys []string
	err := eachRow(ctx, q, query, args, func(rows *sql.Rows) error {
		var k string
		err := rows.Scan(&k)
		keys = append(keys, k)
		return err
	})
	return keys, err
}
