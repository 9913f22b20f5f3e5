package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"

	"comunidad/app/mailer"
)

// sendPendingNotices sends, off the UI goroutine, the new-user notices
// waiting in the outbox of the community on screen. Without a configured
// account they silently stay pending (Enviados sends them once there is one); while
// another batch holds the outbox they wait for it to end (runSend calls this
// again). The tab is refreshed afterwards so it shows each notice's state.
func (u *UI) sendPendingNotices() {
	st, c := u.st, u.community
	if st == nil || c.ID == 0 {
		return
	}
	flows := u.flows()
	background(func() {
		ctx := context.Background()
		b, err := flows.PendingNotices(ctx, c)
		if err != nil || b == nil {
			return
		}
		_, err = b.Run(ctx, nil)
		fyne.Do(func() {
			u.units.reload()
			var ae *mailer.AuthError
			var ce *mailer.ConnectError
			if errors.As(err, &ae) || errors.As(err, &ce) {
				u.showError(err)
			}
		})
	})
}
