package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/app/printers"
	"comunidad/data"
	"comunidad/data/datatest"
)

// seedLetterCommunity makes a community with units, people, memberships and
// letter settings, as an import and the settings would leave them.
func seedLetterCommunity(t *testing.T, st *data.Store) data.Community {
	t.Helper()
	ctx := context.Background()
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	f := datatest.New(t, st)
	f.Units(c, data.Unit{ID: 1, Code: "101", Name: "Depto 101", Assigned: "Depto 101, Bod. 12"}, data.Unit{ID: 2, Code: "102", Name: "Depto 102"},
		data.Unit{ID: 3, Code: "../../etc", Name: "Depto raro"}, data.Unit{ID: 4, Code: "A/B", Name: "Local A/B"})
	f.People(c,
		data.Person{ID: 1, KastorKey: "k1", FirstNames: "José Ignacio", LastNames: "Núñez Peña", Email: "jose@ejemplo.cl"},
		data.Person{ID: 2, FirstNames: "María", LastNames: "Muñoz", Email: "maria@ejemplo.cl", Origin: data.OriginLocal},
		data.Person{ID: 3, KastorKey: "k3", FirstNames: "Íñigo", LastNames: "Pérez"},
		data.Person{ID: 4, KastorKey: "k4", FirstNames: "Ana", LastNames: "Soto", Email: "ana@ejemplo.cl"})
	f.Members(data.Membership{UnitID: 1, PersonID: 1, Role: data.RoleMain},
		data.Membership{UnitID: 1, PersonID: 2, Role: data.RoleAdditional, Origin: data.OriginLocal},
		data.Membership{UnitID: 3, PersonID: 3, Role: data.RoleMain}, data.Membership{UnitID: 4, PersonID: 4, Role: data.RoleMain})
	c.Address = "Av. Irarrázaval 1234, Ñuñoa"
	if err := st.UpdateCommunity(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{
		{"letter.admin_name", "Administradora Ñuñoa Ltda."}, {"letter.portal_url", "https://portal.ejemplo.cl"},
		{"letter.admin_email", "contacto@adm-nunoa.cl"}, {"letter.admin_phone", "+56 2 2345 6789"},
	} {
		if err := st.SetSetting(ctx, c.ID, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	c, err = st.Community(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// richTextString is what a RichText shows, one segment after another.
func letterRichText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			b.WriteString(s.Text)
			if !s.Style.Inline {
				b.WriteString("\n")
			}
		case *widget.ListSegment:
			b.WriteString(letterRichText(s.Items))
		case *widget.ParagraphSegment:
			b.WriteString(letterRichText(s.Texts))
		}
	}
	return b.String()
}

// letterTestUI is a window on a seeded community without the tabs: the test
// driver runs every fyne.Do at once on its own goroutine, so the other
// tabs' loads would race with what these tests drive.
func letterTestUI(t *testing.T) (*UI, fyne.Window, *data.Store) {
	t.Helper()
	st := datatest.Open(t)
	c := seedLetterCommunity(t, st)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 800))
	u := &UI{app: a, win: w, opts: Options{Store: st, Secrets: testSecrets(t, st)}, st: st, community: c, sendStatus: newSendStatus()}
	return u, w, st
}

// openLetterSection shows Configuración → Carta de bienvenida alone in the
// window and waits for it to load the community's templates.
func openLetterSection(t *testing.T, u *UI, w fyne.Window) *letterSection {
	t.Helper()
	s := showLetterSection(t, u, w)
	if len(s.templates) != 2 {
		t.Fatalf("the section did not load the two suggested letters: %d", len(s.templates))
	}
	return s
}

// showLetterSection is openLetterSection for any number of templates.
func showLetterSection(t *testing.T, u *UI, w fyne.Window) *letterSection {
	t.Helper()
	var s *letterSection
	fyne.DoAndWait(func() {
		s = newLetterSection(u)
		s.setCommunity(u.community)
		w.SetContent(container.NewPadded(s.root))
	})
	// Opened once laid out: the loader's fyne.Do must not run while this
	// goroutine is still laying the window out.
	fyne.DoAndWait(func() { s.content() })
	s.jobs.Wait()
	if s.current.ID == 0 || s.save.Disabled() {
		t.Fatalf("the section did not load: %+v", s.current)
	}
	return s
}

