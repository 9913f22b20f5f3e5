// Package desktop hands files to the operating system: opening a file or a
// folder with its default application, and printing a file with the
// application registered for its type. On Windows it calls the shell
// (ShellExecute's open, print and printto verbs) with the native path; on
// Linux and macOS it passes a file: URL to the desktop's opener (xdg-open,
// open). It does not import Fyne: the window passes its opener in and puts
// the errors into the user's words.
package desktop

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
)

// Errors from the system, with the path they are about (a *PathError).
var (
	ErrNoApplication = errors.New("no application is registered for this file type")
	ErrNotFound      = errors.New("file not found")
	ErrDenied        = errors.New("access denied")
)

// PathError is a file the system could not open or print.
type PathError struct {
	Op   string // "open", "print"
	Path string
	Err  error // one of the errors above, or the system's own
}

func (e *PathError) Error() string { return e.Op + " " + e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// FileURL is the file: URL of an absolute path. A Windows path needs a
// slash before its drive letter (file:///C:/Users/...): without it "C:"
// reads as the URL's host.
func FileURL(abs string) *url.URL {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

// Open opens the file or folder at path with the system's default
// application. openURL is the desktop's URL opener (Fyne's App.OpenURL),
// used where the system has no shell call of its own.
func Open(path string, openURL func(*url.URL) error) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return &PathError{Op: "open", Path: path, Err: err}
	}
	if err := open(abs, openURL); err != nil {
		return &PathError{Op: "open", Path: abs, Err: err}
	}
	return nil
}
