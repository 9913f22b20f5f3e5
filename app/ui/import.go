package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/kastor"
	"comunidad/app/workflow"
	"comunidad/data"
)

// chooseExportFile asks for a Kastor export with the system's file dialog
// (or Options.ChooseExportFile) and calls onChosen with its path.
func (u *UI) chooseExportFile(onChosen func(path string)) {
	if u.opts.ChooseExportFile != nil {
		u.opts.ChooseExportFile(onChosen)
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if r == nil {
			return // the user closed the dialog
		}
		path := r.URI().Path()
		r.Close()
		onChosen(path)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx", ".csv", ".XLSX", ".CSV"}))
	d.Resize(fyne.NewSize(900, 600))
	u.showFileDialog(d)
}

// importStepDone tells Options.ImportStep (tests) what the import shows.
func (u *UI) importStepDone(step string) {
	if u.opts.ImportStep != nil {
		u.opts.ImportStep(step)
	}
}

// onImportAction is the "Importar datos" action. With no community yet it
// imports the first one (onImport); with one on screen it asks whether to
// update that one or to import another community from its export.
func (u *UI) onImportAction() {
	if u.community.ID == 0 {
		u.onImport()
		return
	}
	u.askImportKind()
}

// askImportKind offers "Actualizar <comunidad>" (onImport) and "Importar
// otra comunidad…" (importNewCommunity).
func (u *UI) askImportKind() {
	c := u.community
	var d *dialog.CustomDialog
	from := lang.X("kastor.choose.update.file", "Elegirá el archivo de la exportación.")
	if strings.TrimSpace(c.Source) != "" {
		from = lang.X("kastor.choose.update.source", "Desde {{.Source}}, como la última vez.", map[string]any{"Source": sourceName(c.Source)})
	}
	update := widget.NewButtonWithIcon(lang.X("kastor.choose.update", "Actualizar {{.Name}}", map[string]any{"Name": c.Name}),
		theme.ViewRefreshIcon(), func() {
			d.Hide()
			u.onImport()
		})
	update.Importance = widget.HighImportance
	update.Alignment = widget.ButtonAlignLeading
	other := widget.NewButtonWithIcon(lang.X("kastor.choose.new", "Importar otra comunidad…"), theme.ContentAddIcon(), func() {
		d.Hide()
		u.importNewCommunity()
	})
	other.Alignment = widget.ButtonAlignLeading
	otherInfo := widget.NewLabel(lang.X("kastor.choose.new.info", "Crea una comunidad nueva desde su exportación de Kastor; {{.Name}} no cambia.",
		map[string]any{"Name": c.Name}))
	otherInfo.Wrapping = fyne.TextWrapWord
	fromLabel := widget.NewLabel(from)
	fromLabel.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(update, fromLabel, widget.NewSeparator(), other, otherInfo)
	d = dialog.NewCustom(lang.X("kastor.choose.title", "Importar datos"), lang.X("kastor.cancel", "Cancelar"), body, u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	u.importStepDone("choose")
}

// importNewCommunity imports an export the user picks as a new community,
// whatever communities the database holds already.
func (u *UI) importNewCommunity() {
	u.chooseExportFile(func(path string) { u.importFrom(data.Community{}, path) })
}

// communityNamed is the community already called name (ignoring case,
// accents and surrounding spaces), if any.
func (u *UI) communityNamed(name string) (data.Community, bool) {
	want := data.Fold(strings.TrimSpace(name))
	for _, c := range u.communities {
		if data.Fold(strings.TrimSpace(c.Name)) == want {
			return c, true
		}
	}
	return data.Community{}, false
}

func errNameTaken(c data.Community) error {
	return errors.New(lang.X("kastor.name.taken", "Ya existe la comunidad «{{.Name}}»: elija otro nombre (para reimportarla, use «Actualizar {{.Name}}»).",
		map[string]any{"Name": c.Name}))
}

// onImport runs "Importar datos" on the community on screen: from its
// remembered source (Configuración → Importación desde Kastor), or from a
// file the user picks. With no community yet, the file becomes a new
// community.
func (u *UI) onImport() {
	c := u.community
	if c.ID != 0 && strings.TrimSpace(c.Source) != "" {
		u.importFrom(c, c.Source)
		return
	}
	u.chooseExportFile(func(path string) { u.importFrom(c, path) })
}

// importJob is one "Importar datos" run: read the export, (for a new
// community) ask its name, save everything in one transaction, show the
// report. Cancel cancels the context, so the transaction is rolled back.
type importJob struct {
	u         *UI
	community data.Community // ID 0: a new community
	source    string
	ctx       context.Context
	cancel    context.CancelFunc

	bar    *widget.ProgressBar
	status *widget.Label
	stop   *widget.Button
	dlg    *dialog.CustomDialog
}

func (u *UI) importFrom(c data.Community, source string) {
	ctx, cancel := context.WithCancel(context.Background())
	j := &importJob{u: u, community: c, source: source, ctx: ctx, cancel: cancel}
	j.bar = widget.NewProgressBar()
	j.status = widget.NewLabel(lang.X("kastor.progress.reading", "Leyendo {{.Name}}…", map[string]any{"Name": sourceName(source)}))
	j.status.Truncation = fyne.TextTruncateEllipsis
	j.stop = widget.NewButton(lang.X("kastor.cancel", "Cancelar"), func() {
		j.stop.Disable()
		j.status.SetText(lang.X("kastor.progress.cancelling", "Cancelando…"))
		j.cancel()
	})
	box := container.NewVBox(j.status, j.bar, container.NewCenter(j.stop))
	j.dlg = dialog.NewCustomWithoutButtons(lang.X("kastor.progress.title", "Importando datos de Kastor"), box, u.win)
	j.dlg.Resize(fyne.NewSize(480, 160))
	j.dlg.Show()
	u.importStepDone("progress")
	go j.read()
}

// sourceName is how a source is named on screen: a file's name, or a URL.
func sourceName(source string) string {
	if kastor.IsURL(source) {
		return kastor.Describe(source)
	}
	return filepath.Base(source)
}

func (j *importJob) progress(f float64) {
	fyne.Do(func() { j.bar.SetValue(f) })
}

// read runs off the UI goroutine.
func (j *importJob) read() {
	im, err := j.u.flows().ReadImport(j.ctx, workflow.ImportRequest{
		Source: j.source, CommunityID: j.community.ID, Progress: j.progress, Confirm: j.confirm,
	})
	if err != nil {
		fyne.Do(func() { j.fail(err) })
		return
	}
	if j.community.ID == 0 {
		fyne.Do(func() { j.askName(im) })
		return
	}
	j.apply(im, data.SyncTarget{CommunityID: j.community.ID})
}

// askName asks what to call a new community, suggesting the export's title.
func (j *importJob) askName(im *workflow.Import) {
	res := im.Result
	j.dlg.Hide()
	name := widget.NewEntry()
	name.SetText(res.SuggestedName())
	// A name already used would import into that community instead of
	// creating one: the entry refuses it (which disables "Importar"), the
	// dialog says so when the export's own title is taken, and the import
	// checks the name again against the database before saving.
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errRequired()
		}
		if c, ok := j.u.communityNamed(s); ok {
			return errors.New(lang.X("kastor.name.exists", "Ya existe «{{.Name}}».", map[string]any{"Name": c.Name}))
		}
		return nil
	}
	info := widget.NewLabel(lang.X("kastor.name.info", "{{.Units}} y {{.People}} en {{.Name}}.",
		map[string]any{"Units": inmueblesText(len(res.Snapshot.Units)), "People": peopleText(len(res.Snapshot.People)), "Name": res.Name}))
	var top fyne.CanvasObject = info
	height := float32(220)
	if c, ok := j.u.communityNamed(name.Text); ok {
		taken := widget.NewLabel(errNameTaken(c).Error())
		taken.Importance = widget.DangerImportance
		taken.Wrapping = fyne.TextWrapWord
		top = container.NewVBox(info, taken)
		height = 300
	}
	form := dialog.NewForm(lang.X("kastor.name.title", "Nueva comunidad"),
		lang.X("kastor.name.confirm", "Importar"), lang.X("kastor.cancel", "Cancelar"),
		[]*widget.FormItem{
			widget.NewFormItem("", top),
			widget.NewFormItem(lang.X("kastor.name.label", "Nombre de la comunidad"), name),
		},
		func(ok bool) {
			if !ok {
				j.cancel()
				return
			}
			if c, used := j.u.communityNamed(name.Text); used {
				j.fail(errNameTaken(c))
				return
			}
			j.status.SetText(lang.X("kastor.progress.saving", "Guardando en la base de datos…"))
			j.dlg.Show()
			go j.apply(im, data.SyncTarget{CommunityName: strings.TrimSpace(name.Text)})
		}, j.u.win)
	form.Resize(fyne.NewSize(560, height))
	form.Show()
	j.u.win.Canvas().Focus(name)
	j.u.importStepDone("name")
}

