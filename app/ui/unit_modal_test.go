package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// openUnitModal opens the Herramientas modal of a unit the way the user
// does: the icon button in the row's Herramientas cell.
func openUnitModal(t *testing.T, tab *unitsTab, code string) *unitModal {
	t.Helper()
	row := -1
	for i, idx := range tab.shown {
		if tab.snap.rows[idx].UnitCode == code {
			row = i
			break
		}
	}
	if row < 0 {
		t.Fatalf("unit %s not shown", code)
	}
	cell := newUnitCell()
	tab.table.updateCell(widget.TableCellID{Row: row, Col: colTools}, cell)
	b := cellParts(cell).button
	if !b.Visible() {
		t.Fatal("no Herramientas button in the cell")
	}
	test.Tap(b)
	m := tab.modal
	if m == nil {
		t.Fatal("no modal")
	}
	eventually(t, "the modal", func() bool { return m.renders > 0 })
	return m
}

// modalTexts is every text in the modal and in dialogs over it, with the
// values of the read-only Kastor fields.
func modalTexts(w fyne.Window) string {
	var out []string
	for _, o := range w.Canvas().Overlays().List() {
		out = append(out, texts(o)...)
		out = append(out, entryTexts(o)...)
	}
	return strings.Join(out, "\n")
}

func entryTexts(o fyne.CanvasObject) []string {
	var out []string
	walkTree(o, func(o fyne.CanvasObject) bool {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, fmt.Sprintf("[%s disabled=%v]", e.Text, e.Disabled()))
			return false
		}
		return true
	})
	return out
}

// submitUser fills the add form and submits it, then waits for the outcome:
// the form closed and the table reloaded, or an error under the form.
func submitUser(t *testing.T, tab *unitsTab, m *unitModal, in data.LocalUser) (errText string) {
	t.Helper()
	if m.form == nil {
		m.openAddForm()
	}
	f := m.form
	for _, e := range []*dialogEntry{f.first, f.last, f.email, f.rut, f.phone} {
		e.SetText("")
	}
	test.Type(f.first, in.FirstNames)
	test.Type(f.last, in.LastNames)
	test.Type(f.email, in.Email)
	test.Type(f.rut, in.RUT)
	test.Type(f.phone, in.Phone)
	if in.Type != "" {
		f.typ.SetSelected(typeLabel(in.Type))
	}
	loads := tab.loads
	f.errLabel.SetText("")
	test.Tap(f.submit)
	eventually(t, "the form's outcome", func() bool {
		return (f.errLabel.Visible() && f.errLabel.Text != "" && !f.submit.Disabled()) || (m.form == nil && tab.loads > loads)
	})
	if m.form != nil {
		return f.errLabel.Text
	}
	return ""
}

