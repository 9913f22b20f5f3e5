package main

import (
	"fmt"
	"syscall"
)

// birthTime is the file's creation time (see lock_birth_linux.go).
func birthTime(path string) string {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return ""
	}
	return fmt.Sprintf("%d.%09d", st.Birthtimespec.Sec, st.Birthtimespec.Nsec)
}
