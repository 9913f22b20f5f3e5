package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/kastor"
	"comunidad/app/mailer"
	"comunidad/app/workflow"
	"comunidad/data"
	"comunidad/data/datatest"
)

// kastorCSV is a set-up sheet (one row per person) as Excel saves it in Chile.
const kastorCSV = "\ufeffCondominio Las Brisas\r\n" +
	"Código;Torre;Piso;RUT;Nombres;Apellido paterno;Apellido materno;Correo;Tipo;Responsable;Factor\r\n" +
	"A-101;Torre A;1;12.345.678-5;María José;Núñez;Peña;mj@example.cl;Propietario;Sí;0,0123\r\n" +
	";;;;Pedro;Soto;;pedro@example.cl;Arrendatario;No;\r\n" +
	"A-102;Torre A;1;;Rosa;Ibáñez;;;Propietario;Sí;0,0100\r\n"

func kastorFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// kastorPick makes "Importar datos" pick path instead of showing the file dialog.
func kastorPick(t *testing.T, u *UI, path string) {
	t.Helper()
	u.opts.ChooseExportFile = func(onChosen func(string)) {
		if path == "" {
			t.Error("the file dialog was shown")
			return
		}
		onChosen(path)
	}
}

// kastorTestUI is the window with only what an import touches: the header,
// the status line, the units tab and the Kastor section. The other tabs are
// left out on purpose: the test driver runs every fyne.Do at once on its own
// goroutine, so their loads would race with these.
func kastorTestUI(t *testing.T, st *data.Store, show bool) (*UI, fyne.Window, chan struct{}) {
	t.Helper()
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	// The tab's and the section's database work in line: the only goroutines
	// left are the import's and the window's reload, and the tests meet them
	// through Options.ImportStep and Options.KastorLoaded.
	loaded := make(chan struct{}, 16)
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	kastorWin = w
	t.Cleanup(func() { kastorWin = nil })
	w.Resize(fyne.NewSize(1280, 800))
	u := &UI{app: a, win: w, opts: Options{Store: st, Secrets: testSecrets(t, st), KastorLoaded: func() { loaded <- struct{}{} }}, st: st, sendStatus: newSendStatus()}
	u.title = widget.NewLabel("")
	u.selector = widget.NewSelect(nil, u.onSelectCommunity)
	u.selector.Hide()
	u.status = widget.NewLabel("")
	u.body = container.NewStack()
	u.units = newUnitsTab(u)
	sec := newKastorSection(u)
	if show {
		sec.content()
	}
	u.config = &configTab{u: u, sections: []configSection{sec}}
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Unidades/Usuarios", u.units.content()),
		container.NewTabItem("Configuración", sec.box),
	)
	w.SetContent(u.Content())
	cs, err := st.Communities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u.setCommunities(cs) // at once: no load racing with the test's first look
	return u, w, loaded
}

// kastorWaitLoaded waits for the Kastor section to show a load: the last
// thing the window does when it shows a community.
func kastorWaitLoaded(t *testing.T, loaded chan struct{}) {
	t.Helper()
	select {
	case <-loaded:
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the window to show the community")
	}
}

// kastorSteps records what the import shows, in order.
func kastorSteps(u *UI) chan string {
	ch := make(chan string, 16)
	u.opts.ImportStep = func(s string) { ch <- s }
	return ch
}

// kastorWin is the window of the test running: kastorWaitStep confirms its
// import previews.
var kastorWin fyne.Window

// kastorWaitStep waits for the import to show step. Widgets are only walked
// after this: the test driver runs fyne.Do on the calling goroutine, so
// walking them while a goroutine updates them would race.
func kastorWaitStep(t *testing.T, steps chan string, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-steps:
			if s == want {
				return
			}
			if s == "preview" && kastorWin != nil {
				// A test about something else: import what the preview
				// shows (only possible when no guard rail needs a tick).
				kastorTapTop(t, kastorWin, "Importar")
				continue
			}
			if s != "progress" && s != "name" {
				t.Fatalf("import step %q, want %q", s, want)
			}
		case <-timeout:
			t.Fatalf("timed out waiting for the import's %q", want)
		}
	}
}

func kastorSectionOf(t *testing.T, u *UI) *kastorSection {
	t.Helper()
	for _, sec := range u.config.sections {
		if k, ok := sec.(*kastorSection); ok {
			return k
		}
	}
	t.Fatal("no Kastor section in Configuración")
	return nil
}

// kastorWalk visits every object under o, renderers included.
func kastorWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			kastorWalk(ch, fn)
		}
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, ch := range test.WidgetRenderer(w).Objects() {
			kastorWalk(ch, fn)
		}
	}
}

