package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// unitModal is the Herramientas modal of one unit: what Kastor says about it
// (read-only), the additional users and secondary emails the administrator
// manages here.
type unitModal struct {
	t      *unitsTab
	unitID int64
	detail data.UnitDetail
	dlg    *dialog.CustomDialog
	body   *fyne.Container
	scroll *container.Scroll

	addUser   *widget.Button
	addReason *widget.Label
	addEmail  *widget.Button

	form      *userForm  // the add/edit user form, while open
	emailForm *emailForm // the add/edit secondary email form, while open
	confirm   dialog.Dialog
	renders   int // times the modal was filled (tests wait on it)
}

// openModal opens the Herramientas modal of a unit and loads it off the UI goroutine.
func (t *unitsTab) openModal(unitID int64) {
	m := &unitModal{t: t, unitID: unitID, body: container.NewVBox(widget.NewProgressBarInfinite())}
	m.addUser = widget.NewButtonWithIcon(lang.X("units.modal.adduser", "Agregar usuario"), theme.ContentAddIcon(), m.openAddForm)
	m.addUser.Importance = widget.HighImportance
	m.addReason = widget.NewLabel("")
	m.addReason.Truncation = fyne.TextTruncateEllipsis // one line: wrapped labels upset the scroll height
	m.addReason.Importance = widget.WarningImportance
	m.addEmail = widget.NewButtonWithIcon(lang.X("units.modal.addemail", "Agregar correo secundario"), theme.MailComposeIcon(), func() { m.openEmailForm(nil) })
	m.scroll = container.NewVScroll(m.body)
	// The add buttons stay above the list, reachable however long it is.
	bar := container.NewBorder(nil, widget.NewSeparator(), container.NewHBox(m.addUser, m.addEmail), nil, m.addReason)
	m.dlg = dialog.NewCustom(lang.X("units.modal.title", "Herramientas de la unidad"), lang.X("units.modal.close", "Cerrar"),
		container.NewBorder(bar, nil, nil, nil, m.scroll), t.u.win)
	t.u.closeOnEscape(m.dlg, func() {
		if t.modal == m {
			t.modal = nil
		}
		t.table.Refresh() // the rows under the dialog are drawn again
	})
	ws := t.u.win.Canvas().Size()
	m.dlg.Resize(fyne.NewSize(min(980, ws.Width-40), min(680, ws.Height-40)))
	t.modal = m
	m.dlg.Show()
	m.load(nil)
}

// load reads the unit off the UI goroutine and shows it; then runs after
// (on the UI goroutine), if any.
func (m *unitModal) load(after func()) {
	st := m.t.u.st
	background(func() {
		d, err := st.UnitDetail(context.Background(), m.unitID)
		fyne.Do(func() {
			if err != nil {
				m.dlg.Hide()
				m.t.u.showError(err)
				return
			}
			m.detail = d
			m.render()
			m.renders++
			if after != nil {
				after()
			}
		})
	})
}

// changed reloads the modal, then the table, after a write: one after the
// other, so that two loads never update widgets at the same time.
func (m *unitModal) changed() {
	m.load(m.t.reload)
}

