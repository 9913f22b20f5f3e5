//go:build windows

package mailer

import "os"

// processAlive reports whether a process with this id exists: on Windows
// FindProcess opens a handle, which fails for a process that is gone.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