func peopleCount(t *testing.T, st *data.Store) int {
	var n int
	if err := st.Reader().QueryRow(`SELECT count(*) FROM people`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestModalShowsUnitAndKastorReadOnly(t *testing.T) {
	_, w, tab := loadedTab(t)
	openUnitModal(t, tab, "101")
	got := modalTexts(w)
	for _, want := range []string{
		"Depto 101", "Código", "101", "Depto 101, Bod. 12, Est. 34", "Torre A", "0,0123",
		"Responsable de deuda (cuenta principal)", "José Núñez Pérez",
		"José", "Núñez Pérez", "12.345.678-5", "jose@example.cl", "+56 9 8765 4321", "Propietario",
		"Otros usuarios de Kastor", "Marta Rojas", "Arrendatario",
		"viene de Kastor: cámbielo allí y use «Importar datos»",
		"Usuarios agregados (0 de 5)", "Agregar usuario", "Correos secundarios", "Agregar correo secundario",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("modal lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
	// Nothing of Kastor's can be typed into: the only entries are the add forms'.
	if e := entryTexts(w.Canvas().Overlays().Top()); len(e) != 0 {
		t.Fatalf("editable fields in the modal: %q", e)
	}
	if strings.Count(got, "Editar") != 0 || strings.Count(got, "viene de Kastor: cámbielo allí y use «Importar datos»") != 2 {
		t.Fatalf("Kastor people must be read-only and say why:\n%s", got)
	}
}

func TestModalAddsUsersUpToTheLimit(t *testing.T) {
	u, w, tab := loadedTab(t)
	m := openUnitModal(t, tab, "101")
	for i := 1; i <= data.MaxLocalUsers; i++ {
		if msg := submitUser(t, tab, m, data.LocalUser{FirstNames: "Ana", LastNames: fmt.Sprintf("Soto %c", 'A'+i),
			Email: fmt.Sprintf("ana%d@example.cl", i), RUT: "7.654.321-6", Phone: "+56 9 1234 5678", Type: data.Arrendatario}); msg != "" {
			t.Fatalf("user %d refused: %s", i, msg)
		}
	}
	if n := m.detail.LocalCount(); n != data.MaxLocalUsers {
		t.Fatalf("%d added users, want %d", n, data.MaxLocalUsers)
	}
	got := modalTexts(w)
	who, host := data.Who()
	for _, want := range []string{"Usuarios agregados (5 de 5)", "Ana Soto B", "Ana Soto F", "7.654.321-6", "ana5@example.cl",
		"Aviso de nuevo usuario: pendiente de envío", "Agregado por " + who + " en " + host + ", "} {
		if !strings.Contains(got, want) {
			t.Errorf("modal lacks %q", want)
		}
	}
	// The sixth: the button is disabled and says why...
	if !m.addUser.Disabled() || !m.addReason.Visible() ||
		m.addReason.Text != "Ya hay 5 usuarios agregados, el máximo por unidad: quite uno para agregar otro." {
		t.Fatalf("add button disabled=%v, reason %q", m.addUser.Disabled(), m.addReason.Text)
	}
	// ...and a form opened anyway (say, before the fifth was saved) is refused by the store.
	before := peopleCount(t, u.st.(*data.Store))
	msg := submitUser(t, tab, m, data.LocalUser{FirstNames: "Sexto", LastNames: "Usuario", Email: "sexto@example.cl"})
	if !strings.Contains(msg, "La unidad 101 ya tiene 5 usuarios adicionales, el máximo") {
		t.Fatalf("sixth user: %q", msg)
	}
	if peopleCount(t, u.st.(*data.Store)) != before {
		t.Fatal("the refused sixth user was stored")
	}
	m.form.dlg.Hide()
	// The table shows them as added, with their pending notice.
	var added int
	for _, i := range tab.shown {
		r := tab.snap.rows[i]
		if r.Origin == data.OriginLocal && r.Role == data.RoleAdditional && r.NoticeState == "pending" {
			added++
		}
	}
	if added != data.MaxLocalUsers {
		t.Fatalf("table shows %d added users with a pending notice", added)
	}
	// Removing one asks first, then makes room again.
	last := m.detail.Members[len(m.detail.Members)-1]
	m.confirmRemoveUser(last)
	if !strings.Contains(modalTexts(w), "¿Quitar a Ana Soto F (ana5@example.cl) de la unidad 101?") {
		t.Fatal("no confirmation before removing")
	}
	loads := tab.loads
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Quitar"))
	eventually(t, "the removal", func() bool { return tab.loads > loads })
	if m.detail.LocalCount() != data.MaxLocalUsers-1 || m.addUser.Disabled() || m.addReason.Visible() {
		t.Fatalf("after removing: %d users, add disabled=%v", m.detail.LocalCount(), m.addUser.Disabled())
	}
}

func TestModalRefusesInvalidInput(t *testing.T) {
	u, _, tab := loadedTab(t)
	m := openUnitModal(t, tab, "102")
	ok := data.LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana@example.cl"}
	with := func(f func(*data.LocalUser)) data.LocalUser { in := ok; f(&in); return in }
	tests := []struct {
		name string
		in   data.LocalUser
		want string
	}{
		{"empty names", with(func(in *data.LocalUser) { in.FirstNames = "" }), "Faltan los nombres"},
		{"whitespace names", with(func(in *data.LocalUser) { in.FirstNames = "   " }), "Faltan los nombres"},
		{"whitespace surnames", with(func(in *data.LocalUser) { in.LastNames = " \t" }), "Faltan los apellidos"},
		{"empty email", with(func(in *data.LocalUser) { in.Email = "  " }), "Falta el correo"},
		{"invalid email", with(func(in *data.LocalUser) { in.Email = "ana@example" }), `Correo inválido "ana@example"`},
		{"email with a name", with(func(in *data.LocalUser) { in.Email = "Ana <ana@example.cl>" }), "Correo inválido"},
		{"bad rut", with(func(in *data.LocalUser) { in.RUT = "12.345.678-9" }), "dígito verificador"},
		{"bad phone", with(func(in *data.LocalUser) { in.Phone = "llamar" }), "Teléfono inválido"},
		{"digits in surname", with(func(in *data.LocalUser) { in.LastNames = "S0to" }), "no pueden llevar '0'"},
		{"kastor person's email", with(func(in *data.LocalUser) { in.Email = "Jose@Example.cl" }), "ya es de José Núñez Pérez, que viene de Kastor (la unidad 101)"},
		{"secondary email", with(func(in *data.LocalUser) { in.Email = "conserje@example.cl" }), "correo secundario de la unidad 104"},
	}
	before := peopleCount(t, u.st.(*data.Store))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := submitUser(t, tab, m, tt.in)
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("message %q, want %q", msg, tt.want)
			}
			if peopleCount(t, u.st.(*data.Store)) != before {
				t.Fatal("an invalid user was stored")
			}
		})
	}
	// The fields flag themselves as they are typed.
	f := m.form
	f.email.SetText("")
	test.Type(f.email, "ana@")
	if f.email.Validate() == nil {
		t.Fatal("the email field accepts ana@")
	}
	f.rut.SetText("")
	test.Type(f.rut, "12345678-5")
	if f.rut.Validate() != nil {
		t.Fatal("the RUT field refuses a good RUT")
	}
	// A RUT in any spelling is stored normalised.
	if msg := submitUser(t, tab, m, with(func(in *data.LocalUser) { in.RUT = "7654321-6" })); msg != "" {
		t.Fatal(msg)
	}
	p, err := u.st.PersonByEmail(context.Background(), m.detail.Unit.CommunityID, "ana@example.cl")
	if err != nil || p.RUT != "7654321-6" || p.Origin != data.OriginLocal || p.Type != data.Residente {
		t.Fatalf("stored: %+v %v", p, err)
	}
}