func (m *unitModal) render() {
	d := m.detail
	u := d.Unit
	name := u.Name
	if name == "" {
		name = lang.X("units.modal.unit", "Unidad {{.Code}}", map[string]any{"Code": u.Code})
	}
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	objs := []fyne.CanvasObject{title}
	if u.Archived {
		objs = append(objs, warnLabel(lang.X("units.modal.archived", "Esta unidad ya no viene en Kastor (archivada): no se le pueden agregar usuarios.")))
	}
	info := container.NewGridWithColumns(4,
		fieldBlock(lang.X("units.modal.code", "Código"), u.Code),
		fieldBlock(lang.X("units.modal.sector", "Sector"), dash(u.Sector)),
		fieldBlock(lang.X("units.modal.floor", "Piso"), dash(u.Floor)),
		fieldBlock(lang.X("units.modal.factor", "Factor de prorrateo"), formatFactor(u.Factor)),
	)
	// The assigned units can be a long list: on its own line, wrapped, whole.
	assigned := wrappedFieldBlock(lang.X("units.modal.assigned", "Unidades asignadas"), dash(u.Assigned))
	objs = append(objs, info, assigned, kastorNote())

	objs = append(objs, sectionTitle(lang.X("units.modal.main", "Responsable de deuda (cuenta principal)")))
	main, ok := d.Main()
	if ok {
		objs = append(objs, m.personCard(main))
	} else {
		objs = append(objs, lowLabel(lang.X("units.modal.nomain", "Kastor no indica una cuenta principal para esta unidad.")))
	}
	var others, locals []data.Member
	for _, mb := range d.Members {
		switch {
		case ok && mb.ID == main.ID && mb.Role == data.RoleMain:
		case mb.Local():
			locals = append(locals, mb)
		default:
			others = append(others, mb)
		}
	}
	if len(others) > 0 {
		objs = append(objs, sectionTitle(lang.X("units.modal.kastorusers", "Otros usuarios de Kastor")))
		for _, mb := range others {
			objs = append(objs, m.personCard(mb))
		}
	}

	n := d.LocalCount()
	objs = append(objs, sectionTitle(lang.X("units.modal.added", "Usuarios agregados ({{.N}} de {{.Max}})",
		map[string]any{"N": n, "Max": data.MaxLocalUsers})))
	if len(locals) == 0 {
		objs = append(objs, lowLabel(lang.X("units.modal.noadded", "Todavía no hay usuarios agregados en esta unidad.")))
	}
	for _, mb := range locals {
		objs = append(objs, m.personCard(mb))
	}
	switch {
	case u.Archived:
		m.addUser.Disable()
		m.addReason.SetText(lang.X("units.modal.addarchived", "No se pueden agregar usuarios a una unidad archivada."))
		m.addReason.Show()
	case n >= data.MaxLocalUsers:
		m.addUser.Disable()
		m.addReason.SetText(lang.X("units.modal.limit", "Ya hay {{.Max}} usuarios agregados, el máximo por unidad: quite uno para agregar otro.",
			map[string]any{"Max": data.MaxLocalUsers}))
		m.addReason.Show()
	default:
		m.addUser.Enable()
		m.addReason.SetText("")
		m.addReason.Hide()
	}

	objs = append(objs, sectionTitle(lang.X("units.modal.secondary", "Correos secundarios")))
	if len(d.SecondaryEmails) == 0 {
		objs = append(objs, lowLabel(lang.X("units.modal.nosecondary", "Sin correos secundarios.")))
	}
	for _, e := range d.SecondaryEmails {
		objs = append(objs, m.emailRow(e))
	}

	m.body.Objects = objs
	m.body.Refresh()
	m.scroll.Refresh() // the scroll keeps the content's old height until told
}