func TestLetterEditorShowsProblemsAndUpdatesThePreview(t *testing.T) {
	u, w, st := letterTestUI(t)
	u.opts.PreviewNow = true
	c := u.community
	ctx := context.Background()
	if _, err := st.Writer().ExecContext(ctx, `DELETE FROM settings WHERE key IN ('letter.admin_email', 'letter.admin_phone')`); err != nil {
		t.Fatal(err)
	}
	s := openLetterSection(t, u, w)

	// The suggested letters were created, the welcome one the default, and
	// the preview shows a real recipient: the first main account with an
	// email (Íñigo, first in unit order, has none).
	if s.current.Name != "Bienvenida nuevo residente" || !s.current.Default || s.chooser.Selected != s.current.Name {
		t.Fatalf("current template: %+v", s.current)
	}
	if got := strings.Join(s.previewFor.Options, "|"); s.previewFor.Selected != "101 · José Ignacio Núñez Peña" || got != "../../etc · Íñigo Pérez|101 · José Ignacio Núñez Peña|A/B · Ana Soto" {
		t.Fatalf("preview recipients: %q (selected %q)", got, s.previewFor.Selected)
	}
	fyne.DoAndWait(func() { s.previewFor.SetSelected("101 · José Ignacio Núñez Peña") })
	pv := letterRichText(s.preview.Segments)
	for _, want := range []string{"Edificio Los Álamos\n", "Av. Irarrázaval 1234, Ñuñoa\n", "Bienvenida a Edificio Los Álamos\n",
		"Usuario: jose@ejemplo.cl", "https://portal.ejemplo.cl", "Administradora Ñuñoa Ltda.\n"} {
		if !strings.Contains(pv, want) {
			t.Errorf("preview lacks %q:\n%s", want, pv)
		}
	}

	// Once the editor is on, the title's label is not greyed out.
	var label *canvas.Text
	walkTree(s.titleForm, func(o fyne.CanvasObject) bool {
		if tx, ok := o.(*canvas.Text); ok && tx.Text == "Título" {
			label = tx
		}
		return true
	})
	if fg := theme.Color(theme.ColorNameForeground); label == nil || label.Color != fg {
		t.Errorf("the Título label is %v, not the text colour %v", label, fg)
	}

	// The letter uses the administrator's e-mail and phone, which are not set yet.
	if !s.missing.Visible() || !strings.Contains(s.missing.Text, "Correo del administrador, Teléfono del administrador") {
		t.Fatalf("missing settings: %q", s.missing.Text)
	}

	// A mistyped field is shown at its place, and Guardar is off.
	fyne.DoAndWait(func() {
		w.Canvas().Focus(s.body)
		s.body.CursorRow, s.body.CursorColumn = 2, 0
	})
	test.Type(s.body, "Hola {nombres}. ")
	want := "Línea 3, columna 6: campo desconocido {nombres} (¿quiso decir {nombre}?)"
	if s.problems.Text != want || !s.save.Disabled() || !s.goToErr.Visible() || !contains(texts(w.Content()), want) {
		t.Fatalf("problem not shown or save enabled: %q, shown %v", s.problems.Text, contains(texts(w.Content()), want))
	}
	// "Ir al error" puts the cursor on it.
	fyne.DoAndWait(func() { s.body.CursorRow, s.body.CursorColumn = 0, 0 })
	test.Tap(s.goToErr)
	if s.body.CursorRow != 2 || s.body.CursorColumn != 5 {
		t.Fatalf("cursor at %d:%d", s.body.CursorRow, s.body.CursorColumn)
	}
	// An unclosed brace in the title, too.
	fyne.DoAndWait(func() { s.titleEntry.SetText("Bienvenida a {comunidad") })
	if !strings.Contains(s.problems.Text, "Título, columna 14: llave «{» sin cerrar") {
		t.Fatalf("title problem: %q", s.problems.Text)
	}

	// Fixed: the preview follows the typing, with the field filled and in bold.
	fyne.DoAndWait(func() {
		s.titleEntry.SetText("Bienvenida a {comunidad}")
		s.body.SetText(strings.Replace(s.body.Text, "Hola {nombres}. ", "", 1))
		s.body.CursorRow, s.body.CursorColumn = 0, 0
	})
	test.Type(s.body, "Posdata para **{unidad}**.\n\n")
	if got := letterRichText(s.preview.Segments); !strings.Contains(got, "Posdata para Depto 101.\n") {
		t.Fatalf("the preview did not follow the typing:\n%s", got)
	}
	if s.problems.Text != "" || s.save.Disabled() {
		t.Fatalf("problems after the fix: %q", s.problems.Text)
	}
	bold := false
	for _, seg := range s.preview.Segments {
		if ts, ok := seg.(*widget.TextSegment); ok && ts.Text == "Depto 101" && ts.Style.TextStyle.Bold {
			bold = true
		}
	}
	if !bold {
		t.Error("the field is not bold in the preview")
	}
	// Another recipient for the preview.
	fyne.DoAndWait(func() { s.previewFor.SetSelected("A/B · Ana Soto") })
	if got := letterRichText(s.preview.Segments); !strings.Contains(got, "Estimado(a) Ana Soto:") || !strings.Contains(got, "Posdata para Local A/B.") {
		t.Fatalf("preview for Ana:\n%s", got)
	}

	// Insertar campo writes the tag at the cursor.
	fyne.DoAndWait(func() { s.body.CursorRow, s.body.CursorColumn = 0, 0 })
	fyne.DoAndWait(func() { s.insert.SetSelected(s.insert.Options[13]) }) // {portal}
	if !strings.HasPrefix(s.body.Text, "{portal}Posdata") || s.insert.Selected != "" {
		t.Fatalf("insert: %q", s.body.Text[:40])
	}

	// Guardar stores it.
	test.Tap(s.save)
	s.jobs.Wait()
	if s.state.Text != "Guardada" {
		t.Fatalf("state after saving: %q", s.state.Text)
	}
	saved, err := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente")
	if err != nil || !strings.HasPrefix(saved.Body, "{portal}Posdata para **{unidad}**.") {
		t.Fatalf("saved: %q %v", saved.Body, err)
	}

	// Restaurar carta sugerida brings the shipped text back after confirming.
	test.Tap(s.restore)
	letterTapOverlayButton(t, w, "Sí", "Si", "Yes")
	s.jobs.Wait()
	if s.state.Text != "Carta sugerida restaurada" {
		t.Fatalf("state after restoring: %q", s.state.Text)
	}
	saved, _ = st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente")
	if saved.Body != letter.Suggested()[0].Body || s.body.Text != saved.Body {
		t.Fatal("the suggested letter was not restored")
	}
}

