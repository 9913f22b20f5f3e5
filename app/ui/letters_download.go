package ui

import "fyne.io/fyne/v2/dialog"

// onLetterDownload acts on the units with the given ids (all units when empty).
// Placeholder until its issue lands: owned by that work.
func (u *UI) onLetterDownload(unitIDs []int64) {
	dialog.ShowInformation("Carta de bienvenida", "", u.win)
}
