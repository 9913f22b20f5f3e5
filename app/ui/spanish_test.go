package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"comunidad/app/kastor"
	"comunidad/data"
)

// englishWords are words of Fyne's own dialogs and of English in general
// that no Spanish sentence of the interface contains. "No", "Error" and
// "Videos" are Spanish too, so they are not here.
var englishWords = regexp.MustCompile(`\b(Home|Computer|Cancel|Save|Open|Yes|Confirm|File|Files|Folder|Name|Size|Select|Show|Hidden|Parent|` +
	`Desktop|Documents|Downloads|Music|Pictures|Movies|Enter|Close|Delete|Edit|Add|Remove|Back|Next|Loading|Search|Settings|Help|` +
	`About|Quit|Print|Send|Submit|Create|New|Copy|Paste|Cut|Undo|Redo|Advanced|Favourites|OK|App Files|` +
	`the|and|with|please|not|found|failed|cannot|unable|denied|invalid|one)\b`)

// tuForms are the informal "tú" forms: the interface speaks "usted".
var tuForms = regexp.MustCompile(`(?i)(^|[^\pL])(puedes|tienes|quieres|debes|necesitas|haz|selecciona|elige|escribe|ingresa|asegúrate|recuerda|tu|tus|te|ti|contigo)([^\pL]|$)`)

// drawnTexts is every text drawn under o that is on screen: the canvas
// texts of visible objects (labels, buttons, checks, radios, selects and
// their placeholders, entries' placeholders, tabs, form labels, rich text).
func drawnTexts(o fyne.CanvasObject) []string {
	var out []string
	walkTree(o, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		if tx, ok := o.(*canvas.Text); ok && strings.TrimSpace(tx.Text) != "" {
			out = append(out, tx.Text)
		}
		return true
	})
	return out
}

// spanishCheck gathers what each view draws and what in it is not Spanish
// or not "usted".
type spanishCheck struct {
	t     *testing.T
	w     fyne.Window
	bad   map[string][]string // text -> the views that show it
	views int
	seen  int
}

func (s *spanishCheck) check(view string, texts []string) {
	s.t.Helper()
	s.views++
	if len(texts) == 0 {
		s.t.Errorf("%s: nothing drawn (the walk is broken)", view)
	}
	// COMUNIDAD_DUMP_TEXTS=file lists every text seen, to read them all.
	if f := os.Getenv("COMUNIDAD_DUMP_TEXTS"); f != "" {
		fh, _ := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		for _, tx := range texts {
			fmt.Fprintf(fh, "%s\t%s\n", view, tx)
		}
		fh.Close()
	}
	for _, tx := range texts {
		s.seen++
		if englishWords.MatchString(tx) || tuForms.MatchString(tx) {
			s.bad[tx] = append(s.bad[tx], view)
		}
	}
}

// top checks the topmost overlay (a dialog) and closes it.
func (s *spanishCheck) top(view string) {
	s.t.Helper()
	var o fyne.CanvasObject
	fyne.DoAndWait(func() { o = s.w.Canvas().Overlays().Top() })
	if o == nil {
		s.t.Errorf("%s: no dialog on screen", view)
		return
	}
	var texts []string
	fyne.DoAndWait(func() { texts = drawnTexts(o) })
	s.check(view, texts)
	fyne.DoAndWait(func() { o.Hide() })
}

func (s *spanishCheck) window(view string) {
	s.t.Helper()
	var texts []string
	fyne.DoAndWait(func() { texts = drawnTexts(s.w.Content()) })
	s.check(view, texts)
}

// settle lets a view's loading end: the test driver runs fyne.Do on the
// loading goroutine, so the texts are final once it is done.
func settle() { time.Sleep(250 * time.Millisecond) }

