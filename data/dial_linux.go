package data

import (
	"syscall"
	"time"
)

// setGiveUp sets TCP_USER_TIMEOUT: how long sent data may stay
// unacknowledged before the connection fails.
func setGiveUp(fd uintptr, d time.Duration) error {
	const tcpUserTimeout = 0x12 // TCP_USER_TIMEOUT, linux/tcp.h
	return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpUserTimeout, int(d/time.Millisecond))
}
