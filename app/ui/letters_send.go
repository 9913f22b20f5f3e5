package ui

import "fyne.io/fyne/v2/dialog"

// onLetterSend acts on the units with the given ids (all units when empty).
// Placeholder until its issue lands: owned by that work.
func (u *UI) onLetterSend(unitIDs []int64) {
	dialog.ShowInformation("Carta de bienvenida", "", u.win)
}
