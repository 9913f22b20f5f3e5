package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/kastor"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

// alamosCSV is another community's export; its title names the community
// already in the database, in other capitals.
var alamosCSV = strings.Replace(strings.Replace(kastorCSV, "Condominio Las Brisas", "LAS BRISAS", 1),
	"@example.cl", "@alamos.cl", -1)

// importNameEntry is the name entry of the "Nueva comunidad" dialog.
func importNameEntry(t *testing.T, w fyne.Window) *widget.Entry {
	t.Helper()
	var name *widget.Entry
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && name == nil {
			name = e
		}
	})
	if name == nil {
		t.Fatal("no name entry in the top dialog")
	}
	return name
}

// importTakenWarning is the visible warning under the name, or "".
func importTakenWarning(w fyne.Window) string {
	warn := ""
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Importance == widget.DangerImportance && l.Visible() {
			warn = l.Text
		}
	})
	return warn
}

func importBackups(t *testing.T, st *data.Store) []data.BackupInfo {
	t.Helper()
	if st.Path() == "" {
		return nil // the office database: its server keeps the backups
	}
	list, err := data.ListBackups(context.Background(), st.Path())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestImportAnotherCommunityWhileOneIsOpen(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	brisas := kastorFile(t, "brisas.csv", kastorCSV)
	if _, _, err := kastor.Import(ctx, st, data.SyncTarget{CommunityName: "Las Brisas", Source: brisas}, brisas, kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	u, w, loaded := kastorTestUI(t, st, true)
	steps := kastorSteps(u)
	before := kastorRows(t, st)

	// With a community on screen, "Importar datos" asks which import.
	fyne.DoAndWait(u.onImportAction)
	kastorWaitStep(t, steps, "choose")
	kastorWaitTop(t, w, "Importar datos", "Actualizar Las Brisas", "Desde brisas.csv, como la última vez.",
		"Importar otra comunidad…", "Crea una comunidad nueva desde su exportación de Kastor; Las Brisas no cambia.")
	kastorTapTop(t, w, "Cancelar")
	eventually(t, "the question closed", func() bool { return kastorTop(w) == nil })

	// "Importar otra comunidad…" picks a file and asks its name.
	alamos := kastorFile(t, "alamos.csv", alamosCSV)
	kastorPick(t, u, alamos)
	fyne.DoAndWait(u.onImportAction)
	kastorWaitStep(t, steps, "choose")
	kastorTapTop(t, w, "Importar otra comunidad…")
	kastorWaitStep(t, steps, "name")
	kastorWaitTop(t, w, "Nueva comunidad", "2 inmuebles y 3 personas en alamos.csv.")

	// The suggested name is the open community's: refused, and why.
	name := importNameEntry(t, w)
	var confirm *widget.Button
	fyne.DoAndWait(func() { confirm = kastorTopButton(w, "Importar") })
	want := "Ya existe la comunidad «Las Brisas»: elija otro nombre (para reimportarla, use «Actualizar Las Brisas»)."
	if name.Text != "LAS BRISAS" || !confirm.Disabled() || importTakenWarning(w) != want {
		t.Fatalf("name %q, confirm disabled %v, warning %q", name.Text, confirm.Disabled(), importTakenWarning(w))
	}
	for _, taken := range []string{"las brisás", "  Las Brisas "} {
		fyne.DoAndWait(func() { name.SetText("") })
		test.Type(name, taken)
		if err := name.Validate(); !confirm.Disabled() || err == nil || err.Error() != "Ya existe «Las Brisas»." {
			t.Fatalf("%q: confirm disabled %v, entry error %v", taken, confirm.Disabled(), err)
		}
	}
	fyne.DoAndWait(func() { name.SetText("") })
	test.Type(name, "Edificio Los Álamos")
	if err := name.Validate(); confirm.Disabled() || err != nil {
		t.Fatalf("a free name: confirm disabled %v, entry error %v", confirm.Disabled(), err)
	}
	test.Tap(confirm)

	// The new community is created and shown; the other is as it was, and
	// was backed up first.
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Edificio Los Álamos", "Unidades: 2 nuevas, 0 actualizadas, 0 sin cambios, 0 archivadas")
	eventually(t, "the new community on screen", func() bool {
		return w.Title() == "Comunidad — Edificio Los Álamos" && u.community.Name == "Edificio Los Álamos"
	})
	eventually(t, "the community selector", func() bool { return u.selector.Visible() && len(u.selector.Options) == 2 })
	cs, err := st.Communities(ctx)
	if err != nil || len(cs) != 2 {
		t.Fatalf("communities %+v, %v", cs, err)
	}
	if after := kastorRows(t, st); after != before {
		t.Fatalf("importing another community changed Las Brisas:\n%s\n%s", before, after)
	}
	rows, err := st.UserRows(ctx, u.community.ID)
	if err != nil || len(rows) != 3 || !strings.HasSuffix(rows[0].Email, "@alamos.cl") {
		t.Fatalf("new community's rows %+v, %v", rows, err)
	}
	if bs := importBackups(t, st); enginetest.IsPostgres() {
		if len(bs) != 0 {
			t.Fatalf("an import on the office database made backups: %+v", bs)
		}
	} else if len(bs) != 1 || bs[0].Reason != data.ReasonSync || bs[0].Communities != 1 || bs[0].Units != 2 {
		t.Fatalf("backups before the import: %+v", bs)
	}
	kastorTapTop(t, w, "Cerrar")

	// "Actualizar" re-imports the community on screen from its file.
	kastorPick(t, u, "")
	fyne.DoAndWait(u.onImportAction)
	kastorWaitStep(t, steps, "choose")
	kastorWaitTop(t, w, "Actualizar Edificio Los Álamos", "Desde alamos.csv, como la última vez.")
	kastorTapTop(t, w, "Actualizar Edificio Los Álamos")
	// Its title names Las Brisas: the import asks, naming both, and only
	// a tick on that warning lets it go on.
	kastorWaitStepOnly(t, steps, "preview")
	kastorWaitTop(t, w, "Revise antes de importar", "La exportación es de «Las Brisas» (lo dice su título: «LAS BRISAS»), no de «Edificio Los Álamos»")
	confirmGuards(t, w)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Edificio Los Álamos", "Sin cambios: la exportación es igual a lo ya importado.")
	if cs, _ := st.Communities(ctx); len(cs) != 2 {
		t.Fatalf("updating created a community: %d", len(cs))
	}
	if bs := importBackups(t, st); enginetest.IsPostgres() {
		if len(bs) != 0 {
			t.Fatalf("an import on the office database made backups: %+v", bs)
		}
	} else if len(bs) != 2 || bs[0].Communities != 2 {
		t.Fatalf("backups after the update: %+v", bs)
	}
}

func TestImportFirstCommunityAsksNothingAndBacksUpNothing(t *testing.T) {
	st := datatest.Open(t)
	u, w, loaded := kastorTestUI(t, st, true)
	kastorPick(t, u, kastorFile(t, "las-brisas.csv", kastorCSV))
	steps := kastorSteps(u)

	// No community yet: straight to the file and the name.
	fyne.DoAndWait(u.onImportAction)
	kastorWaitStep(t, steps, "name")
	if importTakenWarning(w) != "" {
		t.Fatalf("warning on a free name: %q", importTakenWarning(w))
	}
	kastorTapTop(t, w, "Importar")
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	eventually(t, "the new community on screen", func() bool { return w.Title() == "Comunidad — Condominio Las Brisas" })
	if bs := importBackups(t, st); len(bs) != 0 {
		t.Fatalf("an empty database was backed up: %+v", bs)
	}
}

func TestImportStopsWhenTheBackupFails(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backup of the file before an import")
	st := datatest.Open(t)
	ctx := context.Background()
	brisas := kastorFile(t, "brisas.csv", kastorCSV)
	if _, _, err := kastor.Import(ctx, st, data.SyncTarget{CommunityName: "Las Brisas", Source: brisas}, brisas, kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	// A file where the backups folder should be: no copy can be made.
	if err := os.WriteFile(filepath.Join(filepath.Dir(st.Path()), "backups"), []byte("no soy una carpeta"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := kastorFile(t, "brisas.csv", strings.Replace(kastorCSV, "Rosa;Ibáñez;;;", "Rosa;Ibáñez;;rosa@example.cl;", 1))
	if err := st.SetCommunitySource(ctx, 1, changed); err != nil {
		t.Fatal(err)
	}
	u, w, _ := kastorTestUI(t, st, false)
	steps := kastorSteps(u)
	before := kastorRows(t, st)

	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "error")
	kastorWaitTop(t, w, "No se importó nada: no se pudo hacer la copia de seguridad previa: mkdir ")
	if after := kastorRows(t, st); after != before {
		t.Fatalf("an import without its backup changed the data:\n%s\n%s", before, after)
	}
	if runs, _ := st.SyncRuns(ctx, 1, 0); len(runs) != 1 {
		t.Fatalf("an import without its backup left history: %d runs", len(runs))
	}
}
