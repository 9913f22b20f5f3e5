package ui

// sendPendingNotices is a placeholder until the email issue lands: owned by that work.
func (u *UI) sendPendingNotices() {}
