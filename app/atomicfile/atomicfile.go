// Package atomicfile writes output files so that the name the user chose
// holds either the whole new file or what it held before: never half a file,
// whatever happens (a crash, a kill, a full disk) while it is written.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is being written under a temporary name beside its destination.
type File struct {
	*os.File
	dest string
	done bool
}

// Create starts writing dest. Write to the returned file, then Commit;
// Abort (or a deferred Abort after Commit, which is a no-op) discards it.
func Create(dest string) (*File, error) {
	if err := checkName(dest); err != nil {
		return nil, err
	}
	dir := filepath.Dir(dest)
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	return &File{File: f, dest: dest}, nil
}

// Commit flushes the data to disk and renames the file onto its destination.
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	if err := f.Sync(); err != nil {
		f.File.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	return nil
}

// Abort discards the temporary file; after Commit it does nothing.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// WriteFile is os.WriteFile, atomically.
func WriteFile(dest string, data []byte) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", dest, err)
	}
	return f.Commit()
}
