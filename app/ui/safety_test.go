package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

// safetyOverlayButton finds a button in the window's top dialog.
func safetyOverlayButton(w fyne.Window, text string) *widget.Button {
	var b *widget.Button
	fyne.DoAndWait(func() {
		if top := w.Canvas().Overlays().Top(); top != nil {
			b = findButton(top, text)
		}
	})
	return b
}

func safetyOverlayTexts(w fyne.Window) []string {
	var out []string
	fyne.DoAndWait(func() {
		if top := w.Canvas().Overlays().Top(); top != nil {
			out = texts(top)
		}
	})
	return out
}

func backupSectionOf(t *testing.T, u *UI) *backupSection {
	t.Helper()
	for _, s := range u.config.sections {
		if b, ok := s.(*backupSection); ok {
			return b
		}
	}
	t.Fatal("no Copias de seguridad section in Configuración")
	return nil
}

func TestAboutShowsVersionFolderAndLicences(t *testing.T) {
	st := datatest.Open(t)
	_, w := newTestUI(t, st)
	var about *fyne.MenuItem
	for _, m := range w.MainMenu().Items {
		if m.Label == "Ayuda" {
			for _, it := range m.Items {
				if it.Label == "Acerca de Comunidad" {
					about = it
				}
			}
		}
	}
	if about == nil {
		t.Fatal(`no "Ayuda > Acerca de Comunidad" in the main menu`)
	}
	fyne.DoAndWait(about.Action)
	got := safetyOverlayTexts(w)
	m := comunidad.AppMeta()
	for _, want := range []string{
		"Acerca de Comunidad", m.Name, "Versión " + m.Version + " (compilación 1)",
		"Carpeta de datos:", filepath.Dir(st.Path()), "Abrir carpeta",
		"Software de terceros incluido y sus licencias", "Cerrar",
	} {
		if !contains(got, want) {
			t.Errorf("Acerca de lacks %q; shows %q", want, got)
		}
	}
	if b := safetyOverlayButton(w, "Abrir carpeta"); b == nil {
		t.Fatal("no button to open the data folder")
	} else {
		test.Tap(b) // the test app's OpenURL: no error dialog on top
	}
	if b := safetyOverlayButton(w, "Cerrar"); b == nil {
		t.Fatal("the About dialog has no Cerrar button")
	}

	// The licences are those of what the binary links, plus C and fonts.
	comps := map[string]component{}
	for _, c := range shippedComponents() {
		comps[c.Name] = c
	}
	for name, lic := range map[string]string{
		"fyne.io/fyne/v2":                "BSD-3-Clause",
		"github.com/mattn/go-sqlite3":    "MIT (SQLite: dominio público)",
		"golang.org/x/text":              "BSD-3-Clause",
		"SQLite":                         "Dominio público",
		"Noto Sans (fuente)":             "SIL OFL 1.1",
		"Carlito (fuente de las cartas)": "SIL OFL 1.1",
	} {
		c, ok := comps[name]
		if !ok || c.Licence != lic || !strings.HasPrefix(c.URL, "https://") {
			t.Errorf("%s: %+v (want licence %q)", name, c, lic)
		}
	}
	for _, c := range shippedComponents() {
		if c.Licence == "—" {
			t.Errorf("module %s ships without a known licence: add it to moduleLicences", c.Name)
		}
	}
}

