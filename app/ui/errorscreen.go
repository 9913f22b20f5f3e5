package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
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

// OfficeProblem is what the window shows when the office database chosen
// for this computer cannot be used at start.
type OfficeProblem struct {
	Problem error
	// Retry opens the office database again; UseLocal opens this
	// computer's file instead (and remembers it). Both run off the UI
	// goroutine; Open then puts the window on what they opened.
	Retry, UseLocal func() (Store, error)
	Open            func(Store)
}

// OfficeProblemScreen says why the office database cannot be used (the
// server down, the password refused, a newer schema…) and offers to try
// again or to work on this computer's database meanwhile.
func OfficeProblemScreen(w fyne.Window, p OfficeProblem) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.X("office.problem.title", "No se pudo abrir la base de datos de la oficina"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(data.Capitalize(errorText(p.Problem)))
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	hint := widget.NewLabelWithStyle(lang.X("office.problem.hint", "Nada se perdió: los datos siguen en el servidor. Reintente cuando el problema esté resuelto, o trabaje mientras tanto en la base de datos de este equipo (Configuración → Base de datos vuelve a la de la oficina)."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	hint.Wrapping = fyne.TextWrapWord
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.Alignment = fyne.TextAlignCenter
	var retry, local *widget.Button
	run := func(open func() (Store, error), doing string) {
		retry.Disable()
		local.Disable()
		status.SetText(doing)
		background(func() {
			st, err := open()
			fyne.Do(func() {
				retry.Enable()
				local.Enable()
				if err != nil {
					status.SetText(data.Capitalize(errorText(err)))
					return
				}
				p.Open(st)
			})
		})
	}
	retry = widget.NewButtonWithIcon(lang.X("office.problem.retry", "Reintentar"), theme.ViewRefreshIcon(), func() {
		run(p.Retry, lang.X("database.opening.office", "Abriendo la base de datos de la oficina…"))
	})
	retry.Importance = widget.HighImportance
	local = widget.NewButtonWithIcon(lang.X("office.problem.local", "Usar la base de este equipo"), theme.ComputerIcon(), func() {
		run(p.UseLocal, lang.X("database.opening.local", "Abriendo la base de datos de este equipo…"))
	})
	box := container.NewVBox(widget.NewIcon(theme.ErrorIcon()), heading, msg, hint, container.NewCenter(container.NewHBox(retry, local)), status)
	return recoverLayout(box)
}
