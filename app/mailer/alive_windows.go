//go:build windows

package mailer

import "golang.org/x/sys/windows"

// processAlive reports whether a process with this id is running. Opening
// it is not enough on Windows: a process that has exited stays openable
// while anyone holds a handle to it (its parent, a shell), so a sender
// killed mid-batch would look alive forever and its batch could never be
// resumed. A running process's handle is not yet signalled.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION|windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		// Gone, or not ours to open (another user's): only the first can
		// be a sender of this user's database that died.
		return err == windows.ERROR_ACCESS_DENIED
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, 0)
	return err == nil && ev == uint32(windows.WAIT_TIMEOUT)
}
