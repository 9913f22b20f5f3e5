package ui

import (
	"net/url"
	"path/filepath"
)

// openPath opens a file or folder with the system's default application
// (xdg-open, open, or the shell's open verb, through Fyne).
func (u *UI) openPath(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	return u.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)})
}