func TestLetterTemplatesNewDuplicateRenameDelete(t *testing.T) {
	u, w, st := letterTestUI(t)
	u.opts.PreviewNow = true
	c := u.community
	s := openLetterSection(t, u, w)

	test.Tap(s.dupBtn)
	letterTypeInOverlay(t, w, "Aviso de mantención")
	letterTapOverlayButton(t, w, "Aceptar")
	s.jobs.Wait()
	if s.current.Name != "Aviso de mantención" || len(s.templates) != 3 || s.chooser.Selected != "Aviso de mantención" {
		t.Fatalf("after duplicating: %q, %d templates", s.current.Name, len(s.templates))
	}

	test.Tap(s.renameBtn)
	letterTypeInOverlay(t, w, "Bienvenida nuevo residente") // taken
	letterTapOverlayButton(t, w, "Aceptar")
	s.jobs.Wait()
	if top := w.Canvas().Overlays().Top(); top == nil || !contains(texts(top), "Ya existe una plantilla con ese nombre.") {
		t.Fatal("a taken name was not refused with a message")
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	test.Tap(s.defaultBtn)
	s.jobs.Wait()
	if !s.current.Default || s.defaultMark.Text != "(por omisión)" || !s.defaultBtn.Disabled() {
		t.Fatalf("after making it the default: %+v", s.current)
	}
	if d, _ := st.DefaultTemplate(context.Background(), c.ID, data.TemplateLetter); d.Name != "Aviso de mantención" {
		t.Fatalf("default = %q", d.Name)
	}

	test.Tap(s.deleteBtn)
	letterTapOverlayButton(t, w, "Sí", "Si", "Yes")
	s.jobs.Wait()
	if len(s.templates) != 2 || s.current.Name == "Aviso de mantención" {
		t.Fatalf("after deleting: %d templates, showing %q", len(s.templates), s.current.Name)
	}
	if !s.current.Default {
		t.Fatal("after deleting the default, the shown one is not the new default")
	}
}

// tapOverlayButton taps, in the top dialog, the first button with one of the texts.
func letterTapOverlayButton(t *testing.T, w fyne.Window, labels ...string) {
	t.Helper()
	var found *widget.Button
	eventually(t, "a dialog with "+strings.Join(labels, "/"), func() bool {
		top := w.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		found = letterFindButton(top, labels)
		return found != nil
	})
	test.Tap(found)
}

func letterFindButton(o fyne.CanvasObject, labels []string) *widget.Button {
	if b, ok := o.(*widget.Button); ok {
		for _, l := range labels {
			if b.Text == l {
				return b
			}
		}
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			if b := letterFindButton(ch, labels); b != nil {
				return b
			}
		}
	}
	if wd, ok := o.(fyne.Widget); ok {
		for _, ch := range test.WidgetRenderer(wd).Objects() {
			if b := letterFindButton(ch, labels); b != nil {
				return b
			}
		}
	}
	return nil
}

