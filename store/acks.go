package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/batonhq/baton/model"
)

// AddAck records a, ignoring its ID, and returns the ID it was given.
func (s *Store) AddAck(ctx context.Context, a model.Ack) (int64, error) {
	related, err := jsonList(a.Related)
	if err != nil {
		return 0, fmt.Errorf("recording ack of %s: %w", a.Issue, err)
	}
	var id int64
	err = s.writeData(ctx, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO acks (issue, rule, until_ms, reason, by_name, created_ms, severity, related)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.Issue, a.Rule, a.Until.UnixMilli(), a.Reason, a.By, a.Created.UnixMilli(), a.Severity, related)
		if err != nil {
			return false, err
		}
		id, err = res.LastInsertId()
		return true, err
	})
	if err != nil {
		return 0, fmt.Errorf("recording ack of %s: %w", a.Issue, err)
	}
	return id, nil
}

// Acks returns the acks that expire after since, by ID.
func (s *Store) Acks(ctx context.Context, since time.Time) ([]model.Ack, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, issue, rule, until_ms, reason, by_name, created_ms, severity, related
		FROM acks WHERE until_ms > ? ORDER BY id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("loading acks: %w", err)
	}
	defer rows.Close()
	var acks []model.Ack
	in := newInterner()
	for rows.Next() {
		var a model.Ack
		var until, created int64
		var related sql.NullString
		if err := rows.Scan(&a.ID, &a.Issue, &a.Rule, &until, &a.Reason, &a.By, &created, &a.Severity, &related); err != nil {
			return nil, fmt.Errorf("loading acks: %w", err)
		}
		if a.Related, err = stringList(related, in); err != nil {
			return nil, fmt.Errorf("loading ack %d: related: %w", a.ID, err)
		}
		a.Until, a.Created = time.UnixMilli(until).UTC(), time.UnixMilli(created).UTC()
		acks = append(acks, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading acks: %w", err)
	}
	return acks, nil
}

// RemoveAck deletes the ack with id and reports whether there was one.
func (s *Store) RemoveAck(ctx context.Context, id int64) (bool, error) {
	var removed bool
	err := s.writeData(ctx, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM acks WHERE id = ?`, id)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		removed = n > 0
		return removed, err
	})
	if err != nil {
		return false, fmt.Errorf("removing ack %d: %w", id, err)
	}
	return removed, nil
}
