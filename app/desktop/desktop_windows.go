package desktop

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/windows"
)

// open uses the shell's open verb with the Windows path, as Explorer does:
// a file: URL through rundll32 (Fyne's way) mangles the accents and spaces
// escaped in it.
func open(abs string, _ func(*url.URL) error) error {
	return shellExecute("open", abs, "")
}

// ShellPrint prints one file with the application registered for its type
// (the shell's print verb) on the default printer, or with "printto" on the
// printer named.
func ShellPrint(ctx context.Context, printer, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return &PathError{Op: "print", Path: path, Err: err}
	}
	verb, args := "print", ""
	if printer != "" {
		verb, args = "printto", `"`+printer+`"`
	}
	if err := shellExecute(verb, abs, args); err != nil {
		return &PathError{Op: "print", Path: abs, Err: err}
	}
	return nil
}

// SE_ERR_NOASSOC and ERROR_NO_ASSOCIATION: nothing is registered to open or
// print this kind of file.
const (
	seErrNoAssoc       = syscall.Errno(31)
	errorNoAssociation = syscall.Errno(1155)
)

func shellExecute(verb, file, args string) error {
	v, err := syscall.UTF16PtrFromString(verb)
	if err != nil {
		return err
	}
	f, err := syscall.UTF16PtrFromString(file)
	if err != nil {
		return err
	}
	var a *uint16
	if args != "" {
		if a, err = syscall.UTF16PtrFromString(args); err != nil {
			return err
		}
	}
	dir, err := syscall.UTF16PtrFromString(filepath.Dir(file))
	if err != nil {
		return err
	}
	err = windows.ShellExecute(0, v, f, a, dir, windows.SW_SHOWNORMAL)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, seErrNoAssoc), errors.Is(err, errorNoAssociation),
		// With no handler for the verb Wine (and old shells) tries to run
		// the file itself.
		errors.Is(err, windows.ERROR_BAD_EXE_FORMAT):
		return ErrNoApplication
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND), errors.Is(err, windows.ERROR_PATH_NOT_FOUND):
		return ErrNotFound
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return ErrDenied
	}
	return err
}
