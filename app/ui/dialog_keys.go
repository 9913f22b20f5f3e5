package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// dialogEntry is an entry of a dialog's form: Enter submits the form and
// Escape closes the dialog (a focused entry gets the keys, so the window
// never sees them).
type dialogEntry struct {
	widget.Entry
	onEscape func()
}

func newDialogEntry(v func(string) error) *dialogEntry {
	e := &dialogEntry{}
	e.Validator = v
	e.ExtendBaseWidget(e)
	return e
}

func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// formKeys wires a form's entries: Enter submits, Escape cancels, and what
// is typed clears the error the last submit showed (the field's own check
// says whether it is right now).
func formKeys(submit, cancel func(), errLabel *widget.Label, entries ...*dialogEntry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { submit() }
		e.onEscape = cancel
		e.OnChanged = func(string) {
			if errLabel.Visible() {
				errLabel.SetText("")
				errLabel.Hide()
			}
		}
	}
}

// newErrorLabel is a form's error line, hidden until there is an error.
func newErrorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// errorLine keeps two lines of room for a form's error, shown or not, so
// that an error appearing does not grow the dialog nor move its buttons
// under the mouse.
func errorLine(l *widget.Label) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, widget.NewLabel("A\nA").MinSize().Height))
	return container.NewStack(room, l)
}

// closeOnEscape makes Escape close d while it is the topmost dialog that
// asked and nothing in it holds the keyboard; onClosed (may be nil) runs
// when d closes, as SetOnClosed would (which closeOnEscape uses).
func (u *UI) closeOnEscape(d dialog.Dialog, onClosed func()) {
	hide := d.Hide
	u.escapes = append(u.escapes, &hide)
	u.win.Canvas().SetOnTypedKey(u.onWindowKey)
	d.SetOnClosed(func() {
		for i, h := range u.escapes {
			if h == &hide {
				u.escapes = append(u.escapes[:i], u.escapes[i+1:]...)
				break
			}
		}
		if onClosed != nil {
			onClosed()
		}
	})
}

// onWindowKey gets the keys no widget holds: Escape closes the topmost
// dialog that asked for it.
func (u *UI) onWindowKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyEscape || len(u.escapes) == 0 {
		return
	}
	(*u.escapes[len(u.escapes)-1])()
}
