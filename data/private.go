package data

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
)

// The database, its WAL and shared-memory files and its backups hold RUTs,
// emails and phones: on Linux and macOS they are the user's only (0600).
// SQLite gives a database's -wal, -shm and -journal files the database
// file's own permissions, so creating the file 0600 first covers them.

// createPrivate creates path empty and 0600 when it does not exist (SQLite
// takes an empty file as a new database), and narrows an existing one (and
// its -wal and -shm) that group or others can read.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return f.Close()
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := narrow(p); err != nil {
			return err
		}
	}
	return nil
}

// narrow drops group and other permissions from an existing file (a no-op
// on Windows, where they do not exist).
func narrow(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o077 == 0 {
		return err
	}
	return os.Chmod(path, info.Mode().Perm()&0o700)
}
