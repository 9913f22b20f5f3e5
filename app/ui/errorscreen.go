package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ErrorScreen is the window's content when the database cannot be opened:
// what happened, in words, instead of a window that never appears.
func ErrorScreen(err error) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.X("error.db.title", "No se pudo abrir la base de datos"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	hint := widget.NewLabelWithStyle(lang.X("error.db.hint", "El archivo no se modificó. Cierre esta ventana y elija otro archivo con --db, o consulte a soporte."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	hint.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, nil, nil, container.NewCenter(container.NewVBox(
		widget.NewIcon(theme.ErrorIcon()), heading, msg, hint)))
}