func TestModalEditsAndSecondaryEmails(t *testing.T) {
	u, w, tab := loadedTab(t)
	m := openUnitModal(t, tab, "103")
	if msg := submitUser(t, tab, m, data.LocalUser{FirstNames: "Luis", LastNames: "Vera", Email: "luis@example.cl"}); msg != "" {
		t.Fatal(msg)
	}
	var luis data.Member
	for _, mb := range m.detail.Members {
		if mb.Email == "luis@example.cl" {
			luis = mb
		}
	}
	m.openEditForm(luis)
	f := m.form
	if f.first.Text != "Luis" || f.email.Text != "luis@example.cl" {
		t.Fatalf("edit form: %q %q", f.first.Text, f.email.Text)
	}
	f.last.SetText("")
	test.Type(f.last, "Vera Ríos")
	loads := tab.loads
	test.Tap(f.submit)
	eventually(t, "the edit", func() bool { return m.form == nil && tab.loads > loads })
	if !strings.Contains(modalTexts(w), "Luis Vera Ríos") {
		t.Fatal("the modal does not show the edited name")
	}
	// Secondary email: add, see it in the table, remove after confirming.
	m.openEmailForm(nil)
	ef := m.emailForm
	test.Type(ef.email, "jose@example.cl")
	test.Tap(ef.submit)
	eventually(t, "the refusal", func() bool { return ef.errLabel.Visible() && !ef.submit.Disabled() })
	if !strings.Contains(ef.errLabel.Text, "ya es de José Núñez Pérez") {
		t.Fatalf("secondary email refusal: %q", ef.errLabel.Text)
	}
	ef.email.SetText("")
	test.Type(ef.email, "Familia@Example.cl")
	test.Type(ef.label, "Familia")
	loads = tab.loads
	test.Tap(ef.submit)
	eventually(t, "the new secondary email", func() bool { return m.emailForm == nil && tab.loads > loads })
	if !strings.Contains(modalTexts(w), "familia@example.cl — Familia") {
		t.Fatal("the modal does not show the secondary email")
	}
	found := false
	for _, r := range shownRows(tab.table) {
		found = found || r == "Depto 103|||familia@example.cl|||Correo secundario"
	}
	if !found {
		t.Fatalf("table rows: %q", shownRows(tab.table))
	}
	m.confirmRemoveEmail(m.detail.SecondaryEmails[0])
	loads = tab.loads
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Quitar"))
	eventually(t, "the removal", func() bool { return tab.loads > loads })
	if len(m.detail.SecondaryEmails) != 0 {
		t.Fatal("secondary email not removed")
	}
	_ = u
}
