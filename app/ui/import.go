package ui

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// onImport runs "Importar datos". The Kastor sync wires it.
func (u *UI) onImport() {
	dialog.ShowInformation(lang.X("action.import", "Importar datos"), "", u.win)
}
