//go:build !windows

package atomicfile

import "syscall"

func isDiskFull(e syscall.Errno) bool { return e == syscall.ENOSPC || e == syscall.EDQUOT }
