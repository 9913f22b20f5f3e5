package atomicfile

import "syscall"

// ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112).
func isDiskFull(e syscall.Errno) bool { return e == 39 || e == 112 || e == syscall.ENOSPC }
