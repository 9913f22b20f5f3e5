package workflow

import (
	"context"

	"comunidad/data"
)

// Backup makes a backup of the database now.
func (s *Service) Backup(ctx context.Context, reason string) (data.BackupInfo, error) {
	b, err := s.backuper()
	if err != nil {
		return data.BackupInfo{}, err
	}
	return b.Backup(ctx, reason)
}

// Backups lists the backups, newest first, and how many are kept.
func (s *Service) Backups(ctx context.Context) ([]data.BackupInfo, int, error) {
	b, err := s.backuper()
	if err != nil {
		return nil, 0, err
	}
	list, err := b.Backups(ctx)
	return list, b.BackupKeep(ctx), err
}

// Restore puts the backup at path in the database's place; the current
// state is backed up first, and returned.
func (s *Service) Restore(ctx context.Context, path string) (before data.BackupInfo, err error) {
	b, err := s.backuper()
	if err != nil {
		return data.BackupInfo{}, err
	}
	return b.Restore(ctx, path)
}

// SetBackupKeep sets how many backups are kept (the oldest go).
func (s *Service) SetBackupKeep(ctx context.Context, n int) error {
	b, err := s.backuper()
	if err != nil {
		return err
	}
	return b.SetBackupKeep(ctx, n)
}
