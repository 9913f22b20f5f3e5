package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// TestFormEnterSubmitsEscapeCloses: in the add-user form Enter in any field
// submits, Escape closes the form and then the modal; an error does not move
// the buttons, and typing clears it.
func TestFormEnterSubmitsEscapeCloses(t *testing.T) {
	u, w, tab := loadedTab(t)
	m := openUnitModal(t, tab, "102")
	m.openAddForm()
	f := m.form
	w.Canvas().Focus(f.first)
	test.Type(f.first, "Ana")
	test.Type(f.last, "Soto")
	test.Type(f.email, "ana@")
	posBefore := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.submit)
	sizeBefore := w.Canvas().Overlays().Top().Size()
	f.email.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	eventually(t, "the error", func() bool { return f.errLabel.Visible() && f.errLabel.Text != "" })
	w.Canvas().Overlays().Top().Refresh()
	if pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.submit); pos != posBefore {
		t.Errorf("the error moved «Agregar» from %v to %v", posBefore, pos)
	}
	if s := w.Canvas().Overlays().Top().Size(); s != sizeBefore {
		t.Errorf("the error grew the form from %v to %v", sizeBefore, s)
	}
	// Correcting the email clears the error; Enter then adds the user.
	test.Type(f.email, "example.cl")
	if f.errLabel.Visible() {
		t.Fatalf("the old error stays: %q", f.errLabel.Text)
	}
	before := peopleCount(t, u.st.(*data.Store))
	loads := tab.loads
	f.phone.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	eventually(t, "the user added", func() bool { return m.form == nil && tab.loads > loads })
	if peopleCount(t, u.st.(*data.Store)) != before+1 {
		t.Fatal("Enter did not add the user")
	}
	// Escape in a field closes the form, not the modal.
	m.openAddForm()
	f = m.form
	w.Canvas().Focus(f.first)
	f.first.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if m.form != nil || tab.modal != m {
		t.Fatalf("Escape in the form: form %v, modal %v", m.form != nil, tab.modal != nil)
	}
	// With nothing focused, Escape reaches the window and closes the modal.
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if tab.modal != nil {
		t.Fatal("Escape did not close the modal")
	}
	if len(u.escapes) != 0 {
		t.Fatalf("%d dialogs still wait for Escape", len(u.escapes))
	}
}

// TestEmailFormKeys: the secondary email form takes Enter and Escape too.
func TestEmailFormKeys(t *testing.T) {
	_, _, tab := loadedTab(t)
	m := openUnitModal(t, tab, "103")
	m.openEmailForm(nil)
	f := m.emailForm
	test.Type(f.email, "porteria@example.cl")
	loads := tab.loads
	f.label.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	eventually(t, "the email added", func() bool { return m.emailForm == nil && tab.loads > loads })
	m.openEmailForm(nil)
	m.emailForm.email.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if m.emailForm != nil {
		t.Fatal("Escape did not close the email form")
	}
}

// TestModalCompactList: each person is one line with their details on
// demand, and «Agregar usuario» stays above the list however many there are.
func TestModalCompactList(t *testing.T) {
	_, w, tab := loadedTab(t)
	m := openUnitModal(t, tab, "101")
	for i := 0; i < 4; i++ {
		in := data.LocalUser{FirstNames: "Ana", LastNames: []string{"Soto", "Díaz", "Pérez", "Rojas"}[i], Email: fmt.Sprintf("ana%d@example.cl", i), Type: data.Residente}
		if msg := submitUser(t, tab, m, in); msg != "" {
			t.Fatal(msg)
		}
	}
	top := w.Canvas().Overlays().Top()
	top.Refresh()
	d := fyne.CurrentApp().Driver()
	scrollTop := d.AbsolutePositionForObject(m.scroll).Y
	if y := d.AbsolutePositionForObject(m.addUser).Y; y >= scrollTop || !m.addUser.Visible() || m.addUser.Disabled() {
		t.Fatalf("«Agregar usuario» at y=%.0f, the list starts at %.0f", y, scrollTop)
	}
	if y := d.AbsolutePositionForObject(m.addEmail).Y; y >= scrollTop {
		t.Fatalf("«Agregar correo secundario» at y=%.0f, below the list's top %.0f", y, scrollTop)
	}
	// One line per person: the six people fit in the modal without scrolling.
	line := widget.NewButton("Detalles", nil).MinSize().Height
	var details []*widget.Button
	walkTree(m.body, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "Detalles" {
			details = append(details, b)
		}
		return true
	})
	if len(details) != 6 {
		t.Fatalf("%d «Detalles» buttons, want one per person (6)", len(details))
	}
	for _, mb := range m.detail.Members {
		if h := m.personCard(mb).MinSize().Height; h > line+4*theme.Padding() {
			t.Errorf("%s takes %.0f pixels, more than a line (%.0f)", mb.FullName(), h, line)
		}
	}
	// Details on demand: the RUT shows once asked for.
	if visibleText(m.body, "12.345.678-5") {
		t.Fatal("details shown before asked for")
	}
	test.Tap(details[0])
	if !visibleText(m.body, "12.345.678-5") {
		t.Fatal("«Detalles» does not show the RUT")
	}
}

// visibleText reports whether a label with text s is shown (it and what
// holds it visible).
func visibleText(o fyne.CanvasObject, s string) bool {
	found := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found {
			return
		}
		if l, ok := o.(*widget.Label); ok && l.Text == s {
			found = true
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, ch := range c.Objects {
				walk(ch)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, ch := range test.WidgetRenderer(w).Objects() {
				walk(ch)
			}
		}
	}
	walk(o)
	return found
}
