package ui

import (
	"context"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// userForm adds or edits an additional user. Each field checks itself as it
// is typed; the whole form is checked again on submit, and what only the
// database can tell (an email already in use, the limit) comes back from it
// and is shown under the form, which stays open.
type userForm struct {
	m        *unitModal
	personID int64 // 0 when adding
	first    *dialogEntry
	last     *dialogEntry
	email    *dialogEntry
	rut      *dialogEntry
	phone    *dialogEntry
	typ      *widget.Select
	errLabel *widget.Label
	submit   *widget.Button
	cancel   *widget.Button
	dlg      *dialog.CustomDialog
}

func (m *unitModal) openAddForm() { m.openUserForm(nil) }

func (m *unitModal) openEditForm(mb data.Member) { m.openUserForm(&mb) }

func (m *unitModal) openUserForm(mb *data.Member) {
	f := &userForm{m: m}
	f.first = validatedEntry(func(s string) error { _, err := data.ValidateName(data.FieldFirstNames, s); return err })
	f.last = validatedEntry(func(s string) error { _, err := data.ValidateName(data.FieldLastNames, s); return err })
	f.email = validatedEntry(func(s string) error { _, err := data.ValidateEmail(s); return err })
	f.rut = validatedEntry(func(s string) error { _, err := data.ValidateRUT(s); return err })
	f.phone = validatedEntry(func(s string) error { _, err := data.ValidatePhone(s); return err })
	f.first.SetPlaceHolder(example("Ana María"))
	f.last.SetPlaceHolder(example("Soto Díaz"))
	f.email.SetPlaceHolder(example("nombre@dominio.cl"))
	f.rut.SetPlaceHolder(example("12.345.678-5"))
	f.phone.SetPlaceHolder(example("+56 9 1234 5678"))
	var types []string
	for _, t := range data.UserTypes {
		types = append(types, typeLabel(t))
	}
	f.typ = widget.NewSelect(types, nil)
	f.typ.SetSelectedIndex(indexOfType(data.Residente))
	title := lang.X("units.form.add.title", "Agregar usuario a la unidad {{.Unit}}", map[string]any{"Unit": m.detail.Unit.Code})
	submitText := lang.X("units.form.add", "Agregar")
	if mb != nil {
		f.personID = mb.ID
		f.first.SetText(mb.FirstNames)
		f.last.SetText(mb.LastNames)
		f.email.SetText(mb.Email)
		f.rut.SetText(data.FormatRUT(mb.RUT))
		f.phone.SetText(mb.Phone)
		f.typ.SetSelectedIndex(indexOfType(mb.Type))
		title = lang.X("units.form.edit.title", "Editar a {{.Name}}", map[string]any{"Name": mb.FullName()})
		submitText = lang.X("units.form.save", "Guardar")
	}
	f.errLabel = newErrorLabel()
	f.submit = widget.NewButtonWithIcon(submitText, theme.ConfirmIcon(), f.onSubmit)
	f.submit.Importance = widget.HighImportance
	f.cancel = widget.NewButtonWithIcon(lang.X("units.form.cancel", "Cancelar"), theme.CancelIcon(), func() { f.dlg.Hide() })
	formKeys(f.onSubmit, func() { f.dlg.Hide() }, f.errLabel, f.first, f.last, f.email, f.rut, f.phone)

	form := widget.NewForm(
		&widget.FormItem{Text: lang.X("units.col.first", "Nombres") + " *", Widget: f.first},
		&widget.FormItem{Text: lang.X("units.col.last", "Apellidos") + " *", Widget: f.last},
		&widget.FormItem{Text: lang.X("units.col.email", "Correo") + " *", Widget: f.email,
			HintText: lang.X("units.form.email.hint", "Con este correo entrará al portal y recibirá el aviso de nuevo usuario")},
		&widget.FormItem{Text: lang.X("units.modal.rut", "RUT"), Widget: f.rut,
			HintText: lang.X("units.form.rut.hint", "Opcional; con o sin puntos y guion")},
		&widget.FormItem{Text: lang.X("units.modal.phone", "Teléfono"), Widget: f.phone},
		&widget.FormItem{Text: lang.X("units.col.type", "Tipo de usuario"), Widget: f.typ},
	)
	note := lowLabel(lang.X("units.form.note", "* Obligatorio. Estos datos no vienen de Kastor: revíselos bien antes de guardar."))
	buttons := container.NewHBox(layoutSpacer(), f.cancel, f.submit)
	content := container.NewVBox(form, note, errorLine(f.errLabel), buttons)
	f.dlg = dialog.NewCustomWithoutButtons(title, fixedWidth(560, content), m.t.u.win)
	m.t.u.closeOnEscape(f.dlg, func() {
		if m.form == f {
			m.form = nil
		}
	})
	m.form = f
	f.dlg.Show()
	m.t.u.win.Canvas().Focus(f.first)
}

func indexOfType(t data.UserType) int {
	for i, x := range data.UserTypes {
		if x == t {
			return i
		}
	}
	return 0
}

func validatedEntry(v func(string) error) *dialogEntry { return newDialogEntry(v) }

func (f *userForm) value() data.LocalUser {
	typ := data.Residente
	if i := f.typ.SelectedIndex(); i >= 0 {
		typ = data.UserTypes[i]
	}
	return data.LocalUser{FirstNames: f.first.Text, LastNames: f.last.Text, Email: f.email.Text,
		RUT: f.rut.Text, Phone: f.phone.Text, Type: typ}
}

func (f *userForm) showError(msg string) {
	f.errLabel.SetText(msg)
	f.errLabel.Show()
}

func (f *userForm) onSubmit() {
	in := f.value()
	if _, err := in.Validate(); err != nil {
		f.showError(fieldMessage(err))
		return
	}
	f.submit.Disable()
	m := f.m
	st, unit, person := m.t.u.st, m.unitID, f.personID
	background(func() {
		var err error
		ctx := context.Background()
		if person == 0 {
			_, err = st.AddLocalUser(ctx, unit, in)
		} else {
			err = st.UpdateLocalUser(ctx, unit, person, in)
		}
		fyne.Do(func() {
			f.submit.Enable()
			if err != nil {
				f.showError(fieldMessage(err))
				return
			}
			f.dlg.Hide()
			if person == 0 {
				// The notification is queued with the user; send what is owed.
				m.t.u.sendPendingNotices()
			}
			m.changed()
		})
	})
}

// emailForm adds or edits a secondary email.
type emailForm struct {
	m        *unitModal
	id       int64 // 0 when adding
	email    *dialogEntry
	label    *dialogEntry
	errLabel *widget.Label
	submit   *widget.Button
	dlg      *dialog.CustomDialog
}

func (m *unitModal) openEmailForm(e *data.SecondaryEmail) {
	f := &emailForm{m: m}
	f.email = validatedEntry(func(s string) error { _, err := data.ValidateEmail(s); return err })
	f.email.SetPlaceHolder(example("nombre@dominio.cl"))
	f.label = newDialogEntry(nil)
	f.label.SetPlaceHolder(lang.X("units.form.label.hint", "Conserjería, familia…"))
	title := lang.X("units.form.email.add.title", "Agregar correo secundario a la unidad {{.Unit}}", map[string]any{"Unit": m.detail.Unit.Code})
	submitText := lang.X("units.form.add", "Agregar")
	if e != nil {
		f.id = e.ID
		f.email.SetText(e.Email)
		f.label.SetText(e.Label)
		title = lang.X("units.form.email.edit.title", "Editar correo secundario")
		submitText = lang.X("units.form.save", "Guardar")
	}
	f.errLabel = newErrorLabel()
	f.submit = widget.NewButtonWithIcon(submitText, theme.ConfirmIcon(), f.onSubmit)
	f.submit.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.X("units.form.cancel", "Cancelar"), theme.CancelIcon(), func() { f.dlg.Hide() })
	formKeys(f.onSubmit, func() { f.dlg.Hide() }, f.errLabel, f.email, f.label)
	form := widget.NewForm(
		&widget.FormItem{Text: lang.X("units.col.email", "Correo") + " *", Widget: f.email},
		&widget.FormItem{Text: lang.X("units.form.label", "Descripción"), Widget: f.label},
	)
	content := container.NewVBox(form, errorLine(f.errLabel), container.NewHBox(layoutSpacer(), cancel, f.submit))
	f.dlg = dialog.NewCustomWithoutButtons(title, fixedWidth(520, content), m.t.u.win)
	m.t.u.closeOnEscape(f.dlg, func() {
		if m.emailForm == f {
			m.emailForm = nil
		}
	})
	m.emailForm = f
	f.dlg.Show()
	m.t.u.win.Canvas().Focus(f.email)
}

