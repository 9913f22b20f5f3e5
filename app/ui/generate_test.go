package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"comunidad/app/userfile"
	"comunidad/data"
	"comunidad/data/datatest"
)

// generateStore is a community with two owners with an email, one without,
// and a unit with nobody.
func generateStore(t *testing.T) *data.Store {
	t.Helper()
	f := datatest.New(t, nil)
	c := f.Community("Edificio Los Álamos")
	f.Units(c, data.Unit{ID: 1, Code: "101", Name: "Depto 101", Sector: "Torre A"}, data.Unit{ID: 2, Code: "102", Name: "Depto 102", Sector: "Torre A"},
		data.Unit{ID: 3, Code: "103", Name: "Depto 103", Sector: "Torre B"})
	f.People(c,
		data.Person{ID: 1, KastorKey: "k1", FirstNames: "José", LastNames: "Núñez", RUT: "12345670-K", Email: "jose@example.cl", Phone: "0987654321"},
		data.Person{ID: 2, KastorKey: "k2", FirstNames: "Marta", LastNames: "Rojas"},
		data.Person{ID: 3, KastorKey: "k3", FirstNames: "Ana", LastNames: "Soto", Email: "ana@example.cl"})
	f.Members(data.Membership{UnitID: 1, PersonID: 1, Role: data.RoleMain}, data.Membership{UnitID: 1, PersonID: 3, Role: data.RoleAdditional, Position: 1},
		data.Membership{UnitID: 2, PersonID: 2, Role: data.RoleMain})
	st := f.Store
	return st
}

// genSettle waits until the window has shown the community's units tab
// more than loads times: the test driver runs fyne.Do on the loading
// goroutines themselves, so a test must not touch widgets while they run.
// It returns the units tab's load count.
func genSettle(t *testing.T, u *UI, loads int) int {
	t.Helper()
	n := 0
	eventually(t, "the window loaded", func() bool {
		if u.community.ID != 1 || u.units.loads <= loads {
			return false
		}
		n = u.units.loads
		return true
	})
	return n
}

// genWait blocks until ch is closed (work runs off the UI goroutine).
func genWait(t *testing.T, what string, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// genTopTexts is every text of the window's top overlay (the open dialog), joined.
func genTopTexts(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), "\n")
}

// genEntryTexts lists the texts of the entries under o.
func genEntryTexts(o fyne.CanvasObject) []string {
	var out []string
	walkTree(o, func(o fyne.CanvasObject) bool {
		switch e := o.(type) {
		case *widget.Entry:
			out = append(out, e.Text)
		case *dialogEntry:
			out = append(out, e.Text)
		}
		return true
	})
	return out
}