// TestEveryViewSpeaksSpanish walks the main views under es-CL — the tab and
// the menu, the Herramientas modal and its forms, every Configuración
// section, the import dialogs and Fyne's file dialog, the letter dialogs,
// Enviados, Generar usuarios, the guide and Acerca de — and fails on any
// visible English word or "tú" form.
func TestEveryViewSpeaksSpanish(t *testing.T) {
	// A home with the usual folders of a Spanish system, so that Fyne's
	// file dialog lists them (under the English names it gives them).
	home := t.TempDir()
	dirs := ""
	for _, d := range [][2]string{{"DESKTOP", "Escritorio"}, {"DOCUMENTS", "Documentos"}, {"DOWNLOADS", "Descargas"},
		{"MUSIC", "Música"}, {"PICTURES", "Imágenes"}, {"VIDEOS", "Vídeos"}} {
		if err := os.Mkdir(filepath.Join(home, d[1]), 0o755); err != nil {
			t.Fatal(err)
		}
		dirs += fmt.Sprintf("XDG_%s_DIR=\"$HOME/%s\"\n", d[0], d[1])
	}
	if err := os.MkdirAll(filepath.Join(home, ".config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(dirs), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))

	srv := startSMTP(t)
	u, w, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	// The tabs on screen, as showCommunity leaves them, without loading
	// every section at once (see mailUI): they are loaded one by one below.
	fyne.DoAndWait(func() {
		w.Resize(fyne.NewSize(1024, 768))
		u.title.SetText(c.Name)
		u.body.Objects = []fyne.CanvasObject{u.tabs}
		u.body.Refresh()
	})
	s := &spanishCheck{t: t, w: w, bad: map[string][]string{}}

	s.window("Unidades/Usuarios")
	var menu []string
	for _, m := range w.MainMenu().Items {
		menu = append(menu, m.Label)
		for _, it := range m.Items {
			if !it.IsSeparator {
				menu = append(menu, it.Label)
			}
		}
	}
	s.check("menú", menu)

	// Herramientas, with its forms.
	fyne.DoAndWait(func() { u.units.openModal(ids["u101"]) })
	eventually(t, "the modal", func() bool {
		return anyContains(overlayTexts(w), "Agregar usuario") && !anyContains(overlayTexts(w), "Cargando")
	})
	settle()
	var m *unitModal
	fyne.DoAndWait(func() { m = u.units.modal })
	fyne.DoAndWait(func() { s.check("Herramientas", drawnTexts(w.Canvas().Overlays().Top())) })
	test.Tap(m.addUser)
	settle()
	s.top("Herramientas → Agregar usuario")
	test.Tap(m.addEmail)
	settle()
	s.top("Herramientas → Agregar correo secundario")
	s.top("Herramientas")

	// Configuración, section by section.
	fyne.DoAndWait(func() { u.tabs.SelectIndex(1) })
	for i, sec := range u.config.sections {
		fyne.DoAndWait(func() {
			sec.setCommunity(c)
			u.config.list.Select(i)
		})
		settle()
		s.window("Configuración → " + sec.title())
	}
	fyne.DoAndWait(func() { u.tabs.SelectIndex(0) })

	// Importar datos: the question, Fyne's file dialog, the new
	// community's name, the report.
	fyne.DoAndWait(u.askImportKind)
	s.top("Importar datos")
	fyne.DoAndWait(func() { u.chooseExportFile(func(string) {}) })
	settle()
	var places []string
	fyne.DoAndWait(func() { places = drawnTexts(w.Canvas().Overlays().Top()) })
	for _, want := range []string{"Carpeta personal", "Equipo", "Escritorio", "Documentos", "Descargas"} {
		if !contains(places, want) {
			t.Errorf("Fyne's file dialog does not list «%s»: %q", want, places)
		}
	}
	if !contains(places, "Abrir archivo") {
		t.Errorf("Fyne's file dialog is not titled «Abrir archivo»: %q", places)
	}
	s.top("Importar datos → elegir archivo (diálogo de Fyne)")
	fyne.DoAndWait(func() { u.showFileDialog(dialog.NewFolderOpen(func(fyne.ListableURI, error) {}, w)) })
	settle()
	s.top("elegir carpeta (diálogo de Fyne)")
	path := kastorFile(t, "otra.csv", kastorCSV)
	// Waited for by its steps: polling the widgets while the import's
	// goroutine updates them would race.
	steps := kastorSteps(u)
	fyne.DoAndWait(func() { u.importFrom(data.Community{}, path) })
	kastorWaitStep(t, steps, "name")
	s.top("Importar datos → Nueva comunidad")
	fyne.DoAndWait(func() {
		u.showImportReport(data.SyncReport{Community: c.Name, Source: path, Problems: []data.SyncProblem{{Row: 3, Message: "Correo inválido: se dejó en blanco."}}},
			&kastor.Result{Rows: 4, Layout: kastor.PerPerson})
	})
	s.top("Importación terminada")

	// The letter dialogs, without and with units selected.
	var dl *letterDownload
	fyne.DoAndWait(func() { dl = u.newLetterDownload(nil) })
	<-dl.loaded
	s.top("Descargar carta (sin selección)")
	fyne.DoAndWait(func() { dl = u.newLetterDownload([]int64{ids["u101"], ids["u103"]}) })
	<-dl.loaded
	s.top("Descargar carta (2 unidades)")
	var sd *letterSend
	fyne.DoAndWait(func() { sd = u.newLetterSend(nil) })
	eventually(t, "the send dialog", func() bool { return sd.template.Selected != "" })
	settle()
	s.top("Enviar carta (sin selección)")
	fyne.DoAndWait(func() { sd = u.newLetterSend([]int64{ids["u101"], ids["u103"], ids["u104"]}) })
	eventually(t, "the send plan", func() bool { return strings.HasPrefix(sd.summary.Text, "Se enviar") })
	s.top("Enviar carta (3 unidades)")

	// Enviados, Generar usuarios, Guardar como, a confirmation, the guide, Acerca de.
	var v *outboxView
	fyne.DoAndWait(func() { v = u.newOutboxView() })
	eventually(t, "Enviados", func() bool { return v.loads > 0 })
	s.top("Enviados")
	fyne.DoAndWait(func() { u.onGenerateUsers(nil) })
	settle()
	s.top("Generar usuarios")
	fyne.DoAndWait(func() {
		u.showSaveAs("Guardar el archivo de usuarios", "", "usuarios.xlsx", ".xlsx", func(string) {}, nil)
	})
	s.top("Guardar como")
	fyne.DoAndWait(func() { dialog.ShowConfirm("Restaurar", "¿Restaurar?", func(bool) {}, w) })
	s.top("confirmación")
	fyne.DoAndWait(u.showGuide)
	settle()
	s.top("Guía de uso")
	fyne.DoAndWait(u.showAbout)
	settle()
	s.top("Acerca de")

	if s.views < 20 || s.seen < 300 {
		t.Fatalf("walked %d views, %d texts: too few to mean anything", s.views, s.seen)
	}
	if len(s.bad) > 0 {
		var lines []string
		for tx, where := range s.bad {
			lines = append(lines, fmt.Sprintf("%q (%s)", tx, strings.Join(where, "; ")))
		}
		sort.Strings(lines)
		t.Errorf("%d texts are not Spanish or not «usted»:\n%s", len(lines), strings.Join(lines, "\n"))
	}

}

// The checks themselves catch what they are for, and leave Spanish alone.
func TestSpanishCheckCatches(t *testing.T) {
	for _, c := range []struct {
		text string
		bad  bool
	}{
		{"Home", true}, {"Open File", true}, {"(Select one)", true}, {"Cancel", true}, {"Yes", true}, {"Show Hidden Files", true},
		{"Puedes elegir otra carpeta.", true}, {"Haz clic en Guardar", true}, {"Selecciona una unidad", true}, {"Revise tu correo", true},
		{"Cancelar", false}, {"Sí", false}, {"No", false}, {"Error", false}, {"Puede elegir otra carpeta.", false},
		{"Haga clic en Guardar", false}, {"Seleccione una unidad", false}, {"Videos", false}, {"Carpeta personal", false},
		{"Todas las unidades (240)", false}, {"p. ej. correo@suadministracion.cl", false},
	} {
		if got := englishWords.MatchString(c.text) || tuForms.MatchString(c.text); got != c.bad {
			t.Errorf("%q: flagged %v, want %v", c.text, got, c.bad)
		}
	}
}