// apply saves the export (off the UI goroutine): the import checks the
// name, backs the database up and writes in one transaction.
func (j *importJob) apply(im *workflow.Import, target data.SyncTarget) {
	fyne.Do(func() { j.status.SetText(lang.X("kastor.progress.saving", "Guardando en la base de datos…")) })
	rep, err := im.Save(j.ctx, target)
	var news []data.MemberKey
	if err == nil && j.u.st != nil {
		// The report offers the letter to who arrived; not knowing them
		// only leaves the offer out (the table's filter says it again).
		news, _ = j.u.st.Newcomers(context.Background(), rep.CommunityID)
	}
	fyne.Do(func() {
		if err != nil {
			j.fail(err)
			return
		}
		j.dlg.Hide()
		j.cancel()
		j.u.showImportReport(rep, im.Result, news...)
		j.u.SelectCommunity(rep.CommunityID)
		j.u.importStepDone("report")
	})
}

func (j *importJob) fail(err error) {
	j.dlg.Hide()
	j.cancel()
	if errors.Is(err, context.Canceled) {
		dialog.ShowInformation(lang.X("kastor.cancelled.title", "Importación cancelada"),
			lang.X("kastor.cancelled.text", "No se modificó nada."), j.u.win)
		j.u.importStepDone("cancelled")
		return
	}
	msg := lang.X("kastor.error", "No se importó nada: {{.Err}}", map[string]any{"Err": errorText(err)})
	d := dialog.NewError(errors.New(msg), j.u.win)
	d.Show()
	j.u.importStepDone("error")
}

