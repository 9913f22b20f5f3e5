package ui

import "fyne.io/fyne/v2/dialog"

// onGenerateUsers acts on the units with the given ids (all units when empty).
// Placeholder until its issue lands: owned by that work.
func (u *UI) onGenerateUsers(unitIDs []int64) {
	dialog.ShowInformation("Generar usuarios", "", u.win)
}