func TestGenerateUsers(t *testing.T) {
	st := generateStore(t)
	ctx := context.Background()
	u, w := newTestUI(t, st)
	loads := genSettle(t, u, 0)

	r := u.startGenerate(nil)
	genWait(t, "the plan", r.planned)
	got := genTopTexts(w)
	for _, want := range []string{
		"Todas las unidades de Edificio Los Álamos: 3.",
		"Se crearán 2 cuentas nuevas en el portal.",
		"1 persona quedará sin cuenta (sin correo: 1; correo inválido: 0; correo compartido: 0).",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("confirmation lacks %q:\n%s", want, got)
		}
	}
	if a, _ := st.Accounts(ctx, 1); len(a) != 0 {
		t.Fatalf("accounts created before confirming: %v", a)
	}

	test.Tap(findButton(w.Canvas().Overlays().Top(), "Generar"))
	genWait(t, "the accounts", r.generated)
	genSettle(t, u, loads) // the tab reloads to show the new accounts
	if r.bar.Value != 1 {
		t.Errorf("progress bar at %v after the work, want 1", r.bar.Value)
	}
	if a, _ := st.Accounts(ctx, 1); len(a) != 2 {
		t.Fatalf("accounts after generating: %v", a)
	}
	// The save dialog proposes usuarios-<comunidad>-<fecha>.xlsx.
	if r.save == nil {
		t.Fatal("no save dialog")
	}
	name := userfile.DefaultName("Edificio Los Álamos", time.Now())
	if !strings.HasPrefix(name, "usuarios-edificio-los-alamos-") || !contains(genEntryTexts(w.Canvas().Overlays().Top()), name) {
		t.Fatalf("save dialog file name: want %q among %q", name, genEntryTexts(w.Canvas().Overlays().Top()))
	}
	// The native dialog cannot be driven here: save where it would have.
	r.save.Hide()
	path := filepath.Join(t.TempDir(), name)
	r.savePath(path)
	genWait(t, "the save", r.saved)

	got = genTopTexts(w)
	for _, want := range []string{
		"Usuarios generados",
		"Cuentas: 2 nuevas, 0 ya existían.",
		"Archivo: " + name + " (3 usuarios en 3 unidades).",
		"Unidades sin usuarios (1): 103",
		"Sin cuenta (1):",
		"Abrir",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("result lacks %q:\n%s", want, got)
		}
	}
	if line := exclusionLine(r.rep.Excluded[0]); line != "102 · Marta Rojas — sin correo" {
		t.Fatalf("exclusion line %q", line)
	}
	var opened string
	r.open = func(p string) error { opened = p; return nil }
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Abrir"))
	if opened != path {
		t.Fatalf("Abrir opened %q, want %q", opened, path)
	}
	if u.app.Preferences().String(prefGenerateDir) != filepath.Dir(path) {
		t.Fatal("the folder was not remembered for next time")
	}

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(userfile.SheetUsers)
	if err != nil || len(rows) != 4 {
		t.Fatalf("Usuarios: %q, %v", rows, err)
	}
	if got := strings.Join(rows[1], "|"); !strings.HasPrefix(got, "Edificio Los Álamos|101|Depto 101||Torre A|Propietario|Sí|José|Núñez|12345670-K|jose@example.cl|0987654321|Kastor|Activa (nueva)|") {
		t.Fatalf("row 2: %s", got)
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Cerrar"))

	// Again: nothing new to create.
	r = u.startGenerate([]int64{1, 2})
	genWait(t, "the second plan", r.planned)
	got = genTopTexts(w)
	for _, want := range []string{"Unidades seleccionadas de Edificio Los Álamos: 2.", "No hay cuentas nuevas que crear.", "Cuentas que ya existen: 2."} {
		if !strings.Contains(got, want) {
			t.Fatalf("second confirmation lacks %q:\n%s", want, got)
		}
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Cancelar"))
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the confirmation stayed open after Cancelar")
	}
}

