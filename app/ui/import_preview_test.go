package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"comunidad/app/kastor"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// kastorWaitStepOnly waits for step, failing on any other but "progress".
func kastorWaitStepOnly(t *testing.T, steps chan string, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-steps:
			if s == want {
				return
			}
			if s != "progress" {
				t.Fatalf("import step %q, want %q", s, want)
			}
		case <-timeout:
			t.Fatalf("timed out waiting for the import's %q", want)
		}
	}
}

// confirmGuards checks that «Importar» is disabled until every warning's
// check box is ticked, ticks them, and imports.
func confirmGuards(t *testing.T, w fyne.Window) {
	t.Helper()
	imp := kastorTopButton(w, "Importar")
	var checks []*widget.Check
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			checks = append(checks, c)
		}
	})
	if imp == nil || len(checks) == 0 {
		t.Fatalf("preview: button %v, %d checks", imp, len(checks))
	}
	for _, c := range checks {
		if !imp.Disabled() {
			t.Fatal("«Importar» enabled before every warning was ticked")
		}
		test.Tap(c)
	}
	if imp.Disabled() {
		t.Fatal("«Importar» still disabled with every warning ticked")
	}
	test.Tap(imp)
}

// brisasExport is an export of n units, one person each.
func brisasExport(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Condominio Las Brisas\nCódigo;Nombres;Apellidos;Correo\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "A-%03d;Nombre%d;Apellido%d;p%d@example.cl\n", i, i, i, i)
	}
	return kastorFile(t, fmt.Sprintf("brisas-%d.csv", n), b.String())
}

// brisasState is every user row of community 1 with what is archived.
func brisasState(t *testing.T, st *data.Store) string {
	t.Helper()
	rows, err := st.UserRows(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s %s %s %v %v %s\n", r.UnitCode, r.FullName(), r.Email, r.Archived, r.UnitArchived, r.Origin)
	}
	return b.String()
}

func undoSteps(u *UI) chan string {
	ch := make(chan string, 16)
	u.opts.UndoStep = func(s string) { ch <- s }
	return ch
}

func waitUndo(t *testing.T, ch chan string, want string) {
	t.Helper()
	select {
	case s := <-ch:
		if s != want {
			t.Fatalf("undo step %q, want %q", s, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for the undo's %q", want)
	}
}

// In the window, an import that would archive 4 of 10 units shows its plan
// and the warning, and goes on only once the warning is ticked; Cancelar
// writes nothing; «Deshacer última importación» puts the community back,
// and refuses after a later change, saying what changed.
func TestImportPreviewGuardAndUndoInWindow(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	full, half := brisasExport(t, 10), brisasExport(t, 6)
	if _, _, err := kastor.Import(ctx, st, data.SyncTarget{CommunityName: "Condominio Las Brisas", Source: full}, full, kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCommunitySource(ctx, 1, half); err != nil {
		t.Fatal(err)
	}
	u, w, loaded := kastorTestUI(t, st, true)
	steps := kastorSteps(u)
	undos := undoSteps(u)
	kastorWaitLoaded(t, loaded)
	before := brisasState(t, st)
	want := []string{"Revise antes de importar: esto puede ser un error", "Se actualizará «Condominio Las Brisas»",
		"Unidades: 0 nuevas, 0 actualizadas, 6 sin cambios, 4 archivadas, 0 restauradas",
		"Personas: 0 nuevas, 0 actualizadas, 6 sin cambios, 4 archivadas, 0 restauradas",
		"La importación archivaría 4 de 10 unidades (40 %) y 4 de 10 personas (40 %): más de una quinta parte."}
	const tick = "Sí, archivar 4 de 10 unidades (40 %) y 4 de 10 personas (40 %)"

	// Cancelar: nothing written.
	fyne.DoAndWait(u.onImport)
	kastorWaitStepOnly(t, steps, "preview")
	kastorWaitTop(t, w, want...)
	var ticks []string
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			ticks = append(ticks, c.Text)
		}
	})
	if len(ticks) != 1 || ticks[0] != tick {
		t.Fatalf("the warning's check box says %q, want %q", ticks, tick)
	}
	kastorTapTop(t, w, "Cancelar")
	kastorWaitStepOnly(t, steps, "cancelled")
	if brisasState(t, st) != before || len(importBackups(t, st)) != 0 {
		t.Fatal("a cancelled preview wrote")
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	// Ticked and imported.
	fyne.DoAndWait(u.onImport)
	kastorWaitStepOnly(t, steps, "preview")
	kastorWaitTop(t, w, want...)
	confirmGuards(t, w)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Unidades: 0 nuevas, 0 actualizadas, 6 sin cambios, 4 archivadas")
	if brisasState(t, st) == before {
		t.Fatal("the confirmed import wrote nothing")
	}

	// Undone from the report.
	kastorTapTop(t, w, "Deshacer última importación")
	waitUndo(t, undos, "ask")
	kastorWaitTop(t, w, "¿Deshacer la importación del")
	if office := enginetest.IsPostgres(); strings.Contains(kastorTopText(w), "copia de seguridad") == office ||
		strings.Contains(kastorTopText(w), "para todos los equipos de la oficina") != office {
		t.Fatalf("the question on the %s: %s", engineOf(st), kastorTopText(w))
	}
	kastorTapTop(t, w, "Deshacer")
	if s := <-undos; s != "undone" {
		t.Fatalf("undo step %q, want «undone»: %s", s, kastorTopText(w))
	}
	kastorWaitTop(t, w, "Importación deshecha")
	if got := brisasState(t, st); got != before {
		t.Fatalf("after the undo:\n%s\nwant:\n%s", got, before)
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	// Imported again, then a user added: the undo refuses, saying so.
	fyne.DoAndWait(u.onImport)
	kastorWaitStepOnly(t, steps, "preview")
	confirmGuards(t, w)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })
	unit, err := st.UnitByCode(ctx, 1, "A-001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddLocalUser(ctx, unit.ID, data.LocalUser{FirstNames: "Inés", LastNames: "Rojas", Email: "ines@example.cl", Type: data.Residente}); err != nil {
		t.Fatal(err)
	}
	changed := brisasState(t, st)
	fyne.DoAndWait(u.onUndoImport)
	waitUndo(t, undos, "ask")
	kastorTapTop(t, w, "Deshacer")
	waitUndo(t, undos, "refused")
	kastorWaitTop(t, w, "No se deshizo nada", "después cambiaron", "las personas")
	if brisasState(t, st) != changed {
		t.Fatal("a refused undo wrote")
	}
}
