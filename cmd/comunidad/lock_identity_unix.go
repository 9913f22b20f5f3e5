//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// identityLockPath is the lock file named after the database file's device
// and inode, which every hard link to it shares. The database is created
// (empty, 0600, as data.Open would) when it does not exist yet, so that it
// has an inode to be named after.
func identityLockPath(real string) (string, error) {
	f, err := os.OpenFile(real, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("abrir %s: %w", real, err)
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return "", fmt.Errorf("abrir %s: %w", real, err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return "", nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "comunidad", "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("crear la carpeta de bloqueos %s: %w", dir, err)
	}
	return filepath.Join(dir, fmt.Sprintf("%d-%d.lock", uint64(st.Dev), uint64(st.Ino))), nil
}