// maxShownProblems keeps the report dialog light with exports full of problems.
const maxShownProblems = 500

// showImportReport is the dialog after an import: the counts, then the
// problems found row by row; with the people the import brought (news),
// «Carta a los nuevos (N)» leads to their letters.
func (u *UI) showImportReport(rep data.SyncReport, res *kastor.Result, news ...data.MemberKey) {
	bold := fyne.TextStyle{Bold: true}
	lines := []fyne.CanvasObject{
		widget.NewLabelWithStyle(rep.Community, fyne.TextAlignLeading, bold),
		widget.NewLabel(lang.X("kastor.report.source", "Desde {{.Source}} ({{.Layout}}, {{.Rows}} filas)",
			map[string]any{"Source": sourceName(rep.Source), "Layout": layoutLabel(res.Layout), "Rows": res.Rows})),
		widget.NewLabel(lang.X("kastor.report.units", "Unidades: {{.New}} nuevas, {{.Updated}} actualizadas, {{.Unchanged}} sin cambios, {{.Archived}} archivadas",
			countsData(rep.Units))),
		widget.NewLabel(lang.X("kastor.report.users", "Usuarios: {{.New}} nuevos, {{.Updated}} actualizados, {{.Unchanged}} sin cambios, {{.Archived}} archivados",
			countsData(rep.Users))),
	}
	if !rep.Changed() {
		lines = append(lines, widget.NewLabel(lang.X("kastor.report.nochange", "Sin cambios: la exportación es igual a lo ya importado.")))
	}
	var body fyne.CanvasObject = container.NewVBox(lines...)
	if n := len(rep.Problems); n == 0 {
		lines = append(lines, widget.NewLabel(lang.X("kastor.report.noproblems", "Sin observaciones.")))
		body = container.NewVBox(lines...)
	} else {
		lines = append(lines, widget.NewLabelWithStyle(lang.X("kastor.report.problems", "Observaciones ({{.N}}):", map[string]any{"N": n}), fyne.TextAlignLeading, bold))
		shown := rep.Problems[:min(n, maxShownProblems)]
		list := newWrapList(func() int { return len(shown) }, func(i int) string { return problemText(shown[i]) })
		var foot fyne.CanvasObject = widget.NewLabel("")
		if n > len(shown) {
			foot = widget.NewLabel(lang.X("kastor.report.more", "… y {{.N}} más (comunidad sync --json las lista todas).", map[string]any{"N": n - len(shown)}))
		}
		body = container.NewBorder(container.NewVBox(lines...), foot, nil, nil, list)
	}
	d := dialog.NewCustom(lang.X("kastor.report.title", "Importación terminada"), lang.X("kastor.close", "Cerrar"), body, u.win)
	var buttons []fyne.CanvasObject
	if len(news) > 0 {
		buttons = append(buttons, widget.NewButtonWithIcon(
			lang.X("kastor.report.newcomers", "Carta a los nuevos ({{.N}})", map[string]any{"N": len(news)}),
			theme.AccountIcon(), func() { d.Hide(); u.offerLetterToNewcomers(news) }))
	}
	if _, ok := u.flows().CanUndo(context.Background(), rep.CommunityID); ok && rep.Changed() {
		buttons = append(buttons, widget.NewButton(lang.X("kastor.undo.title", "Deshacer última importación"), func() { d.Hide(); u.onUndoImport() }))
	}
	if len(buttons) > 0 {
		d.SetButtons(append(buttons, widget.NewButton(lang.X("kastor.close", "Cerrar"), d.Hide)))
	}
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// offerLetterToNewcomers asks how the welcome letter reaches the people
// the import brought (news): as PDF or by email, each dialog for exactly
// them (who already got it is left out there, as always).
func (u *UI) offerLetterToNewcomers(news []data.MemberKey) {
	var units []int64
	seen := map[int64]bool{}
	for _, k := range news {
		if !seen[k.UnitID] {
			seen[k.UnitID] = true
			units = append(units, k.UnitID)
		}
	}
	var d dialog.Dialog
	text := widget.NewLabel(plural(len(news), "kastor.newcomers.one", "1 persona llegó con esta importación. ¿Cómo le hace llegar la carta de bienvenida?",
		"kastor.newcomers.many", "{{.N}} personas llegaron con esta importación. ¿Cómo les hace llegar la carta de bienvenida?"))
	text.Wrapping = fyne.TextWrapWord
	pdf := widget.NewButtonWithIcon(lang.X("kastor.newcomers.pdf", "Descargar PDF"), theme.DownloadIcon(), func() {
		d.Hide()
		u.newLetterDownloadFor(units, true)
	})
	mail := widget.NewButtonWithIcon(lang.X("kastor.newcomers.mail", "Enviar por correo"), theme.MailSendIcon(), func() {
		d.Hide()
		u.newLetterSendFor(units, true)
	})
	cancel := widget.NewButton(lang.X("letter.cancel", "Cancelar"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.X("units.letter.new", "Carta a los nuevos"),
		container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, pdf, mail), nil, nil, text), u.win)
	d.Resize(fyne.NewSize(520, 180))
	d.Show()
}

func countsData(c data.SyncCounts) map[string]any {
	return map[string]any{"New": c.New, "Updated": c.Updated, "Unchanged": c.Unchanged, "Archived": c.Archived}
}

func problemText(p data.SyncProblem) string {
	if p.Row > 0 {
		return lang.X("kastor.report.row", "Fila {{.Row}}: {{.Msg}}", map[string]any{"Row": p.Row, "Msg": p.Message})
	}
	return p.Message
}

func layoutLabel(l kastor.Layout) string {
	switch l {
	case kastor.PerUnit:
		return lang.X("kastor.layout.perunit", "una fila por inmueble")
	case kastor.PerPerson:
		return lang.X("kastor.layout.perperson", "una fila por persona")
	}
	return ""
}