func letterFindEntry(o fyne.CanvasObject) *widget.Entry {
	if e, ok := o.(*widget.Entry); ok {
		return e
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			if e := letterFindEntry(ch); e != nil {
				return e
			}
		}
	}
	if wd, ok := o.(fyne.Widget); ok {
		for _, ch := range test.WidgetRenderer(wd).Objects() {
			if e := letterFindEntry(ch); e != nil {
				return e
			}
		}
	}
	return nil
}

// typeInOverlayEntry replaces the text of the top dialog's entry.
func letterTypeInOverlay(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var e *widget.Entry
	eventually(t, "a dialog with an entry", func() bool {
		if top := w.Canvas().Overlays().Top(); top != nil {
			e = letterFindEntry(top)
		}
		return e != nil
	})
	fyne.DoAndWait(func() { e.SetText("") })
	test.Type(e, text)
}

func TestLetterDownloadWritesFiles(t *testing.T) {
	u, w, _ := letterTestUI(t)

	var d *letterDownload
	fyne.DoAndWait(func() { d = u.newLetterDownload(nil) })
	<-d.loaded
	// No unit selected: nothing is generated for the whole community until
	// «Todas las unidades (4)» is chosen, and Generar is not the default button.
	if !d.generate.Disabled() || d.generate.Importance == widget.HighImportance || !d.all.Visible() || d.all.Checked ||
		d.all.Text != "Todas las unidades (4)" || !strings.HasPrefix(d.summary.Text, "No hay unidades seleccionadas") {
		t.Fatalf("with no selection: generate disabled %v, %q, %q", d.generate.Disabled(), d.all.Text, d.summary.Text)
	}
	test.Tap(d.all)
	if d.summary.Text != "Se generarán 3 cartas. Con cuenta en el portal: 0 · cuenta por crear (al generar los usuarios): 2 · sin cuenta: 1." ||
		d.generate.Disabled() || d.holes.box.Visible() {
		t.Fatalf("summary: %q", d.summary.Text)
	}
	if !strings.Contains(d.skipped.Text, "102 Depto 102") {
		t.Fatalf("skipped: %q", d.skipped.Text)
	}
	if d.template.Selected != "Bienvenida nuevo residente" {
		t.Fatalf("template: %q", d.template.Selected)
	}

	// One PDF per recipient into a folder, names made safe.
	dir := filepath.Join(t.TempDir(), "cartas")
	fyne.DoAndWait(func() { d.run(dir) })
	<-d.done
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if got := strings.Join(names, "|"); got != "101 - José Ignacio Núñez Peña.pdf|A-B - Ana Soto.pdf|etc - Íñigo Pérez.pdf" {
		t.Fatalf("files: %s", got)
	}
	text := letterPDFText(t, filepath.Join(dir, "101 - José Ignacio Núñez Peña.pdf"))
	if !strings.Contains(text, "Estimado(a) José Ignacio Núñez Peña:") || !strings.Contains(text, "Usuario: jose@ejemplo.cl") {
		t.Fatalf("letter:\n%s", text)
	}
	top := w.Canvas().Overlays().Top()
	if top == nil || letterFindButton(top, []string{"Abrir"}) == nil || letterFindButton(top, []string{"Imprimir"}) == nil ||
		!contains(texts(top), "Se guardaron 3 cartas en:\n"+dir) {
		t.Fatalf("result dialog: %v", texts(top))
	}
	fyne.DoAndWait(func() { top.Hide() })

	// One combined PDF for all the users of unit 101.
	fyne.DoAndWait(func() { d = u.newLetterDownload([]int64{1}) })
	<-d.loaded
	fyne.DoAndWait(func() {
		d.recipients.SetSelected(d.recipients.Options[1])
		d.output.SetSelected(d.output.Options[1])
	})
	if !strings.HasPrefix(d.summary.Text, "Se generarán 2 cartas.") {
		t.Fatalf("summary: %q", d.summary.Text)
	}
	out := filepath.Join(t.TempDir(), "todas") // .pdf is added
	fyne.DoAndWait(func() { d.run(out) })
	<-d.done
	text = letterPDFText(t, out+".pdf")
	if !strings.Contains(text, "Estimado(a) José Ignacio Núñez Peña:") || !strings.Contains(text, "Estimado(a) María Muñoz:") {
		t.Fatalf("combined:\n%s", text)
	}
	pages, _ := exec.Command("pdfinfo", out+".pdf").Output()
	if !strings.Contains(string(pages), "Pages:           2") {
		t.Fatalf("pdfinfo:\n%s", pages)
	}
}

