package kastor

import (
	"errors"

	"golang.org/x/sys/windows"
)

// connRefused says whether err is a connection the server refused. Windows
// answers WSAECONNREFUSED, which syscall.ECONNREFUSED (a value Go invents
// there) does not match.
func connRefused(err error) bool { return errors.Is(err, windows.WSAECONNREFUSED) }