func kastorTop(w fyne.Window) fyne.CanvasObject { return w.Canvas().Overlays().Top() }

// kastorTopText is every label and button text of the top dialog, joined.
func kastorTopText(w fyne.Window) string {
	top := kastorTop(w)
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), "\n")
}

func kastorTopButton(w fyne.Window, text string) *widget.Button {
	var found *widget.Button
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

func kastorTapTop(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var b *widget.Button
	eventually(t, "the button "+text, func() bool { b = kastorTopButton(w, text); return b != nil })
	test.Tap(b)
}

func kastorWaitTop(t *testing.T, w fyne.Window, want ...string) {
	t.Helper()
	eventually(t, strings.Join(want, ", "), func() bool {
		got := kastorTopText(w)
		for _, s := range want {
			if !strings.Contains(got, s) {
				return false
			}
		}
		return true
	})
}

func TestImportCreatesACommunityFromTheEmptyState(t *testing.T) {
	st := datatest.Open(t)
	path := kastorFile(t, "las-brisas.csv", kastorCSV)
	u, w, loaded := kastorTestUI(t, st, true)
	kastorPick(t, u, path)
	steps := kastorSteps(u)
	if !contains(texts(w.Content()), "Aún no hay comunidades") {
		t.Fatal("no empty state")
	}

	var imp *widget.Button
	kastorWalk(w.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Importar datos" {
			imp = b
		}
	})
	if imp == nil {
		t.Fatal("no Importar datos button on the empty state")
	}
	test.Tap(imp)

	// The name is asked, suggested from the export's title row.
	kastorWaitStep(t, steps, "name")
	kastorWaitTop(t, w, "Nueva comunidad", "2 inmuebles y 3 personas en las-brisas.csv.")
	var name *widget.Entry
	kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && name == nil {
			name = e
		}
	})
	if name == nil || name.Text != "Condominio Las Brisas" {
		t.Fatalf("name entry: %+v", name)
	}
	fyne.DoAndWait(func() { name.SetText("Condominio Las Brisas de Ñuñoa") })
	kastorTapTop(t, w, "Importar")

	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	if w.Title() != "Comunidad — Condominio Las Brisas de Ñuñoa" || !strings.Contains(u.status.Text, "Última importación") ||
		!strings.Contains(u.status.Text, "las-brisas.csv") {
		t.Fatalf("window %q, status %q", w.Title(), u.status.Text)
	}
	kastorWaitTop(t, w, "Importación terminada",
		"Unidades: 2 nuevas, 0 actualizadas, 0 sin cambios, 0 archivadas",
		"Usuarios: 3 nuevos, 0 actualizados, 0 sin cambios, 0 archivados",
		"Observaciones (1):")
	c, err := st.CommunityByName(context.Background(), "condominio las brisas de nunoa")
	if err != nil || c.Source != path {
		t.Fatalf("community %+v, %v: the file must be remembered as its source", c, err)
	}
	kastorTapTop(t, w, "Cerrar")

	// "Importar datos" again reads the remembered file, without asking.
	kastorPick(t, u, "")
	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Sin cambios: la exportación es igual a lo ya importado.",
		"Unidades: 0 nuevas, 0 actualizadas, 2 sin cambios, 0 archivadas")
}

func TestImportBadFileShowsWhyAndChangesNothing(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	u, w, _ := kastorTestUI(t, st, false)
	steps := kastorSteps(u)
	for _, tt := range []struct{ name, content, want string }{
		{"sin-correo.csv", "Código;Nombres;Apellidos\nA-101;Ana;Soto\n", "No se importó nada: falta la columna «Correo» (columnas encontradas: «Código», «Nombres», «Apellidos»)"},
		{"vacio.xlsx", "", "está vacío"},
		{"informe.xlsx", "%PDF-1.5\n", "es un PDF"},
		{"truncado.xlsx", "PK\x03\x04\x14\x00\x06\x00", "dañado o incompleto"},
	} {
		kastorPick(t, u, kastorFile(t, tt.name, tt.content))
		fyne.DoAndWait(func() { kastorImportButton(t, w) })
		kastorWaitStep(t, steps, "error")
		kastorWaitTop(t, w, tt.want)
		fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })
	}
	if cs, _ := st.Communities(ctx); len(cs) != 0 {
		t.Fatalf("failed imports created %d communities", len(cs))
	}
}

// kastorImportButton taps the first "Importar datos" button in the window.
func kastorImportButton(t *testing.T, w fyne.Window) {
	t.Helper()
	var imp *widget.Button
	kastorWalk(w.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Importar datos" && imp == nil {
			imp = b
		}
	})
	if imp == nil {
		t.Fatal("no Importar datos button")
	}
	imp.OnTapped()
}

