package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// The instance lock follows the real file, not the name it was opened by:
// a symlink to an open database resolves to the same <db>.lock, and (on
// Linux and macOS) a hard link, which has no name of its own to resolve,
// takes a second lock named after the file's device and inode in the
// user's cache folder (lock_identity_unix.go). Both are taken, or neither.

// realPath is the database's path with every symlink resolved; for a file
// not created yet, its folder's.
func realPath(abs string) (string, error) {
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		return p, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return abs, nil
		}
		return "", err
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}

// heldLocks is the lock files taken for one database.
type heldLocks []*flock.Flock

func (h heldLocks) unlock() {
	for _, fl := range h {
		fl.Unlock()
	}
}

// takeLocks takes the lock files standing for the database at real (see
// realPath): its <db>.lock, then its identity lock. When another process
// holds one, it returns that file's path as busy and takes none.
func takeLocks(real string) (held heldLocks, busy string, err error) {
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		return nil, "", fmt.Errorf("abrir %s: %w", real, err)
	}
	paths := []string{lockPath(real)}
	if id, err := identityLockPath(real); err != nil {
		return nil, "", err
	} else if id != "" {
		paths = append(paths, id)
	}
	for _, lp := range paths {
		if heldHere(lp) {
			continue // ours already: see heldHere
		}
		fl := flock.New(lp, flock.SetPermissions(0o600))
		ok, err := fl.TryLock()
		if err != nil {
			held.unlock()
			return nil, "", err
		}
		if !ok {
			held.unlock()
			return nil, lp, nil
		}
		held = append(held, fl)
	}
	return held, "", nil
}

// heldHere reports whether this process holds the lock file lp already,
// for a window lock it keeps (locks; the caller holds locksMu). An identity
// lock is named by the file's device and inode, which a database created
// after another one was deleted may get again: the process then does not
// refuse itself (a flock taken twice in one process, through two handles,
// is refused like another process's).
func heldHere(lp string) bool {
	for _, h := range locks {
		for _, fl := range h {
			if fl.Path() == lp {
				return true
			}
		}
	}
	return false
}

// writeHolders records who holds the locks in each of their files.
func (h heldLocks) writeHolders(what string) {
	for _, fl := range h {
		writeHolder(fl.Path(), what)
	}
}