func letterPDFText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils): cannot read the PDF back")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// cupsPDFPrinter makes sure a CUPS scheduler runs and has a cups-pdf queue,
// starting cupsd by hand when it is not running; it skips, saying why,
// where that cannot be done. It returns the queue's name and where its
// PDFs appear.
func cupsPDFPrinter(t *testing.T) (string, string) {
	t.Helper()
	for _, tool := range []string{"lp", "lpstat", "lpadmin", "lpinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("printing not tested: %s is not installed (apt-get install cups printer-driver-cups-pdf)", tool)
		}
	}
	if out, _ := cupsCommand("lpstat", "-r").CombinedOutput(); !strings.Contains(string(out), "is running") || strings.Contains(string(out), "not running") {
		cupsd, err := exec.LookPath("cupsd")
		if err != nil {
			t.Skip("printing not tested: the CUPS scheduler is not running and cupsd is not installed")
		}
		if out, err := cupsCommand(cupsd).CombinedOutput(); err != nil {
			t.Skipf("printing not tested: cannot start cupsd (%v: %s)", err, out)
		}
		ok := false
		for i := 0; i < 50 && !ok; i++ {
			out, _ := cupsCommand("lpstat", "-r").CombinedOutput()
			ok = strings.Contains(string(out), "is running") && !strings.Contains(string(out), "not running")
			time.Sleep(100 * time.Millisecond)
		}
		if !ok {
			t.Skip("printing not tested: cupsd did not start")
		}
	}
	const queue = "ComunidadPDF"
	if err := cupsCommand("lpstat", "-p", queue).Run(); err != nil {
		models, _ := cupsCommand("lpinfo", "-m").Output()
		ppd := ""
		for _, l := range strings.Split(string(models), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.Contains(f[0], "CUPS-PDF") {
				ppd = f[0]
				break
			}
		}
		if ppd == "" {
			t.Skip("printing not tested: no cups-pdf driver (apt-get install printer-driver-cups-pdf)")
		}
		if out, err := cupsCommand("lpadmin", "-p", queue, "-v", "cups-pdf:/", "-E", "-m", ppd).CombinedOutput(); err != nil {
			t.Skipf("printing not tested: cannot add the cups-pdf queue: %v %s", err, out)
		}
	}
	// cups-pdf writes to ~/PDF of the user who printed (Out ${HOME}/PDF).
	home, _ := os.UserHomeDir()
	return queue, filepath.Join(home, "PDF")
}

// letterInk renders a PDF's first page in gray at 50 dpi and counts its dark pixels.
func letterInk(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", path).Output()
	if err != nil {
		t.Skipf("pdftoppm cannot render the printed page: %v", err)
	}
	// A binary PGM: "P5\n<w> <h>\n255\n" then one byte a pixel.
	var w, h, maxv int
	var hdr int
	if _, err := fmt.Sscanf(string(out), "P5\n%d %d\n%d\n", &w, &h, &maxv); err != nil {
		t.Fatalf("pdftoppm output: %v", err)
	}
	for n := 0; hdr < len(out) && n < 3; hdr++ {
		if out[hdr] == '\n' {
			n++
		}
	}
	dark := 0
	for _, b := range out[hdr:] {
		if b < 128 {
			dark++
		}
	}
	return dark
}

// cupsCommand runs a CUPS tool with messages in English, which the checks read.
func cupsCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	return cmd
}

