//go:build unix && !linux && !darwin

package main

// birthTime is not known here: the device and inode name the lock alone.
func birthTime(path string) string { return "" }
