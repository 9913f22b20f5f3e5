package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A batch of emails may take long (the account's limit per minute spaces
// them out: 240 letters at 30 a minute is 8 minutes). Its progress dialog
// has "Seguir trabajando", which hides it: the batch goes on, and the status
// line shows how far it got, with "Ver" to open the dialog again. Closing
// the window while a batch runs asks first.

// sendStatus is the status line's part for a batch running behind.
type sendStatus struct {
	label *widget.Label
	bar   *widget.ProgressBar
	show  *widget.Button
	box   *fyne.Container
	run   *sendRun // the batch shown, nil when none
}

func newSendStatus() *sendStatus {
	s := &sendStatus{label: widget.NewLabel(""), bar: widget.NewProgressBar()}
	s.bar.TextFormatter = func() string { return "" }
	s.show = widget.NewButtonWithIcon(lang.X("mail.background.show", "Ver"), theme.VisibilityIcon(), func() {
		if s.run != nil {
			s.run.dlg.Show()
		}
	})
	s.show.Importance = widget.LowImportance
	bar := container.NewGridWrap(fyne.NewSize(120, s.show.MinSize().Height), s.bar)
	s.box = container.NewHBox(s.label, container.NewCenter(bar), s.show)
	s.box.Hide()
	return s
}

// follow shows r in the status line until it ends.
func (s *sendStatus) follow(r *sendRun) {
	s.run = r
	s.update()
	s.box.Show()
}

// update copies the batch's progress.
func (s *sendStatus) update() {
	if s.run == nil {
		return
	}
	s.label.SetText(lang.X("mail.background.count", "Enviando correos: {{.Done}} de {{.Total}}",
		map[string]any{"Done": s.run.progress.Done, "Total": s.run.progress.Total}))
	s.bar.SetValue(s.run.bar.Value)
}

// ended hides the status line's part once r is over.
func (s *sendStatus) ended(r *sendRun) {
	if s.run == r {
		s.run = nil
		s.box.Hide()
	}
}

func (u *UI) closeWindow() {
	u.rememberWindowSize()
	if u.quit != nil {
		u.quit()
		return
	}
	u.win.Close()
}

// onCloseRequest is the window's close button: straight away, unless a
// batch is running, which the administrator may let finish or stop (the
// message in flight ends, the rest are cancelled, resumable from
// «Enviados»).
func (u *UI) onCloseRequest() {
	r := u.running
	if r == nil {
		u.closeWindow()
		return
	}
	msg := widget.NewLabel(lang.X("mail.close.body",
		"Se están enviando correos ({{.Done}} de {{.Total}}). Si cierra ahora, el envío se detiene después del correo en curso y los que faltan quedan cancelados: puede reanudarlos desde «Enviados».",
		map[string]any{"Done": r.progress.Done, "Total": r.progress.Total}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.X("mail.close.title", "Hay un envío en curso"),
		lang.X("mail.close.stop", "Detener y cerrar"), lang.X("mail.close.keep", "Seguir enviando"), msg,
		func(stop bool) {
			if !stop || u.running != r {
				return
			}
			r.closing = true
			r.stop()
		}, u.win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}