func TestPrintToCUPSPDFPrinter(t *testing.T) {
	queue, outDir := cupsPDFPrinter(t)
	// A letter to print.
	st := datatest.Open(t)
	seedLetterCommunity(t, st)
	c, _ := st.CommunityByName(context.Background(), "Edificio Los Álamos")
	name := fmt.Sprintf("impresion-%d", time.Now().UnixNano())
	path := filepath.Join(t.TempDir(), name+".pdf")
	rows, _ := st.UserRows(context.Background(), c.ID)
	b := letter.Batch{Template: letter.Suggested()[0].Template, Settings: letter.DefaultSettings(), Community: c,
		Rows: letter.SelectRecipients(rows, []int64{1}, letter.MainAccount).Rows}
	if err := b.WriteCombined(context.Background(), path); err != nil {
		t.Fatal(err)
	}

	if err := printFiles(context.Background(), queue, []string{path}); err != nil {
		t.Fatal(err)
	}
	var printed string
	deadline := time.Now().Add(60 * time.Second)
	for printed == "" && time.Now().Before(deadline) {
		// Found, and complete: cups-pdf writes the file in place.
		matches, _ := filepath.Glob(filepath.Join(outDir, name+"*.pdf"))
		if len(matches) > 0 && exec.Command("pdfinfo", matches[0]).Run() == nil {
			printed = matches[0]
		}
		time.Sleep(200 * time.Millisecond)
	}
	if printed == "" {
		t.Fatalf("the cups-pdf printer wrote nothing into %s", outDir)
	}
	t.Cleanup(func() { os.Remove(printed) })
	// cups-pdf rewrites the file through Ghostscript with Type 3 fonts, so
	// its text cannot be read back: check it is our one-page letter, with ink.
	info, _ := exec.Command("pdfinfo", printed).Output()
	if !strings.Contains(string(info), "Pages:           1") || !strings.Contains(string(info), name) {
		t.Fatalf("the printed PDF:\n%s", info)
	}
	if dark := letterInk(t, printed); dark < 2000 {
		t.Fatalf("the printed page is almost blank (%d dark pixels)", dark)
	}

	// A printer that does not exist gives a clear message.
	err := printFiles(context.Background(), "NoExiste", []string{path})
	if err == nil || err.Error() != "No existe la impresora «NoExiste»." {
		t.Fatalf("missing printer: %v", err)
	}
	// And no default printer, too (when this machine has none).
	if out, _ := cupsCommand("lpstat", "-d").CombinedOutput(); strings.Contains(string(out), "no system default") {
		err := printFiles(context.Background(), "", []string{path})
		if err == nil || !strings.Contains(err.Error(), "No hay una impresora configurada") {
			t.Fatalf("no default printer: %v", err)
		}
	} else {
		t.Logf("not tested: no default printer (this machine has one: %s)", strings.TrimSpace(string(out)))
	}
}

// TestInsertFieldGoesWhereTheCursorIs: "Insertar campo" writes into the
// title when the title was being edited, into the body otherwise, in the
// letter editor and in the new-user notice alike.
func TestInsertFieldGoesWhereTheCursorIs(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	title, body := newFieldEntry(false), newFieldEntry(true)
	insert := newFieldInserter(w.Canvas, title, body)
	w.SetContent(container.NewVBox(title, body, insert))
	choose := func(tag string) {
		t.Helper()
		for _, o := range insert.Options {
			if strings.HasPrefix(o, tag+" ") {
				insert.SetSelected(o)
				return
			}
		}
		t.Fatalf("no option for %s in %q", tag, insert.Options)
	}
	body.SetText("Hola\nSaludos")
	title.SetText("Bienvenida a ")
	// Nothing focused yet: the body, at its cursor.
	choose("{nombre}")
	if body.Text != "{nombre}Hola\nSaludos" || w.Canvas().Focused() != body {
		t.Fatalf("body %q, focused %v", body.Text, w.Canvas().Focused())
	}
	// The title after it was focused, at the cursor's column.
	w.Canvas().Focus(title)
	title.CursorColumn = len([]rune(title.Text))
	choose("{comunidad}")
	if title.Text != "Bienvenida a {comunidad}" || insert.Selected != "" || w.Canvas().Focused() != title {
		t.Fatalf("title %q, list shows %q", title.Text, insert.Selected)
	}
	// Back in the body, second line.
	w.Canvas().Focus(body)
	body.CursorRow, body.CursorColumn = 1, 7
	choose("{portal}")
	if body.Text != "{nombre}Hola\nSaludos{portal}" || title.Text != "Bienvenida a {comunidad}" {
		t.Fatalf("body %q title %q", body.Text, title.Text)
	}
}