func (f *emailForm) onSubmit() {
	if _, err := data.ValidateEmail(f.email.Text); err != nil {
		f.errLabel.SetText(fieldMessage(err))
		f.errLabel.Show()
		return
	}
	f.submit.Disable()
	m := f.m
	st, unit, id, email, label := m.t.u.st, m.unitID, f.id, f.email.Text, f.label.Text
	background(func() {
		var err error
		ctx := context.Background()
		if id == 0 {
			_, err = st.AddSecondaryEmail(ctx, unit, email, label)
		} else {
			err = st.UpdateSecondaryEmail(ctx, id, email, label)
		}
		fyne.Do(func() {
			f.submit.Enable()
			if err != nil {
				f.errLabel.SetText(fieldMessage(err))
				f.errLabel.Show()
				return
			}
			f.dlg.Hide()
			m.changed()
		})
	})
}

// example is a placeholder that cannot be mistaken for a typed value.
func example(s string) string {
	return lang.X("units.form.example", "p. ej. {{.Text}}", map[string]any{"Text": s})
}

// fixedWidth gives a dialog's content a width while its height follows the
// content (the error line appears and disappears).
func fixedWidth(w float32, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(r, content)
}

// canvasBox is the soft background of a person's card.
func canvasBox() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.CornerRadius = theme.InputRadiusSize()
	return r
}

// layoutSpacer pushes the buttons after it to the right in an HBox.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
