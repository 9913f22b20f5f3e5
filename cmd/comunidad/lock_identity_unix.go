//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// identityLockPath is the lock file named after the database file's device
// and inode (and its creation time, where the file system keeps it), which
// every hard link to it shares. The database is created
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
	name := fmt.Sprintf("%d-%d", uint64(st.Dev), uint64(st.Ino))
	if b := birthTime(real); b != "" {
		name += "-" + b // a deleted database's numbers given to a new file
	}
	return filepath.Join(dir, name+".lock"), nil
}
