//go:build !windows

package kastor

import (
	"errors"
	"syscall"
)

// connRefused says whether err is a connection the server refused.
func connRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