// TestLetterDownloadCancel: «Cancelar» after the first letter keeps the
// whole letters already written to a folder and says so; a combined PDF
// cancelled half-way leaves no file at all.
func TestLetterDownloadCancel(t *testing.T) {
	u, w, _ := letterTestUI(t)
	var d *letterDownload
	u.opts.DownloadProgress = func(done int) {
		if done == 1 {
			d.stop.OnTapped() // on the UI goroutine, as a tap would be
		}
	}

	fyne.DoAndWait(func() { d = u.newLetterDownload(nil) })
	<-d.loaded
	test.Tap(d.all)
	dir := filepath.Join(t.TempDir(), "cartas")
	fyne.DoAndWait(func() { d.run(dir) })
	<-d.done
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || len(d.paths) != 1 {
		t.Fatalf("after cancel: %d files, %d paths", len(entries), len(d.paths))
	}
	letterPDFText(t, d.paths[0]) // whole and readable
	if want := "Generación cancelada. Quedó 1 carta completa en " + dir + "."; !anyContains(overlayTexts(w), want) {
		t.Fatalf("dialog %q, want %q", overlayTexts(w), want)
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	fyne.DoAndWait(func() { d = u.newLetterDownload(nil) })
	<-d.loaded
	test.Tap(d.all)
	fyne.DoAndWait(func() { d.output.SetSelected(d.output.Options[1]) })
	out := filepath.Join(t.TempDir(), "todas.pdf")
	fyne.DoAndWait(func() { d.run(out) })
	<-d.done
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a cancelled combined PDF was left: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if !anyContains(overlayTexts(w), "Generación cancelada.") {
		t.Fatalf("dialog %q", overlayTexts(w))
	}
}

// The result of «Descargar» offers the system's printers (here a real
// cupsd with a cups-pdf queue, and no default printer: the machine that
// used to answer "No hay una impresora configurada"), prints to the one
// chosen and offers it first the next time.
func TestPrinterPickerPrintsWhereTheUserChooses(t *testing.T) {
	queue, outDir := cupsPDFPrinter(t)
	u, w, _ := letterTestUI(t)
	list, err := printers.Printers(context.Background())
	if err != nil || !contains(list.Names, queue) {
		t.Fatalf("printers %+v %v, want %s among them", list, err, queue)
	}
	download := func(name string) *letterDownload {
		t.Helper()
		var d *letterDownload
		fyne.DoAndWait(func() { d = u.newLetterDownload([]int64{1}) })
		<-d.loaded
		d.printed = make(chan struct{}, 1)
		fyne.DoAndWait(func() { d.output.SetSelected(d.output.Options[1]) })
		fyne.DoAndWait(func() { d.run(filepath.Join(t.TempDir(), name)) })
		<-d.done
		eventually(t, "the printers listed", func() bool {
			var ok bool
			fyne.DoAndWait(func() { ok = d.printer != nil && !d.printer.Disabled() && !d.printBtn.Disabled() })
			return ok
		})
		return d
	}
	name := fmt.Sprintf("picker-%d", time.Now().UnixNano())
	d := download(name)
	var options []string
	var selected string
	fyne.DoAndWait(func() { options, selected = d.printer.Options, d.printer.Selected })
	if strings.Join(options, "|") != strings.Join(list.Names, "|") || selected != list.Choose("") {
		t.Fatalf("picker offers %q with %q selected; the system has %+v", options, selected, list)
	}
	fyne.DoAndWait(func() { d.printer.SetSelected(queue) })
	test.Tap(d.printBtn)
	<-d.printed
	if got := u.app.Preferences().String(prefPrinter); got != queue {
		t.Fatalf("remembered printer %q, want %q", got, queue)
	}
	if !anyContains(texts(w.Canvas().Overlays().Top()), "Se envió 1 archivo a la impresora.") {
		t.Fatalf("result: %q", texts(w.Canvas().Overlays().Top()))
	}
	var printed string
	for deadline := time.Now().Add(60 * time.Second); printed == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(outDir, name+"*.pdf")); len(m) > 0 && exec.Command("pdfinfo", m[0]).Run() == nil {
			printed = m[0]
		}
	}
	if printed == "" {
		t.Fatalf("the cups-pdf printer wrote nothing into %s", outDir)
	}
	t.Cleanup(func() { os.Remove(printed) })
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	// The next time, the printer chosen comes first, whatever the default.
	d = download(fmt.Sprintf("picker2-%d", time.Now().UnixNano()))
	fyne.DoAndWait(func() { selected = d.printer.Selected })
	if selected != queue {
		t.Fatalf("second time: %q selected, want the remembered %q", selected, queue)
	}
}

// A letter that would print blanks is not generated: the dialog names the
// settings and offers the way to Configuración; Generar stays off.
func TestLetterDownloadRefusesHoles(t *testing.T) {
	u, w, st := letterTestUI(t)
	ctx := context.Background()
	if _, err := st.Writer().ExecContext(ctx, `DELETE FROM settings WHERE key IN ('letter.admin_email', 'letter.admin_phone')`); err != nil {
		t.Fatal(err)
	}
	var d *letterDownload
	fyne.DoAndWait(func() { d = u.newLetterDownload(nil) })
	<-d.loaded
	test.Tap(d.all)
	if !d.generate.Disabled() || !d.holes.box.Visible() ||
		d.holes.text.Text != "La carta quedaría con datos en blanco: Correo del administrador, Teléfono del administrador. Complételos en Configuración antes de generarla o enviarla." {
		t.Fatalf("holes: %q, generate disabled %v", d.holes.text.Text, d.generate.Disabled())
	}
	if b := findButton(w.Canvas().Overlays().Top(), "Ir a Configuración → Carta de bienvenida"); b == nil {
		t.Fatalf("no way to Configuración: %q", texts(w.Canvas().Overlays().Top()))
	}
}

