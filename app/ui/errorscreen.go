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
	heading, msg, hint := problemTexts(lang.X("office.problem.title", "No se pudo abrir la base de datos de la oficina"), p.Problem,
		lang.X("office.problem.hint", "Nada se perdió: los datos siguen en el servidor. Reintente cuando el problema esté resuelto, o trabaje mientras tanto en la base de datos de este equipo (Configuración → Base de datos vuelve a la de la oficina)."))
	status := statusLabel()
	var retry, local *widget.Button
	run := func(open func() (Store, error), doing string) {
		openInBackground(status, p.Open, open, doing, retry, local)
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

// Busy is what the window shows when, at start, another window or a
// command that did not end in time holds this computer's database.
type Busy struct {
	Problem error
	// Retry takes the database again, off the UI goroutine; Open then puts
	// the window on it.
	Retry func() (Store, error)
	Open  func(Store)
}

// BusyScreen says who holds the database and offers to try again once that
// window is closed or that command has ended: nothing has to be restarted.
func BusyScreen(p Busy) fyne.CanvasObject {
	heading, msg, hint := problemTexts(lang.X("busy.title", "La base de datos está en uso"), p.Problem,
		lang.X("busy.hint", "No se modificó nada. Cuando la otra ventana se cierre o el comando termine, pulse Reintentar."))
	status := statusLabel()
	var retry *widget.Button
	retry = widget.NewButtonWithIcon(lang.X("busy.retry", "Reintentar"), theme.ViewRefreshIcon(), func() {
		openInBackground(status, p.Open, p.Retry, lang.X("database.opening.local", "Abriendo la base de datos de este equipo…"), retry)
	})
	retry.Importance = widget.HighImportance
	box := container.NewVBox(widget.NewIcon(theme.WarningIcon()), heading, msg, hint, container.NewCenter(retry), status)
	return recoverLayout(box)
}

// problemTexts is a start-up screen's words: its title, the problem in the
// user's language, and what to do about it.
func problemTexts(title string, problem error, what string) (heading, msg, hint *widget.Label) {
	heading = widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg = widget.NewLabel(data.Capitalize(errorText(problem)))
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	hint = widget.NewLabelWithStyle(what, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	hint.Wrapping = fyne.TextWrapWord
	return heading, msg, hint
}

// statusLabel is a start-up screen's line saying how an attempt went.
func statusLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	return l
}

// openInBackground runs open off the UI goroutine with the screen's buttons
// disabled and status saying what it is doing, then puts the window on what
// it opened (done), or says in status why it could not.
func openInBackground(status *widget.Label, done func(Store), open func() (Store, error), doing string, buttons ...*widget.Button) {
	for _, b := range buttons {
		b.Disable()
	}
	status.SetText(doing)
	background(func() {
		st, err := open()
		fyne.Do(func() {
			for _, b := range buttons {
				b.Enable()
			}
			if err != nil {
				status.SetText(data.Capitalize(errorText(err)))
				return
			}
			done(st)
		})
	})
}
