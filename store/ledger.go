package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// SyncRun is what the store remembers of a source's sync rounds.
type SyncRun struct {
	Started, Finished time.Time // of the last round
	LastSuccess       time.Time // end of the last round without error; zero if none
	Err               string    // error of the last round; "" if it succeeded
}

// RecordSyncRun records the outcome of a sync round of source; errMsg is ""
// when the round succeeded.
func (s *Store) RecordSyncRun(ctx context.Context, source string, started, finished time.Time, errMsg string) error {
	var success any
	if errMsg == "" {
		success = finished.UnixMilli()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_runs (source, started_ms, finished_ms, last_success_ms, err)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET started_ms = excluded.started_ms, finished_ms = excluded.finished_ms,
			last_success_ms = COALESCE(excluded.last_success_ms, sync_runs.last_success_ms), err = excluded.err`,
		source, started.UnixMilli(), finished.UnixMilli(), success, errMsg)
	if err != nil {
		return fmt.Errorf("recording sync run of %s: %w", source, err)
	}
	return nil
}

// LastSyncRuns returns the last recorded sync round of every source, by source.
func (s *Store) LastSyncRuns(ctx context.Context) (map[string]SyncRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, started_ms, finished_ms, last_success_ms, err FROM sync_runs`)
	if err != nil {
		return nil, fmt.Errorf("loading sync runs: %w", err)
	}
	defer rows.Close()
	runs := make(map[string]SyncRun)
	for rows.Next() {
		var (
			source            string
			started, finished int64
			success           sql.NullInt64
			run               SyncRun
		)
		if err := rows.Scan(&source, &started, &finished, &success, &run.Err); err != nil {
			return nil, fmt.Errorf("loading sync runs: %w", err)
		}
		run.Started, run.Finished = time.UnixMilli(started).UTC(), time.UnixMilli(finished).UTC()
		run.LastSuccess = fromMillis(success)
		runs[source] = run
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading sync runs: %w", err)
	}
	return runs, nil
}

var isoWeek = regexp.MustCompile(`^[0-9]{4}-W[0-9]{2}$`)

// The channels a rollup goes out on.
const (
	ChannelEmail = "email"
	ChannelSlack = "slack"
)

// checkRollupKey rejects a group other than "org" or "team:<name>" and a week
// not written like "2026-W48".
func checkRollupKey(group, week string) error {
	if group != "org" && (!strings.HasPrefix(group, "team:") || group == "team:") {
		return fmt.Errorf("rollup group %q: want \"org\" or \"team:<name>\"", group)
	}
	if !isoWeek.MatchString(week) {
		return fmt.Errorf("rollup week %q: want an ISO week like 2026-W48", week)
	}
	return nil
}

// checkDeliveryKey is checkRollupKey for a delivery on channel.
func checkDeliveryKey(group, channel, week string) error {
	if channel != ChannelEmail && channel != ChannelSlack {
		return fmt.Errorf("rollup channel %q: want %q or %q", channel, ChannelEmail, ChannelSlack)
	}
	return checkRollupKey(group, week)
}

// RollupDone reports whether the rollup of group for week needs nothing more
// on channel: it was sent, or the channel refused it for good.
func (s *Store) RollupDone(ctx context.Context, group, channel, week string) (bool, error) {
	if err := checkDeliveryKey(group, channel, week); err != nil {
		return false, err
	}
	var ms int64
	err := s.db.QueryRowContext(ctx, `SELECT at_ms FROM rollup_deliveries WHERE group_name = ? AND channel = ? AND week = ?`,
		group, channel, week).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading rollup ledger for %s %s %s: %w", group, channel, week, err)
	}
	return true, nil
}

// MarkRollupSent records that the rollup of group for week went out on
// channel at at; a forced resend records the later time.
func (s *Store) MarkRollupSent(ctx context.Context, group, channel, week string, at time.Time) error {
	return s.recordDelivery(ctx, group, channel, week, at, "")
}

// MarkRollupRefused records that channel refused the rollup of group for
// week at at for reason, a refusal retrying cannot mend (Slack's
// "channel_not_found"): it is not tried again that week.
func (s *Store) MarkRollupRefused(ctx context.Context, group, channel, week string, at time.Time, reason string) error {
	if reason == "" {
		return fmt.Errorf("recording rollup of %s %s %s as refused: no reason", group, channel, week)
	}
	return s.recordDelivery(ctx, group, channel, week, at, reason)
}

func (s *Store) recordDelivery(ctx context.Context, group, channel, week string, at time.Time, refused string) error {
	if err := checkDeliveryKey(group, channel, week); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO rollup_deliveries (group_name, channel, week, at_ms, refused) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (group_name, channel, week) DO UPDATE SET at_ms = excluded.at_ms, refused = excluded.refused`,
		group, channel, week, at.UnixMilli(), refused)
	if err != nil {
		return fmt.Errorf("recording rollup of %s %s %s: %w", group, channel, week, err)
	}
	return nil
}

// SaveWeekStats stores (or replaces) the numbers a rollup reported for group
// and week. data must be text, such as JSON, so that it fits a TEXT column
// on every database.
func (s *Store) SaveWeekStats(ctx context.Context, group, week string, data []byte) error {
	if err := checkRollupKey(group, week); err != nil {
		return err
	}
	if !utf8.Valid(data) || strings.ContainsRune(string(data), 0) {
		return fmt.Errorf("saving week stats of %s %s: data is not text", group, week)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO week_stats (group_name, week, data) VALUES (?, ?, ?)
		ON CONFLICT (group_name, week) DO UPDATE SET data = excluded.data`, group, week, string(data))
	if err != nil {
		return fmt.Errorf("saving week stats of %s %s: %w", group, week, err)
	}
	return nil
}

// WeekStats returns what SaveWeekStats stored for group and week, if anything.
func (s *Store) WeekStats(ctx context.Context, group, week string) (data []byte, ok bool, err error) {
	if err := checkRollupKey(group, week); err != nil {
		return nil, false, err
	}
	var text string
	err = s.db.QueryRowContext(ctx, `SELECT data FROM week_stats WHERE group_name = ? AND week = ?`, group, week).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading week stats of %s %s: %w", group, week, err)
	}
	return []byte(text), true, nil
}