// personCard shows one person of the unit on one line (name, type and
// tags, email), with the rest of their data on demand («Detalles»). Kastor's
// are read-only and say why; the ones added here can be edited and removed.
func (m *unitModal) personCard(mb data.Member) fyne.CanvasObject {
	name := mb.FullName()
	if name == "" {
		name = lang.X("units.modal.noname", "(sin nombre)")
	}
	head := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	tags := []string{typeLabel(mb.Type)}
	if mb.Role == data.RoleMain {
		tags = append(tags, lang.X("units.modal.maintag", "responsable de deuda"))
	}
	if mb.Local() {
		tags = append(tags, lang.X("units.origin.added", "Agregado"))
	} else {
		tags = append(tags, "Kastor")
	}
	if mb.MemberArchived || mb.Archived {
		tags = append(tags, lang.X("units.modal.archivedtag", "archivado"))
	}
	if mb.Email != "" {
		tags = append(tags, mb.Email)
	} else {
		tags = append(tags, lang.X("units.row.noemail", "sin correo"))
	}
	tag := lowLabel(strings.Join(tags, " · "))
	rut := ""
	if mb.RUT != "" {
		rut = data.FormatRUT(mb.RUT)
	}
	fields := [][2]string{
		{lang.X("units.col.first", "Nombres"), mb.FirstNames},
		{lang.X("units.col.last", "Apellidos"), mb.LastNames},
		{lang.X("units.modal.rut", "RUT"), rut},
		{lang.X("units.col.email", "Correo"), mb.Email},
		{lang.X("units.modal.phone", "Teléfono"), mb.Phone},
		{lang.X("units.col.type", "Tipo de usuario"), typeLabel(mb.Type)},
	}
	grid := container.NewGridWithColumns(3)
	for _, f := range fields {
		if mb.Local() {
			grid.Add(fieldBlock(f[0], dash(f[1])))
		} else {
			grid.Add(readOnlyField(f[0], f[1]))
		}
	}
	var foot fyne.CanvasObject
	buttons := container.NewHBox()
	if mb.Local() {
		foot = noticeLabel(mb)
		if by := addedByText(mb.AddedBy, mb.AddedAt); by != "" {
			foot = container.NewVBox(foot, lowLabel(by))
		}
	} else {
		foot = lowLabel(lang.X("units.modal.fromkastor", "viene de Kastor: cámbielo allí y use «Importar datos»"))
	}
	details := container.NewVBox(grid, foot)
	details.Hide()
	var more *widget.Button
	more = widget.NewButtonWithIcon(lang.X("units.modal.details", "Detalles"), theme.MenuExpandIcon(), func() {
		if details.Visible() {
			details.Hide()
			more.SetIcon(theme.MenuExpandIcon())
		} else {
			details.Show()
			more.SetIcon(theme.MenuDropDownIcon())
		}
		m.body.Refresh()
		m.scroll.Refresh()
	})
	more.Importance = widget.LowImportance
	buttons.Add(more)
	if mb.Local() {
		edit := widget.NewButtonWithIcon(lang.X("units.modal.edit", "Editar"), theme.DocumentCreateIcon(), func() { m.openEditForm(mb) })
		del := widget.NewButtonWithIcon(lang.X("units.modal.remove", "Quitar"), theme.DeleteIcon(), func() { m.confirmRemoveUser(mb) })
		buttons.Add(edit)
		buttons.Add(del)
	}
	header := container.NewBorder(nil, nil, head, buttons, tag)
	card := container.NewVBox(header, details)
	return container.NewStack(canvasBox(), container.NewPadded(card))
}

// noticeLabel is the state of an added user's "new user" email.
func noticeLabel(mb data.Member) fyne.CanvasObject {
	var s string
	imp := widget.LowImportance
	switch mb.NoticeState {
	case "pending", "sending":
		s = lang.X("units.modal.notice.pending", "Aviso de nuevo usuario: pendiente de envío")
	case "sent":
		s = lang.X("units.modal.notice.sent", "Aviso de nuevo usuario: enviado")
		imp = widget.SuccessImportance
	case "failed":
		s = lang.X("units.modal.notice.failed", "Aviso de nuevo usuario: falló ({{.Error}})", map[string]any{"Error": dash(mb.NoticeError)})
		imp = widget.DangerImportance
	case "cancelled":
		s = lang.X("units.modal.notice.cancelled", "Aviso de nuevo usuario: cancelado")
	default:
		s = lang.X("units.modal.notice.none", "Aviso de nuevo usuario: no registrado")
	}
	l := widget.NewLabel(s)
	l.Importance = imp
	l.Truncation = fyne.TextTruncateEllipsis // one line: wrapped labels upset the scroll height
	return l
}

func (m *unitModal) emailRow(e data.SecondaryEmail) fyne.CanvasObject {
	text := e.Email
	if e.Label != "" {
		text += " — " + e.Label
	}
	edit := widget.NewButtonWithIcon(lang.X("units.modal.edit", "Editar"), theme.DocumentCreateIcon(), func() { m.openEmailForm(&e) })
	del := widget.NewButtonWithIcon(lang.X("units.modal.remove", "Quitar"), theme.DeleteIcon(), func() { m.confirmRemoveEmail(e) })
	return container.NewBorder(nil, nil, widget.NewIcon(theme.MailComposeIcon()), container.NewHBox(edit, del), widget.NewLabel(text))
}

