//go:build !unix

package main

// identityLockPath has no inode to go by here: the lock beside the real
// file (symlinks resolved) is the one.
func identityLockPath(real string) (string, error) { return "", nil }
