//go:build !linux

package data

import "time"

// setGiveUp does nothing here. Windows gives up on unacknowledged data
// after its own retransmissions (about 20 s); macOS waits its own 15
// minutes (TCP_RXT_CONNDROPTIME would shorten it, untested here). On both,
// the keepalive settings of dialOffice find an idle connection dead.
func setGiveUp(uintptr, time.Duration) error { return nil }
