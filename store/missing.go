package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/batonhq/baton/model"
)

// Missing returns the keys ApplyBatch(b) would delete, in key order, and,
// when there are any, how many issues b.Source has stored under
// b.Present.Prefix (a deletion guard weighs the one against the other;
// counting reads the row of every stored issue, so it is 0 when nothing is
// missing). Both are zero when b has no Present.
func (s *Store) Missing(ctx context.Context, b model.Batch) (missing []string, stored int, err error) {
	if b.Present == nil {
		return nil, 0, nil
	}
	missing, err = missingKeys(ctx, s.db, b)
	if err == nil && len(missing) > 0 {
		stored, err = storedUnder(ctx, s.db, b.Source, b.Present.Prefix)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("listing issues of %s under %q: %w", b.Source, b.Present.Prefix, err)
	}
	return missing, stored, nil
}

// missingKeys lists the issues of b.Source under b.Present.Prefix that
// neither b.Present.Keys nor b.Issues name, in key order. It walks the keys
// under the prefix in the primary key's index and reads the source of only
// the keys the batch does not name: normally none.
func missingKeys(ctx context.Context, q querier, b model.Batch) ([]string, error) {
	prefix := b.Present.Prefix
	present := make(map[string]struct{}, len(b.Present.Keys)+len(b.Issues))
	for _, k := range b.Present.Keys {
		present[k] = struct{}{}
	}
	for i := range b.Issues {
		present[b.Issues[i].Key] = struct{}{}
	}
	where, args := underPrefix(prefix)
	var unnamed []string
	err := eachRow(ctx, q, `SELECT key FROM issues`+where+` ORDER BY key`, args, func(rows *sql.Rows) error {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		if _, ok := present[k]; !ok {
			unnamed = append(unnamed, k)
		}
		return nil
	})
	if err != nil || len(unnamed) == 0 {
		return nil, err
	}
	return ofSource(ctx, q, b.Source, unnamed)
}

// ofSource returns those of keys (sorted) that b.Source stored, in order.
func ofSource(ctx context.Context, q querier, source string, keys []string) ([]string, error) {
	var out []string
	for chunk := range slices.Chunk(keys, inChunk) {
		list, args := inList(chunk)
		of, err := queryKeys(ctx, q, `SELECT key FROM issues WHERE source = ? AND key IN `+list+` ORDER BY key`,
			append([]any{source}, args...))
		if err != nil {
			return nil, err
		}
		out = append(out, of...)
	}
	return out, nil
}

// storedUnder counts the issues source has stored under prefix.
func storedUnder(ctx context.Context, q querier, source, prefix string) (int, error) {
	where, args := underPrefix(prefix)
	n := 0
	err := eachRow(ctx, q, `SELECT COUNT(*) FROM issues`+where+` AND source = ?`, append(args, source), func(rows *sql.Rows) error {
		return rows.Scan(&n)
	})
	return n, err
}

// underPrefix is the WHERE clause, and its arguments, of the keys that
// start with prefix: a key range rather than LIKE, so that the primary key's
// index is used and '%' or '_' in a prefix mean themselves. The range holds
// exactly those keys: a prefix without an end is all 0xff bytes (or empty),
// and only strings that start with it sort at or after it.
func underPrefix(prefix string) (string, []any) {
	if end, ok := prefixEnd(prefix); ok {
		return ` WHERE key >= ? AND key < ?`, []any{prefix, end}
	}
	return ` WHERE key >= ?`, []any{prefix}
}

// prefixEnd is the smallest string greater than every string with the given
// prefix in byte order, if there is one.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
