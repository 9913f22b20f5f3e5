package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// birthTime is the file's creation time, when the file system keeps it
// ("" otherwise). With the device and inode it names the identity lock: a
// number an earlier, deleted database had is given again to a new file,
// which is born later.
func birthTime(path string) string {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, 0, unix.STATX_BTIME, &st); err != nil || st.Mask&unix.STATX_BTIME == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%09d", st.Btime.Sec, st.Btime.Nsec)
}