func TestBackupSectionCreateRestoreKeep(t *testing.T) {
	enginetest.SQLiteOnly(t, "the file's backups (the office database's section is in config_database_test)")
	st := datatest.Open(t)
	ctx := context.Background()
	if _, err := st.CreateCommunity(ctx, "Edificio Los Álamos"); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, st)
	eventually(t, "the community", func() bool { return w.Title() == "Comunidad — Edificio Los Álamos" })
	s := backupSectionOf(t, u)
	if s.title() != "Copias de seguridad" {
		t.Fatalf("title %q", s.title())
	}
	eventually(t, "the empty state", func() bool { return s.empty.Visible() && s.keep.Selected == "10" })

	test.Tap(s.create)
	eventually(t, "the new backup", func() bool {
		return len(s.backups) == 1 && strings.HasPrefix(s.status.Text, "Copia creada: comunidad-")
	})
	line := backupLine(s.backups[0])
	if !strings.Contains(line, "copia manual · 1 comunidad, 0 unidades, 0 personas") {
		t.Fatalf("list line %q", line)
	}

	// A change after the backup, then restore it after confirming.
	if _, err := st.CreateCommunity(ctx, "Condominio Las Brisas"); err != nil {
		t.Fatal(err)
	}
	if !s.restore.Disabled() {
		t.Fatal("Restaurar copia enabled with nothing selected")
	}
	fyne.DoAndWait(func() { s.list.Select(0) })
	test.Tap(s.restore)
	got := strings.Join(safetyOverlayTexts(w), "\n")
	if !strings.Contains(got, "¿Restaurar esta copia?") || !strings.Contains(got, "1 comunidad, 0 unidades, 0 personas") || !strings.Contains(got, "Antes se guardará una copia del estado actual") {
		t.Fatalf("confirmation shows:\n%s", got)
	}
	yes := safetyOverlayButton(w, "Restaurar")
	if yes == nil {
		t.Fatal("no Restaurar button in the confirmation")
	}
	test.Tap(yes)
	eventually(t, "the restore", func() bool {
		return strings.Contains(s.status.Text, "restaurada. El estado anterior quedó guardado como comunidad-") && len(s.backups) == 2
	})
	cs, _ := st.Communities(ctx)
	if len(cs) != 1 || cs[0].Name != "Edificio Los Álamos" {
		t.Fatalf("communities after restore: %v", cs)
	}
	if s.backups[0].Reason != data.ReasonBeforeRestore || s.backups[0].Communities != 2 {
		t.Fatalf("newest backup %+v, want the pre-restore state", s.backups[0])
	}
	eventually(t, "the window on the restored data", func() bool { return !u.selector.Visible() })

	// Fewer kept: the extra ones go.
	fyne.DoAndWait(func() { s.keep.SetSelected("3") })
	eventually(t, "the setting", func() bool { return st.BackupKeep(ctx) == 3 })
	for range 3 {
		if _, err := st.Backup(ctx, data.ReasonManual); err != nil {
			t.Fatal(err)
		}
	}
	if l, _ := st.Backups(ctx); len(l) != 3 {
		t.Fatalf("%d backups kept, want 3", len(l))
	}
}

func TestRecoverScreenOffersTheLatestGoodBackup(t *testing.T) {
	enginetest.SQLiteOnly(t, "a damaged file and its backups")
	ctx := context.Background()
	st := datatest.Open(t)
	if _, err := st.CreateCommunity(ctx, "Edificio Los Álamos"); err != nil {
		t.Fatal(err)
	}
	b, err := st.Backup(ctx, data.ReasonDaily)
	if err != nil {
		t.Fatal(err)
	}
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(w.Close)

	opened := make(chan Store, 1)
	var restored atomic.Bool // set off the UI goroutine
	w.SetContent(RecoverScreen(w, Recovery{
		Problem: os.ErrInvalid, DBPath: st.Path(), Backup: &b,
		Restore: func(ctx context.Context) (Store, error) { restored.Store(true); return st, nil },
		Open:    func(s Store) { opened <- s },
	}))
	got := texts(w.Content())
	if !contains(got, "La base de datos está dañada") || !contains(got, "Restaurar esta copia") ||
		!strings.Contains(strings.Join(got, "\n"), "es del "+FormatDateTime(b.Time)+": 1 comunidad, 0 unidades, 0 personas") {
		t.Fatalf("recover screen shows %q", got)
	}
	test.Tap(findButton(w.Content(), "Restaurar esta copia"))
	eventually(t, "the window on the restored database", func() bool { return len(opened) == 1 })
	if !restored.Load() {
		t.Fatal("Open without Restore")
	}

	// No good backup: says so, offers nothing to restore.
	w.SetContent(container.NewStack(RecoverScreen(w, Recovery{Problem: os.ErrInvalid, DBPath: st.Path()})))
	got = texts(w.Content())
	if contains(got, "Restaurar esta copia") || !strings.Contains(strings.Join(got, "\n"), "No hay una copia de seguridad en buen estado") {
		t.Fatalf("without backup shows %q", got)
	}
}
