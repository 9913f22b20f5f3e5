package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Newcomers are the people who arrived with the community's latest import:
// each Kastor membership (a person in a unit) that import added, still
// there (neither it, the person nor the unit archived since). A person who
// moved to another unit arrives there. After the first import everyone is
// a newcomer. It returns no keys when the community was never imported.
func (s *Store) Newcomers(ctx context.Context, community int64) ([]MemberKey, error) {
	var started string
	err := s.r.QueryRowContext(ctx, `SELECT started_at FROM sync_runs WHERE community_id = ? ORDER BY id DESC LIMIT 1`, community).Scan(&started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("newcomers: %w", err)
	}
	// An import writes its start time into the memberships it adds.
	rows, err := s.r.QueryContext(ctx, `SELECT m.unit_id, m.person_id FROM memberships m
		JOIN units u ON u.id = m.unit_id JOIN people p ON p.id = m.person_id
		WHERE u.community_id = ? AND m.origin = 'kastor' AND m.created_at = ?
		  AND m.archived = 0 AND u.archived = 0 AND p.archived = 0
		ORDER BY m.unit_id, m.person_id`, community, started)
	if err != nil {
		return nil, fmt.Errorf("newcomers: %w", err)
	}
	defer rows.Close()
	var out []MemberKey
	for rows.Next() {
		var k MemberKey
		if err := rows.Scan(&k.UnitID, &k.PersonID); err != nil {
			return nil, fmt.Errorf("newcomers: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
