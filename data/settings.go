package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Global is the community id of application-wide settings.
const Global int64 = 0

// Setting returns the value of key for a community (or Global), and whether it is set.
func (s *Store) Setting(ctx context.Context, community int64, key string) (string, bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE community_id = ? AND key = ?`, community, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

// SettingOr returns the value of key, or def when it is not set or cannot be read.
func (s *Store) SettingOr(ctx context.Context, community int64, key, def string) string {
	v, ok, err := s.Setting(ctx, community, key)
	if err != nil || !ok {
		return def
	}
	return v
}

// SetSetting stores key = value for a community (or Global).
func (s *Store) SetSetting(ctx context.Context, community int64, key, value string) error {
	return SetSettingTx(ctx, s.w, community, key, value)
}

// SetSettingTx is SetSetting inside the caller's transaction.
func SetSettingTx(ctx context.Context, q Querier, community int64, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO settings (community_id, key, value) VALUES (?, ?, ?)
		ON CONFLICT (community_id, key) DO UPDATE SET value = excluded.value`, community, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// DeleteSetting removes key.
func (s *Store) DeleteSetting(ctx context.Context, community int64, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM settings WHERE community_id = ? AND key = ?`, community, key)
	return err
}

// Settings returns every setting of a community (or Global) as a map.
func (s *Store) Settings(ctx context.Context, community int64) (map[string]string, error) {
	// Without the undo records: an office import's image of its community
	// is megabytes.
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings WHERE community_id = ? AND `+notUndoKey("key"), community)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, rows.Err()
}
