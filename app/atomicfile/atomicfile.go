// Package atomicfile writes output files so that the name the user chose
// holds either the whole new file or what it held before: never half a file,
// whatever happens (a crash, a kill, a full disk) while it is written.
//
// Every write is checked: a File that failed one write (a full disk, a
// removed drive) refuses to Commit, even when the code that wrote to it (a
// library that ignores write errors, such as gopdf's) did not look.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// File is being written under a temporary name beside its destination.
type File struct {
	*os.File
	dest string
	done bool
	err  error // the first failed write
}

// Create starts writing dest. Write to the returned file, then Commit;
// Abort (or a deferred Abort after Commit, which is a no-op) discards it.
func Create(dest string) (*File, error) {
	if err := checkName(dest); err != nil {
		return nil, err
	}
	if err := checkRegular(dest); err != nil {
		return nil, err
	}
	dir := filepath.Dir(dest)
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, &Error{Path: dest, Err: err}
	}
	return &File{File: f, dest: dest}, nil
}

// Write writes to the temporary file; after a failed write, every later
// one fails with the same error and nothing more is written.
func (f *File) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.File.Write(p)
	if err != nil {
		f.err = err
	}
	return n, err
}

// WriteString is Write for a string (io.WriteString would otherwise reach
// the os.File directly).
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// ReadFrom copies r through Write (io.Copy would otherwise reach the os.File).
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{f}, r)
}

// Commit flushes the data to disk and renames the file onto its
// destination; it fails, leaving the destination as it was, when any write
// failed.
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	fail := func(err error) error {
		f.File.Close()
		os.Remove(f.Name())
		return &Error{Path: f.dest, Err: err}
	}
	if f.err != nil {
		return fail(f.err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(f.Name())
		return &Error{Path: f.dest, Err: err}
	}
	// The user's only: exports hold RUTs, emails and phones.
	if err := os.Chmod(f.Name(), 0o600); err != nil {
		os.Remove(f.Name())
		return &Error{Path: f.dest, Err: err}
	}
	if err := checkRegular(f.dest); err != nil { // made while the file was written
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		os.Remove(f.Name())
		return &Error{Path: f.dest, Err: err}
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
		return &Error{Path: dest, Err: err}
	}
	return f.Commit()
}

// Error is a file that could not be written, said in the user's words.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("no se pudo escribir %s: %s", e.Path, Reason(e.Err))
}

func (e *Error) Unwrap() error { return e.Err }

// Reason says in Spanish why a write failed, for the common causes; other
// errors keep the system's text.
func Reason(err error) string {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno) && isDiskFull(errno):
		return "el disco está lleno"
	case errors.As(err, &errno) && errno == syscall.EROFS:
		return "la carpeta es de solo lectura"
	case errors.Is(err, fs.ErrPermission):
		return "no hay permiso para escribir en esa carpeta"
	case errors.Is(err, fs.ErrNotExist):
		return "la carpeta no existe"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
