package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// NotRegularError is a destination that exists and is not a regular file
// (a device such as /dev/full, a folder, a pipe, a socket, a symbolic
// link): renaming over it would replace it, so it is refused.
type NotRegularError struct {
	Path string
	What string // "un dispositivo", "una carpeta"...
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s es %s, no un archivo común: no se reemplaza; elija otro nombre", e.Path, e.What)
}

// checkRegular refuses a destination that exists and is not a regular file.
func checkRegular(dest string) error {
	info, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", dest, err)
	}
	m := info.Mode()
	what := ""
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "una carpeta"
	case m&fs.ModeSymlink != 0:
		what = "un enlace simbólico"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		what = "un dispositivo"
	case m&fs.ModeNamedPipe != 0:
		what = "una tubería (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "un socket"
	default:
		what = "un archivo especial"
	}
	return &NotRegularError{Path: dest, What: what}
}