func TestGenerateUsersCancelledAndNotSaved(t *testing.T) {
	st := generateStore(t)
	ctx := context.Background()
	u, w := newTestUI(t, st)
	loads := genSettle(t, u, 0)

	// Cancelled while working: no account, a message that says so.
	r := u.startGenerate(nil)
	genWait(t, "the plan", r.planned)
	r.confirm.Hide()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	r.start(cctx)
	genWait(t, "the cancel", r.generated)
	if got := genTopTexts(w); !strings.Contains(got, "Cancelado: no se creó ninguna cuenta ni se escribió el archivo.") {
		t.Fatalf("after cancel:\n%s", got)
	}
	if a, _ := st.Accounts(ctx, 1); len(a) != 0 {
		t.Fatalf("accounts after cancel: %v", a)
	}
	w.Canvas().Overlays().Top().Hide()

	// The save dialog closed without a name: the accounts exist, and the
	// result offers to save the file again.
	r = u.startGenerate(nil)
	genWait(t, "the plan", r.planned)
	r.confirm.Hide()
	r.start(ctx)
	genWait(t, "the accounts", r.generated)
	genSettle(t, u, loads)
	r.save.Hide()
	r.showResult()
	got := genTopTexts(w)
	if !strings.Contains(got, "El archivo no se guardó.") || !strings.Contains(got, "Guardar archivo…") || strings.Contains(got, "Abrir") {
		t.Fatalf("result without a file:\n%s", got)
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Guardar archivo…"))
	if r.save == nil || !contains(genEntryTexts(w.Canvas().Overlays().Top()), userfile.DefaultName("Edificio Los Álamos", time.Now())) {
		t.Fatal("Guardar archivo… did not open the save dialog again")
	}
	r.save.Hide()

	// A folder that cannot be written: a clear error, and the result still
	// offers to save.
	bad := filepath.Join(t.TempDir(), "no", "existe", "u.xlsx")
	r.savePath(bad)
	genWait(t, "the failed save", r.saved)
	if _, err := os.Stat(bad); err == nil {
		t.Fatal("a file was written")
	}
	// The error is in Spanish and offers another folder; the workbook is
	// still in memory, so saving there needs nothing generated again.
	got = genTopTexts(w)
	if !strings.Contains(got, "Las cuentas se crearon, pero el archivo no se pudo guardar") || !strings.Contains(got, "Guardar en otra carpeta") {
		t.Fatalf("after a failed save:\n%s", got)
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Guardar en otra carpeta"))
	if r.save == nil || !contains(genEntryTexts(w.Canvas().Overlays().Top()), userfile.DefaultName("Edificio Los Álamos", time.Now())) {
		t.Fatal("«Guardar en otra carpeta» did not open the save dialog")
	}
	// A full path typed as the name is where the file goes.
	typed := filepath.Join(t.TempDir(), "x", "usuarios")
	if err := os.MkdirAll(filepath.Dir(typed), 0o755); err != nil {
		t.Fatal(err)
	}
	r.save.name.SetText(typed)
	r.save.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	genWait(t, "the save to the typed path", r.saved)
	if _, err := excelize.OpenFile(typed + ".xlsx"); err != nil {
		t.Fatalf("the typed path %s.xlsx: %v", typed, err)
	}
	if got := genTopTexts(w); !strings.Contains(got, "Archivo: usuarios.xlsx") {
		t.Fatalf("result after saving to the typed path:\n%s", got)
	}
}

// TestSaveAsChecksTheFolder: a typed path in a folder that does not exist
// is refused in Spanish in the dialog, which stays open with what was typed.
func TestSaveAsChecksTheFolder(t *testing.T) {
	u, w := newTestUI(t, nil)
	var saved []string
	cancelled := 0
	var s *saveAs
	fyne.DoAndWait(func() {
		s = u.showSaveAs("Guardar", t.TempDir(), "u", ".xlsx", func(p string) { saved = append(saved, p) }, func() { cancelled++ })
	})
	bad := filepath.Join(t.TempDir(), "no", "existe", "u.xlsx")
	s.name.SetText(bad)
	s.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(saved) != 0 || !s.errLabel.Visible() || !strings.Contains(s.errLabel.Text, "no existe") || w.Canvas().Overlays().Top() == nil {
		t.Fatalf("saved %q, error %q", saved, s.errLabel.Text)
	}
	// A name alone goes in the folder shown, with the extension added.
	s.name.SetText("lista")
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Guardar"))
	if len(saved) != 1 || saved[0] != filepath.Join(s.folder.Text, "lista.xlsx") {
		t.Fatalf("saved %q", saved)
	}
	// Escape is «Cancelar».
	fyne.DoAndWait(func() {
		s = u.showSaveAs("Guardar", t.TempDir(), "u", ".xlsx", func(p string) { saved = append(saved, p) }, func() { cancelled++ })
	})
	s.folder.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if cancelled != 1 || len(saved) != 1 {
		t.Fatalf("Escape: cancelled %d, saved %q", cancelled, saved)
	}
}

func TestGenerateUsersButton(t *testing.T) {
	st := generateStore(t)
	u, w := newTestUI(t, st)
	genSettle(t, u, 0)
	b := findButton(w.Content(), "Generar usuarios")
	if b == nil {
		t.Fatal("no Generar usuarios button on the tab")
	}
	test.Tap(b)
	eventually(t, "the confirmation", func() bool {
		return strings.Contains(genTopTexts(w), "Se crearán 2 cuentas nuevas en el portal.")
	})
}
