package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// The packaged exe is a GUI program (no console window opens on a
// double-click), so Windows starts it from cmd.exe or PowerShell with no
// standard streams: "comunidad.exe sync ..." would print nothing. With a
// command to run, attach to the console of the shell that started it and
// write there. Streams a caller redirected (to a file or a pipe) are valid
// already and kept.
func init() {
	if len(os.Args) < 2 {
		return // the window: no console
	}
	if valid(os.Stdout) && valid(os.Stderr) {
		return
	}
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS (DWORD -1)
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer or a shortcut: nobody to write to
	}
	if !valid(os.Stdout) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !valid(os.Stderr) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
	if !valid(os.Stdin) {
		if f, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
			os.Stdin = f
		}
	}
}

// valid says whether f is a usable handle (a console, a file or a pipe).
func valid(f *os.File) bool {
	if f == nil {
		return false
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
