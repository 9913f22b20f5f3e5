package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Starting is how a window opens its database while it already shows:
// opening can take seconds (a command from the command line holding this
// computer's file is waited for; an office server may be slow to answer,
// or not answer at all until the connection's time limit).
type Starting struct {
	Office string // the office server ("srv:5432") when the database is the office's
	Demo   bool   // the demo community
	// Open opens the database, off the UI goroutine. It calls waiting (from
	// any goroutine) when it waits for a command that holds the database:
	// its name ("backup create"), "" when the holder does not say.
	Open func(waiting func(command string)) (Store, error)
	// Ready gets what Open returned, on the UI goroutine.
	Ready func(Store, error)
}

// ShowStarting puts w on the screen of a database opening (what is being
// opened, then what it waits for) and starts Open; Ready decides what the
// window shows next (the normal window, or a start-up problem's screen).
func ShowStarting(w fyne.Window, s Starting) {
	what := lang.X("database.opening.local", "Abriendo la base de datos de este equipo…")
	switch {
	case s.Office != "":
		what = lang.X("starting.office", "Conectando con la base de datos de la oficina en {{.Server}}…", map[string]any{"Server": s.Office})
	case s.Demo:
		what = lang.X("starting.demo", "Abriendo la comunidad de demostración…")
	}
	heading := widget.NewLabelWithStyle(what, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	heading.Wrapping = fyne.TextWrapWord
	status := statusLabel()
	bar := widget.NewProgressBarInfinite()
	waiting := func(command string) {
		text := lang.X("starting.waiting.other", "Esperando a que otro programa de Comunidad deje libre la base de datos…")
		if command != "" {
			text = lang.X("starting.waiting", "Esperando a que termine el comando «comunidad {{.Command}}»…", map[string]any{"Command": command})
		}
		fyne.Do(func() { status.SetText(text) })
	}
	w.SetContent(recoverLayout(container.NewVBox(widget.NewIcon(theme.StorageIcon()), heading,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(320, bar.MinSize().Height), bar)), status)))
	background(func() {
		st, err := s.Open(waiting)
		fyne.Do(func() {
			bar.Stop()
			s.Ready(st, err)
		})
	})
}