// The editor's preview shows the letter as each account case reads it: the
// recipient's own (José: his account is created when users are generated),
// then with an account, without one.
func TestLetterPreviewShowsEachAccountCase(t *testing.T) {
	u, w, _ := letterTestUI(t)
	s := openLetterSection(t, u, w)
	preview := func() string {
		var got string
		fyne.DoAndWait(func() { got = strings.Join(strings.Fields(letterRichText(s.preview.Segments)), " ") })
		return got
	}
	eventually(t, "José's own case", func() bool {
		p := preview()
		return strings.Contains(p, "Estimado(a) José Ignacio Núñez Peña:") && strings.Contains(p, "En los próximos días crearemos su cuenta") &&
			strings.Contains(p, "jose@ejemplo.cl")
	})
	fyne.DoAndWait(func() { s.previewCase.SetSelectedIndex(1) })
	if p := preview(); !strings.Contains(p, "Su cuenta en el portal ya está creada") || !strings.Contains(p, "jose@ejemplo.cl") {
		t.Fatalf("with an account:\n%s", p)
	}
	fyne.DoAndWait(func() { s.previewCase.SetSelectedIndex(3) })
	if p := preview(); !strings.Contains(p, "Por ahora usted no tiene una cuenta en el portal") || strings.Contains(p, "jose@ejemplo.cl") {
		t.Fatalf("without an account:\n%s", p)
	}
}

// A field of one account case where another case would read it
// ({motivo_sin_cuenta} outside {si_sin_cuenta}, blank for account holders;
// {usuario} in the title) keeps Guardar off in the editor, at its place;
// the download dialog refuses a stored template that has one.
func TestLetterFieldOfAnotherCaseIsRefused(t *testing.T) {
	u, w, st := letterTestUI(t)
	u.opts.PreviewNow = true
	s := openLetterSection(t, u, w)
	fyne.DoAndWait(func() {
		s.body.SetText("Hola {nombre}:\n\n{si_sin_cuenta}\nSin cuenta: {motivo_sin_cuenta}.\n{fin_si}\nSu situación: {motivo_sin_cuenta}\n")
	})
	want := "Línea 6, columna 15: {motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta la carta se lo dejaría en blanco; póngalo dentro de esa sección"
	if s.problems.Text != want || !s.save.Disabled() || !s.goToErr.Visible() || !contains(texts(w.Content()), want) {
		t.Fatalf("problem %q, save disabled %v", s.problems.Text, s.save.Disabled())
	}
	test.Tap(s.goToErr)
	if s.body.CursorRow != 5 || s.body.CursorColumn != 14 {
		t.Fatalf("Ir al error: cursor at %d:%d", s.body.CursorRow, s.body.CursorColumn)
	}
	fyne.DoAndWait(func() { s.body.SetText(strings.Replace(s.body.Text, "Su situación: {motivo_sin_cuenta}\n", "", 1)) })
	if s.problems.Text != "" || s.save.Disabled() {
		t.Fatalf("inside its section: %q, save disabled %v", s.problems.Text, s.save.Disabled())
	}
	fyne.DoAndWait(func() { s.titleEntry.SetText("Su cuenta {usuario}") })
	if !strings.HasPrefix(s.problems.Text, "Título, columna 11: {usuario} fuera de una sección") || !s.save.Disabled() {
		t.Fatalf("title: %q, save disabled %v", s.problems.Text, s.save.Disabled())
	}

	// Stored anyway (by an older version, or by hand): the download refuses it.
	ctx := context.Background()
	if _, err := st.SaveTemplate(ctx, data.Template{CommunityID: u.community.ID, Kind: data.TemplateLetter, Name: "Motivo suelto",
		Title: "Bienvenida", Body: "Hola {nombre}. Sin cuenta porque {motivo_sin_cuenta}.\n"}); err != nil {
		t.Fatal(err)
	}
	var d *letterDownload
	fyne.DoAndWait(func() { d = u.newLetterDownload([]int64{1}) })
	<-d.loaded
	fyne.DoAndWait(func() { d.template.SetSelected("Motivo suelto") })
	if !d.generate.Disabled() || d.summary.Text != "La plantilla «Motivo suelto» tiene errores: corríjala en Configuración → Carta de bienvenida." {
		t.Fatalf("download: %q, generate disabled %v", d.summary.Text, d.generate.Disabled())
	}
}