func (m *unitModal) confirmRemoveUser(mb data.Member) {
	msg := lang.X("units.modal.remove.user", "¿Quitar a {{.Name}} ({{.Email}}) de la unidad {{.Unit}}? Dejará de tener acceso por esta unidad.",
		map[string]any{"Name": mb.FullName(), "Email": mb.Email, "Unit": m.detail.Unit.Code})
	m.ask(msg, func(ctx context.Context, st Store) error { return st.RemoveLocalUser(ctx, m.unitID, mb.ID) })
}

func (m *unitModal) confirmRemoveEmail(e data.SecondaryEmail) {
	msg := lang.X("units.modal.remove.email", "¿Quitar el correo secundario {{.Email}} de la unidad {{.Unit}}?",
		map[string]any{"Email": e.Email, "Unit": m.detail.Unit.Code})
	m.ask(msg, func(ctx context.Context, st Store) error { return st.RemoveSecondaryEmail(ctx, e.ID) })
}

// ask confirms a removal, then runs it off the UI goroutine.
func (m *unitModal) ask(msg string, do func(context.Context, Store) error) {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm(lang.X("units.modal.remove.title", "Confirmar"), lang.X("units.modal.remove", "Quitar"),
		lang.X("units.form.cancel", "Cancelar"), container.NewGridWrap(fyne.NewSize(420, l.MinSize().Height*3), l), func(ok bool) {
			if !ok {
				return
			}
			st := m.t.u.st
			background(func() {
				err := do(context.Background(), st)
				fyne.Do(func() {
					if err != nil {
						m.t.u.showError(err)
					}
					m.changed()
				})
			})
		}, m.t.u.win)
	m.confirm = c
	c.Show()
}

// --- small building blocks ---

func sectionTitle(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(widget.NewSeparator(), l)
}

func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Truncation = fyne.TextTruncateEllipsis // one line: wrapped labels upset the scroll height
	return l
}

func warnLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.WarningImportance
	l.Truncation = fyne.TextTruncateEllipsis // one line: wrapped labels upset the scroll height
	return l
}

// fieldBlock is a caption over a value.
func fieldBlock(caption, value string) fyne.CanvasObject {
	c := widget.NewLabel(caption)
	c.Importance = widget.LowImportance
	c.SizeName = theme.SizeNameCaptionText
	v := widget.NewLabel(value)
	v.Truncation = fyne.TextTruncateEllipsis
	v.Selectable = true
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), c, v)
}

// wrappedFieldBlock is a caption over a value that may be long: wrapped,
// read whole.
func wrappedFieldBlock(caption, value string) fyne.CanvasObject {
	c := widget.NewLabel(caption)
	c.Importance = widget.LowImportance
	c.SizeName = theme.SizeNameCaptionText
	v := widget.NewLabel(value)
	v.Wrapping = fyne.TextWrapWord
	v.Selectable = true
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), c, v)
}

// readOnlyField is a Kastor value: a label that can be selected and copied
// but not edited (a disabled entry was too faint to read).
func readOnlyField(caption, value string) fyne.CanvasObject {
	return fieldBlock(caption, dash(value))
}

func kastorNote() fyne.CanvasObject {
	l := lowLabel(lang.X("units.modal.kastornote", "Los datos de la unidad y de sus usuarios de Kastor no se editan aquí: vienen de Kastor. Cámbielos allí y use «Importar datos»."))
	return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, l)
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// formatFactor writes the prorrateo factor with a decimal comma, as in Chile.
func formatFactor(f float64) string {
	if f == 0 {
		return "—"
	}
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// fieldMessage turns a validation error into the text shown under the form.
func fieldMessage(err error) string {
	return errorText(err)
}