func TestImportCancelRollsBack(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	if _, _, err := kastor.Import(ctx, st, data.SyncTarget{CommunityName: "Las Brisas"}, kastorFile(t, "ok.csv", kastorCSV), kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done() // a slow server: only a cancel ends it
	}))
	defer srv.Close()
	if err := st.SetCommunitySource(ctx, 1, srv.URL+"/export.csv"); err != nil {
		t.Fatal(err)
	}
	u, w, _ := kastorTestUI(t, st, false)
	steps := kastorSteps(u)
	if u.community.Source != srv.URL+"/export.csv" {
		t.Fatalf("source %q", u.community.Source)
	}
	before := kastorRows(t, st)
	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "progress")
	<-started
	kastorWaitTop(t, w, "Importando datos de Kastor", "Cancelar")
	kastorTapTop(t, w, "Cancelar")
	kastorWaitStep(t, steps, "cancelled")
	kastorWaitTop(t, w, "Importación cancelada", "No se modificó nada.")
	if runs, _ := st.SyncRuns(ctx, 1, 0); len(runs) != 1 {
		t.Fatalf("a cancelled import left history: %d runs", len(runs))
	}
	if after := kastorRows(t, st); after != before {
		t.Fatalf("a cancelled import changed the data:\n%s\n%s", before, after)
	}
}

func kastorRows(t *testing.T, st *data.Store) string {
	t.Helper()
	rows, err := st.UserRows(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.UnitCode + " " + r.FullName() + " " + r.Email + "\n")
	}
	return b.String()
}

func TestKastorSectionSavesSourceTokenAndShowsHistory(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	st := datatest.Open(t)
	ctx := context.Background()
	if _, _, err := kastor.Import(ctx, st, data.SyncTarget{CommunityName: "Las Brisas"}, kastorFile(t, "brisas.csv", kastorCSV), kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte(strings.Replace(kastorCSV, "Rosa;Ibáñez;;;", "Rosa;Ibáñez;;rosa@example.cl;", 1)))
	}))
	defer srv.Close()

	u, w, loaded := kastorTestUI(t, st, false)
	steps := kastorSteps(u)
	s := kastorSectionOf(t, u)
	if s.loads != 0 {
		t.Fatal("the section loaded before it was shown")
	}
	fyne.DoAndWait(func() { s.content() })
	kastorWaitLoaded(t, loaded)
	if len(s.runs) != 1 {
		t.Fatalf("history: %d runs", len(s.runs))
	}
	line := historyLine(s.runs[0])
	u0, h0 := data.Who()
	if !strings.Contains(line, "brisas.csv") || !strings.Contains(line, "unidades: 2 nuevas") || !strings.HasSuffix(line, " · 1 observación · por "+u0+" en "+h0) {
		t.Fatalf("history line: %q", line)
	}
	if got := strings.Join(texts(s.content()), "\n"); !strings.Contains(got, "Historial de importaciones") || !strings.Contains(got, "Opcional: solo si la dirección lo pide.") {
		t.Fatalf("section:\n%s", got)
	}

	fyne.DoAndWait(func() {
		s.source.SetText(srv.URL + "/export.csv")
		s.token.SetText("tok-123")
	})
	test.Tap(s.save)
	kastorWaitLoaded(t, loaded)
	if u.community.Source != srv.URL+"/export.csv" {
		t.Fatalf("source after saving: %q", u.community.Source)
	}
	sec, err := testFlows(t, st).Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := sec.Get(workflow.TokenKey(1)); err != nil || tok != "tok-123" {
		t.Fatalf("token in the credential store: %q, %v", tok, err)
	}
	if _, err := mailer.OpenSecrets(st.Path()).Get(workflow.TokenKey(1)); err == nil {
		t.Fatal("the token is kept under the bare key, which every database on the machine shares")
	}
	if s.token.Text != "" || !strings.Contains(s.tokenSet.Text, "Hay un token guardado") {
		t.Fatalf("the token is shown back: %q / %q", s.token.Text, s.tokenSet.Text)
	}
	if c, _ := st.Community(ctx, 1); strings.Contains(c.Source, "tok-123") {
		t.Fatal("the token reached the database")
	}

	// "Importar datos" now downloads with the token.
	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Usuarios: 0 nuevos, 1 actualizados, 2 sin cambios, 0 archivados")
	if len(s.runs) != 2 {
		t.Fatalf("history after the import: %d runs", len(s.runs))
	}

	test.Tap(s.forget)
	if s.hasToken {
		t.Fatal("the token is still shown as saved")
	}
	if _, err := sec.Get(workflow.TokenKey(1)); err == nil {
		t.Fatal("the token is still stored")
	}
}
