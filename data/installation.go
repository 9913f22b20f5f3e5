package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// keyInstallation is the Global setting that holds the database's identity.
const keyInstallation = "installation.id"

// InstallationID is the database's own identity: random, made the first
// time it is asked and kept in its settings (a backup restored keeps it).
// What belongs to one installation, such as the community the window last
// showed, is keyed by it rather than by where the file happens to be.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	if v, ok, err := s.Setting(ctx, Global, keyInstallation); err != nil || (ok && v != "") {
		return v, err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	// Another process may make one at the same time: the first one stays.
	if _, err := s.w.ExecContext(ctx, `INSERT INTO settings (community_id, key, value) VALUES (?, ?, ?)
		ON CONFLICT (community_id, key) DO NOTHING`, Global, keyInstallation, hex.EncodeToString(b)); err != nil {
		return "", fmt.Errorf("installation id: %w", err)
	}
	v, _, err := s.Setting(ctx, Global, keyInstallation)
	return v, err
}
