package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

func init() {
	registerConfigSection(30, func(u *UI) configSection { return newLetterSection(u) })
}

// previewDelay is how long the preview waits after the last keystroke, so
// typing stays smooth; tests set it to 0 to render at once.
var previewDelay = 250 * time.Millisecond

// maxPreviewRows bounds the "Vista previa con" list in large communities.
const maxPreviewRows = 300

// letterSection is Configuración → Carta de bienvenida: the templates
// (choose, new, duplicate, rename, delete, default), the editor with
// "Insertar campo" and its problems shown before saving, a live preview
// rendered from a real recipient's data, and the letter settings.
type letterSection struct {
	u *UI
	c data.Community

	templates []data.Template
	current   data.Template // the one in the editor (ID 0 while none)
	dirty     bool
	loading   bool // the editor is being filled by code, not typed in

	chooser     *widget.Select
	defaultMark *widget.Label
	newBtn      *widget.Button
	dupBtn      *widget.Button
	renameBtn   *widget.Button
	deleteBtn   *widget.Button
	defaultBtn  *widget.Button

	titleForm  *widget.Form // holds titleEntry; its label follows the entry's state
	titleEntry *fieldEntry
	body       *fieldEntry
	insert     *widget.Select
	problems   *widget.Label
	missing    *widget.Label // settings the letter uses that are empty
	goToErr    *widget.Button
	save       *widget.Button
	restore    *widget.Button
	state      *widget.Label

	settings   letter.Settings
	rows       []data.UserRow // candidates for the preview: main accounts first
	previewFor *widget.Select
	preview    *widget.RichText
	logo       *canvas.Image
	timer      *time.Timer
	gen        int

	form *letterSettingsForm
	root fyne.CanvasObject

	shown  bool  // the section was opened: load what it shows
	loaded int64 // the community whose data is loaded (0: none yet)
	// jobs counts the section's goroutines, so tests can wait for them.
	jobs sync.WaitGroup
}

func newLetterSection(u *UI) *letterSection {
	s := &letterSection{u: u}
	s.chooser = widget.NewSelect(nil, s.onChoose)
	s.chooser.PlaceHolder = lang.X("letter.template.choose", "Elegir plantilla")
	s.defaultMark = widget.NewLabel("")
	s.newBtn = widget.NewButtonWithIcon(lang.X("letter.template.new", "Nueva"), theme.ContentAddIcon(), s.onNew)
	s.dupBtn = widget.NewButtonWithIcon(lang.X("letter.template.duplicate", "Duplicar"), theme.ContentCopyIcon(), s.onDuplicate)
	s.renameBtn = widget.NewButtonWithIcon(lang.X("letter.template.rename", "Renombrar"), theme.DocumentCreateIcon(), s.onRename)
	s.deleteBtn = widget.NewButtonWithIcon(lang.X("letter.template.delete", "Eliminar"), theme.DeleteIcon(), s.onDelete)
	s.defaultBtn = widget.NewButtonWithIcon(lang.X("letter.template.default", "Usar por omisión"), theme.ConfirmIcon(), s.onDefault)

	s.titleEntry = newFieldEntry(false)
	s.titleEntry.SetPlaceHolder(lang.X("letter.title.hint", "Bienvenida a {comunidad}"))
	s.titleEntry.OnChanged = func(string) { s.edited() }
	s.body = newFieldEntry(true)
	s.body.SetMinRowsVisible(8)
	s.body.OnChanged = func(string) { s.edited() }

	s.insert = newFieldInserter(func() fyne.Canvas { return s.u.win.Canvas() }, s.titleEntry, s.body)

	s.problems = widget.NewLabel("")
	s.problems.Wrapping = fyne.TextWrapWord
	s.problems.Importance = widget.DangerImportance
	s.missing = widget.NewLabel("")
	s.missing.Wrapping = fyne.TextWrapWord
	s.missing.Importance = widget.WarningImportance
	s.missing.Hide()
	s.goToErr = widget.NewButtonWithIcon(lang.X("letter.problem.goto", "Ir al error"), theme.ErrorIcon(), s.onGoToProblem)
	s.goToErr.Hide()
	s.save = widget.NewButtonWithIcon(lang.X("letter.save", "Guardar"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.restore = widget.NewButtonWithIcon(lang.X("letter.restore", "Restaurar carta sugerida"), theme.HistoryIcon(), s.onRestore)
	s.state = widget.NewLabel("")

	s.previewFor = widget.NewSelect(nil, func(string) { s.renderPreview() })
	s.previewFor.PlaceHolder = lang.X("letter.preview.sample", "Datos de ejemplo")
	s.preview = widget.NewRichText()
	s.preview.Wrapping = fyne.TextWrapWord
	s.logo = canvas.NewImageFromImage(nil)
	s.logo.FillMode = canvas.ImageFillContain
	s.logo.SetMinSize(fyne.NewSize(160, 56))
	s.logo.Hide()

	s.form = newLetterSettingsForm(s)
	s.root = s.build()
	s.setEnabled(false)
	return s
}

func (s *letterSection) build() fyne.CanvasObject {
	// The chooser has its own row, so long template names show whole.
	bar := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.X("letter.template", "Plantilla")), s.defaultMark, s.chooser),
		container.NewHBox(s.newBtn, s.dupBtn, s.renameBtn, s.deleteBtn, s.defaultBtn))
	s.titleForm = widget.NewForm(widget.NewFormItem(lang.X("letter.title", "Título"), s.titleEntry))
	help := widget.NewLabel(lang.X("letter.help", "Párrafos separados por una línea en blanco; **negrita**, *cursiva*, «- » al inicio de una línea para una viñeta."))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	editor := container.NewBorder(
		container.NewVBox(s.titleForm, container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.X("letter.body", "Cuerpo"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.insert)),
		container.NewVBox(help, container.NewBorder(nil, nil, nil, s.goToErr, s.problems), s.missing,
			container.NewHBox(s.save, s.restore, s.state)),
		nil, nil, s.body)

	paper := container.NewPadded(container.NewVBox(container.NewHBox(s.logo), s.preview))
	previewHead := container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.X("letter.preview", "Vista previa con"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, s.previewFor)
	preview := container.NewBorder(previewHead, nil, nil, nil, container.NewVScroll(paper))
	split := container.NewHSplit(editor, preview)
	split.Offset = 0.5

	templates := container.NewBorder(bar, nil, nil, nil, split)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.X("letter.tab.templates", "Plantillas"), theme.DocumentIcon(), templates),
		container.NewTabItemWithIcon(lang.X("letter.tab.settings", "Datos, logo y papel"), theme.SettingsIcon(), s.form.content()),
	)
	return container.NewBorder(
		widget.NewLabelWithStyle(s.sectionTitle(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, tabs)
}

func (s *letterSection) sectionTitle() string {
	return lang.X("letter.section", "Carta de bienvenida")
}

func (s *letterSection) title() string { return s.sectionTitle() }

func (s *letterSection) content() fyne.CanvasObject {
	s.shown = true
	if s.loaded != s.c.ID {
		s.load()
	}
	return container.NewPadded(s.root)
}

// goJob runs fn on its own goroutine, counted in s.jobs.
func (s *letterSection) goJob(fn func()) {
	s.jobs.Add(1)
	background(func() {
		defer s.jobs.Done()
		fn()
	})
}

func letterFieldLabel(f letter.Field) string {
	return lang.X("letter.field."+f.Name, f.Label)
}

// setCommunity switches to c; its templates, settings and recipients are
// read when the section is open (or at once, when it is on screen).
func (s *letterSection) setCommunity(c data.Community) {
	s.c = c
	s.loaded = 0
	s.setEnabled(false)
	if s.shown {
		s.load()
	}
}

// load reads the community's templates (the suggested ones the first time),
// its letter settings and the recipients for the preview.
func (s *letterSection) load() {
	c, flows := s.c, s.u.flows()
	if c.ID == 0 {
		return
	}
	s.loaded = c.ID
	s.goJob(func() {
		ld, err := flows.LoadLetterData(context.Background(), c.ID)
		ts, set, rows := ld.Templates, ld.Settings, ld.Rows
		fyne.Do(func() {
			if c.ID != s.c.ID {
				return // another community was chosen meanwhile
			}
			if err != nil {
				s.loaded = 0
				s.u.showError(err)
				return
			}
			s.settings = set
			s.form.load(set, c)
			s.setPreviewLogo(set.Logo)
			s.setRows(rows)
			s.setTemplates(ts, 0)
			s.setEnabled(true)
		})
	})
}

func (s *letterSection) setEnabled(on bool) {
	for _, w := range []fyne.Disableable{s.chooser, s.newBtn, s.dupBtn, s.renameBtn, s.deleteBtn, s.defaultBtn,
		s.titleEntry, s.body, s.insert, s.save, s.restore} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	s.titleForm.Refresh() // a Form greys its labels only when refreshed
	if on {
		s.updateButtons()
	}
}

// setRows keeps the people a letter could go to, main accounts first, for
// "Vista previa con", and shows the first one who has an email.
func (s *letterSection) setRows(rows []data.UserRow) {
	sel := letter.SelectRecipients(rows, nil, letter.MainAccount).Rows
	if len(sel) > maxPreviewRows {
		sel = sel[:maxPreviewRows]
	}
	s.rows = sel
	opts := make([]string, len(sel))
	for i, r := range sel {
		opts[i] = letterPreviewOption(r)
	}
	s.previewFor.SetOptions(opts)
	if len(opts) == 0 {
		s.previewFor.ClearSelected()
		return
	}
	// The first one with an email: a letter that shows a login reads best.
	first := 0
	for i, r := range sel {
		if r.Email != "" {
			first = i
			break
		}
	}
	s.previewFor.SetSelected(opts[first])
}

func letterPreviewOption(r data.UserRow) string {
	return strings.TrimSpace(r.UnitCode + " · " + r.FullName())
}

// setTemplates shows the list and loads the template with id want (the
// default when 0 or gone) into the editor.
func (s *letterSection) setTemplates(ts []data.Template, want int64) {
	s.templates = ts
	names := make([]string, len(ts))
	pick := -1
	for i, t := range ts {
		names[i] = t.Name
		if t.ID == want {
			pick = i
		}
	}
	if pick < 0 && len(ts) > 0 {
		pick = 0 // the default comes first
	}
	s.chooser.SetOptions(names)
	if pick >= 0 {
		s.loadTemplate(ts[pick])
	}
}

func (s *letterSection) loadTemplate(t data.Template) {
	s.loading = true
	s.current = t
	s.chooser.SetSelected(t.Name)
	s.titleEntry.SetText(t.Title)
	s.body.SetText(t.Body)
	s.loading = false
	s.dirty = false
	s.state.SetText("")
	s.updateButtons()
	s.check()
	s.renderPreview()
}

func (s *letterSection) updateButtons() {
	if s.current.Default {
		s.defaultMark.SetText(lang.X("letter.template.isdefault", "(por omisión)"))
		s.defaultBtn.Disable()
	} else {
		s.defaultMark.SetText("")
		s.defaultBtn.Enable()
	}
	if len(s.templates) <= 1 {
		s.deleteBtn.Disable()
	} else {
		s.deleteBtn.Enable()
	}
}

func (s *letterSection) onChoose(name string) {
	if s.loading || name == s.current.Name {
		return
	}
	for _, t := range s.templates {
		if t.Name != name {
			continue
		}
		if !s.dirty {
			s.loadTemplate(t)
			return
		}
		prev := s.current.Name
		dialog.ShowConfirm(lang.X("letter.unsaved.title", "Cambios sin guardar"),
			lang.X("letter.unsaved", "La plantilla «{{.Name}}» tiene cambios sin guardar. ¿Descartarlos?", map[string]any{"Name": prev}),
			func(ok bool) {
				if ok {
					s.loadTemplate(t)
					return
				}
				s.loading = true
				s.chooser.SetSelected(prev)
				s.loading = false
			}, s.u.win)
		return
	}
}

// edited runs on every keystroke: the problems and the preview follow,
// a moment after the typing stops.
func (s *letterSection) edited() {
	if s.loading {
		return
	}
	s.dirty = true
	s.state.SetText(lang.X("letter.state.unsaved", "Sin guardar"))
	s.schedule()
}

func (s *letterSection) schedule() {
	s.gen++
	if previewDelay <= 0 {
		s.check()
		s.renderPreview()
		return
	}
	gen := s.gen
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(previewDelay, func() {
		fyne.Do(func() {
			if gen == s.gen {
				s.check()
				s.renderPreview()
			}
		})
	})
}

func (s *letterSection) editorTemplate() letter.Template {
	return letter.Template{Title: s.titleEntry.Text, Body: s.body.Text}
}

// check shows the template's problems under the editor, each at its line
// and column, and keeps "Guardar" off while there are any.
func (s *letterSection) check() []letter.Problem {
	probs := letter.Check(s.editorTemplate())
	if len(probs) == 0 {
		s.problems.SetText("")
		s.problems.Hide()
		s.goToErr.Hide()
		s.body.SetValidationError(nil)
		if s.current.ID != 0 {
			s.save.Enable()
		}
		return nil
	}
	lines := make([]string, 0, len(probs))
	for i, p := range probs {
		if i == 5 {
			lines = append(lines, lang.X("letter.problem.more", "… y {{.N}} más", map[string]any{"N": len(probs) - 5}))
			break
		}
		lines = append(lines, letterProblemText(p))
	}
	s.problems.SetText(strings.Join(lines, "\n"))
	s.problems.Show()
	s.goToErr.Show()
	s.body.SetValidationError(errors.New(letterProblemText(probs[0])))
	s.save.Disable()
	return probs
}

func letterProblemText(p letter.Problem) string {
	if p.Part == letter.PartTitle {
		return lang.X("letter.problem.title", "Título, columna {{.Col}}: {{.Msg}}", map[string]any{"Col": p.Col, "Msg": p.Msg})
	}
	return lang.X("letter.problem.body", "Línea {{.Line}}, columna {{.Col}}: {{.Msg}}", map[string]any{"Line": p.Line, "Col": p.Col, "Msg": p.Msg})
}

// onGoToProblem puts the cursor on the first problem.
func (s *letterSection) onGoToProblem() {
	probs := letter.Check(s.editorTemplate())
	if len(probs) == 0 {
		return
	}
	p := probs[0]
	e := s.body
	if p.Part == letter.PartTitle {
		e = s.titleEntry
	}
	s.u.win.Canvas().Focus(e)
	e.CursorRow, e.CursorColumn = p.Line-1, p.Col-1
	e.Refresh()
}

// previewFields are the merge fields of the recipient chosen for the
// preview, or sample ones when the community has nobody yet.
func (s *letterSection) previewFields() letter.Fields {
	now := time.Now()
	for i, r := range s.rows {
		if letterPreviewOption(r) == s.previewFor.Selected && i < len(s.rows) {
			return letter.FieldsFor(r, s.c, s.settings, now)
		}
	}
	return letter.SampleFields(s.c, s.settings, now)
}

// renderPreview draws the letter from the same document model the PDF uses.
// A template with problems keeps the last good preview, marked as such.
func (s *letterSection) renderPreview() {
	d, err := letter.Merge(s.editorTemplate(), s.previewFields())
	if err != nil {
		if len(s.preview.Segments) == 0 {
			s.preview.Segments = []widget.RichTextSegment{&widget.TextSegment{
				Text: lang.X("letter.preview.broken", "Corrija los errores de la plantilla para ver la vista previa."), Style: widget.RichTextStyleParagraph}}
			s.preview.Refresh()
		}
		return
	}
	s.showMissing()
	header := [2]string{letterFirstText(s.settings.CommunityName, s.c.Name), letterFirstText(s.settings.CommunityAddress, s.c.Address)}
	s.preview.Segments = letterSegments(d, header)
	s.preview.Refresh()
}

// showMissing says which letter settings the template uses but are empty.
func (s *letterSection) showMissing() {
	c, err := letter.Compile(s.editorTemplate())
	var miss []letter.Field
	if err == nil {
		miss = c.MissingSettings(s.previewFields())
	}
	if len(miss) == 0 {
		s.missing.Hide()
		return
	}
	s.missing.SetText(letterMissingText(miss))
	s.missing.Show()
}

// letterMissingText names the empty settings a letter uses.
func letterMissingText(miss []letter.Field) string {
	names := make([]string, len(miss))
	for i, f := range miss {
		names[i] = letterFieldLabel(f)
	}
	return lang.X("letter.missing", "Faltan datos que la carta usa: {{.Fields}}. Complételos en «Datos, logo y papel».",
		map[string]any{"Fields": strings.Join(names, ", ")})
}

func letterFirstText(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// docSegments lays a letter out as rich text: the header, the date on the
// right, the title, the body with its emphasis and bullets, the signature.
func letterSegments(d letter.Doc, header [2]string) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	if header[0] != "" {
		segs = append(segs, &widget.TextSegment{Text: header[0], Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}})
	}
	if header[1] != "" {
		segs = append(segs, &widget.TextSegment{Text: header[1], Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}})
	}
	if header[0] != "" || header[1] != "" {
		segs = append(segs, &widget.SeparatorSegment{})
	}
	if d.Date != "" {
		segs = append(segs, &widget.TextSegment{Text: d.Date, Style: widget.RichTextStyle{Alignment: fyne.TextAlignTrailing}})
	}
	if d.Title != "" {
		segs = append(segs, &widget.TextSegment{Text: d.Title, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}})
	}
	var list *widget.ListSegment
	for _, b := range d.Blocks {
		if b.Kind != letter.Bullet {
			list = nil
			for _, line := range b.Lines {
				segs = append(segs, letterLineSegments(line)...)
			}
			continue
		}
		if list == nil {
			list = &widget.ListSegment{}
			segs = append(segs, list)
		}
		var item []widget.RichTextSegment
		for _, line := range b.Lines {
			item = append(item, letterLineSegments(line)...)
		}
		list.Items = append(list.Items, &widget.ParagraphSegment{Texts: item})
	}
	if len(d.Signature) > 0 {
		segs = append(segs, &widget.TextSegment{Text: "______________________________", Style: widget.RichTextStyleParagraph})
		for i, sg := range d.Signature {
			segs = append(segs, &widget.TextSegment{Text: sg, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: i == 0}}})
		}
	}
	return segs
}

// lineSegments is one line: its spans inline, the last one closing the line.
func letterLineSegments(line []letter.Span) []widget.RichTextSegment {
	if len(line) == 0 {
		return []widget.RichTextSegment{&widget.TextSegment{Text: " ", Style: widget.RichTextStyleParagraph}}
	}
	segs := make([]widget.RichTextSegment, len(line))
	for i, sp := range line {
		segs[i] = &widget.TextSegment{Text: sp.Text, Style: widget.RichTextStyle{
			Inline:    i < len(line)-1,
			TextStyle: fyne.TextStyle{Bold: sp.Style&letter.Bold != 0, Italic: sp.Style&letter.Italic != 0},
		}}
	}
	return segs
}

func (s *letterSection) onSave() {
	if s.check() != nil || s.current.ID == 0 {
		return
	}
	t := s.current
	t.Title, t.Body = s.titleEntry.Text, s.body.Text
	s.persist(t, lang.X("letter.state.saved", "Guardada"))
}

// persist stores t off the UI goroutine, then shows the list again with t.
func (s *letterSection) persist(t data.Template, done string) {
	st, c := s.u.st, s.c
	s.save.Disable()
	s.goJob(func() {
		ctx := context.Background()
		saved, err := st.SaveTemplate(ctx, t)
		var ts []data.Template
		if err == nil {
			ts, err = st.Templates(ctx, c.ID, data.TemplateLetter)
		}
		fyne.Do(func() {
			if err != nil {
				s.save.Enable()
				s.u.showError(err)
				return
			}
			s.setTemplates(ts, saved.ID)
			s.state.SetText(done)
		})
	})
}

func (s *letterSection) onRestore() {
	if s.current.ID == 0 {
		return
	}
	dialog.ShowConfirm(lang.X("letter.restore.title", "Restaurar carta sugerida"),
		lang.X("letter.restore.confirm", "Se reemplazarán el título y el texto de «{{.Name}}» por la carta sugerida. ¿Continuar?", map[string]any{"Name": s.current.Name}),
		func(ok bool) {
			if !ok {
				return
			}
			sug := letter.SuggestedFor(s.current.Name)
			t := s.current
			t.Title, t.Body = sug.Title, sug.Body
			s.persist(t, lang.X("letter.state.restored", "Carta sugerida restaurada"))
		}, s.u.win)
}

// askName asks for a template's name and calls fn with it.
func (s *letterSection) askName(title, initial string, fn func(name string)) {
	e := widget.NewEntry()
	e.SetText(initial)
	e.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errRequired()
		}
		return nil
	}
	dialog.ShowForm(title, lang.X("letter.ok", "Aceptar"), lang.X("letter.cancel", "Cancelar"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("letter.template.name", "Nombre"), e)},
		func(ok bool) {
			if ok {
				fn(strings.TrimSpace(e.Text))
			}
		}, s.u.win)
	s.u.win.Canvas().Focus(e)
}

// templateOp runs a change to the templates off the UI goroutine and then
// shows the list with the template it returns.
func (s *letterSection) templateOp(op func(ctx context.Context, st *data.Store) (int64, error)) {
	st, c := s.u.st, s.c
	s.goJob(func() {
		ctx := context.Background()
		id, err := op(ctx, st)
		var ts []data.Template
		if err == nil {
			ts, err = st.Templates(ctx, c.ID, data.TemplateLetter)
		}
		fyne.Do(func() {
			if err != nil {
				s.u.showError(letterTemplateError(err))
				return
			}
			s.setTemplates(ts, id)
		})
	})
}

func letterTemplateError(err error) error {
	if errors.Is(err, data.ErrTemplateName) {
		return errors.New(lang.X("letter.template.taken", "Ya existe una plantilla con ese nombre."))
	}
	return err
}

func (s *letterSection) onNew() {
	s.askName(lang.X("letter.template.new.title", "Nueva plantilla"), "", func(name string) {
		sug := letter.Suggested()[0]
		c := s.c
		s.templateOp(func(ctx context.Context, st *data.Store) (int64, error) {
			t, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: name, Title: sug.Title, Body: sug.Body})
			return t.ID, err
		})
	})
}

func (s *letterSection) onDuplicate() {
	src := s.current
	s.askName(lang.X("letter.template.duplicate.title", "Duplicar plantilla"),
		lang.X("letter.template.copyof", "{{.Name}} (copia)", map[string]any{"Name": src.Name}), func(name string) {
			s.templateOp(func(ctx context.Context, st *data.Store) (int64, error) {
				t, err := st.DuplicateTemplate(ctx, src.ID, name)
				return t.ID, err
			})
		})
}

func (s *letterSection) onRename() {
	src := s.current
	s.askName(lang.X("letter.template.rename.title", "Renombrar plantilla"), src.Name, func(name string) {
		s.templateOp(func(ctx context.Context, st *data.Store) (int64, error) {
			t, err := st.RenameTemplate(ctx, src.ID, name)
			return t.ID, err
		})
	})
}

func (s *letterSection) onDelete() {
	src := s.current
	dialog.ShowConfirm(lang.X("letter.template.delete.title", "Eliminar plantilla"),
		lang.X("letter.template.delete.confirm", "¿Eliminar la plantilla «{{.Name}}»? No se puede deshacer.", map[string]any{"Name": src.Name}),
		func(ok bool) {
			if !ok {
				return
			}
			s.templateOp(func(ctx context.Context, st *data.Store) (int64, error) {
				return 0, st.DeleteTemplate(ctx, src.ID)
			})
		}, s.u.win)
}

func (s *letterSection) onDefault() {
	src := s.current
	s.templateOp(func(ctx context.Context, st *data.Store) (int64, error) {
		return src.ID, st.SetDefaultTemplate(ctx, src.ID)
	})
}

// letterSettingsForm edits the letter settings: the community and the
// administrator as the letter names them, the signature, the logo, the
// portal, the paper and the margins.
type letterSettingsForm struct {
	s *letterSection

	community, address        *widget.Entry
	admin, email, phone, sign *widget.Entry
	portal                    *widget.Entry
	paper                     *widget.Select
	margins                   [4]*widget.Entry // top, right, bottom, left
	logo                      []byte
	logoImg                   *canvas.Image
	logoInfo                  *widget.Label
	logoPick, logoClear       *widget.Button
	save                      *widget.Button
	box                       fyne.CanvasObject
}

func newLetterSettingsForm(s *letterSection) *letterSettingsForm {
	f := &letterSettingsForm{s: s}
	f.community, f.address = widget.NewEntry(), widget.NewEntry()
	f.admin, f.email, f.phone, f.sign = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.portal = widget.NewEntry()
	f.admin.SetPlaceHolder("Administraciones Pérez y Cía. Ltda.")
	f.email.SetPlaceHolder("administracion@ejemplo.cl")
	f.phone.SetPlaceHolder("+56 9 1234 5678")
	f.sign.SetPlaceHolder(lang.X("letter.settings.sign.hint", "Administración Edificio Los Álamos"))
	f.portal.SetPlaceHolder("https://portal.ejemplo.cl")
	f.email.Validator = func(v string) error {
		if _, err := data.NormalizeEmail(v); err != nil {
			return errors.New(lang.X("letter.settings.email.bad", "Correo inválido"))
		}
		return nil
	}
	papers := make([]string, len(letter.Papers))
	for i, p := range letter.Papers {
		papers[i] = p.Label()
	}
	f.paper = widget.NewSelect(papers, nil)
	for i := range f.margins {
		e := widget.NewEntry()
		e.Validator = func(v string) error {
			n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
			if err != nil || n < letter.MinMargin || n > letter.MaxMargin {
				return errors.New(lang.X("letter.settings.margin.bad", "Entre {{.Min}} y {{.Max}} mm", map[string]any{"Min": letter.MinMargin, "Max": letter.MaxMargin}))
			}
			return nil
		}
		f.margins[i] = e
	}
	f.logoImg = canvas.NewImageFromImage(nil)
	f.logoImg.FillMode = canvas.ImageFillContain
	f.logoImg.SetMinSize(fyne.NewSize(160, 56))
	f.logoInfo = widget.NewLabel("")
	f.logoPick = widget.NewButtonWithIcon(lang.X("letter.settings.logo.pick", "Elegir imagen…"), theme.FolderOpenIcon(), f.onPickLogo)
	f.logoClear = widget.NewButtonWithIcon(lang.X("letter.settings.logo.clear", "Quitar"), theme.DeleteIcon(), func() { f.setLogo(nil) })
	f.save = widget.NewButtonWithIcon(lang.X("letter.settings.save", "Guardar datos de la carta"), theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance

	marginRow := container.NewGridWithColumns(8,
		widget.NewLabel(lang.X("letter.settings.margin.top", "Superior")), f.margins[0],
		widget.NewLabel(lang.X("letter.settings.margin.right", "Derecho")), f.margins[1],
		widget.NewLabel(lang.X("letter.settings.margin.bottom", "Inferior")), f.margins[2],
		widget.NewLabel(lang.X("letter.settings.margin.left", "Izquierdo")), f.margins[3])
	form := widget.NewForm(
		widget.NewFormItem(lang.X("letter.settings.community", "Comunidad"), f.community),
		widget.NewFormItem(lang.X("letter.settings.address", "Dirección"), f.address),
		widget.NewFormItem(lang.X("letter.settings.admin", "Administrador"), f.admin),
		widget.NewFormItem(lang.X("letter.settings.email", "Correo del administrador"), f.email),
		widget.NewFormItem(lang.X("letter.settings.phone", "Teléfono del administrador"), f.phone),
		widget.NewFormItem(lang.X("letter.settings.sign", "Línea de firma"), f.sign),
		widget.NewFormItem(lang.X("letter.settings.portal", "Portal de residentes"), f.portal),
		widget.NewFormItem(lang.X("letter.settings.logo", "Logo (PNG o JPEG)"), container.NewHBox(f.logoImg, container.NewVBox(f.logoInfo, container.NewHBox(f.logoPick, f.logoClear)))),
		widget.NewFormItem(lang.X("letter.settings.paper", "Papel"), container.NewHBox(f.paper)),
		widget.NewFormItem(lang.X("letter.settings.margins", "Márgenes (mm)"), marginRow),
	)
	f.box = container.NewVScroll(container.NewVBox(form, container.NewHBox(f.save)))
	return f
}

func (f *letterSettingsForm) content() fyne.CanvasObject { return f.box }

func (f *letterSettingsForm) load(set letter.Settings, c data.Community) {
	f.community.SetText(set.CommunityName)
	f.community.SetPlaceHolder(c.Name)
	f.address.SetText(set.CommunityAddress)
	f.address.SetPlaceHolder(letterFirstText(c.Address, lang.X("letter.settings.address.hint", "Av. Providencia 1234, Providencia, Santiago")))
	f.admin.SetText(set.AdminName)
	f.email.SetText(set.AdminEmail)
	f.phone.SetText(set.AdminPhone)
	f.sign.SetText(set.SignatureLine)
	f.portal.SetText(set.PortalURL)
	f.paper.SetSelected(set.Paper.Label())
	for i, v := range []float64{set.Margins.Top, set.Margins.Right, set.Margins.Bottom, set.Margins.Left} {
		f.margins[i].SetText(strconv.FormatFloat(v, 'f', -1, 64))
	}
	f.setLogo(set.Logo)
}

func (f *letterSettingsForm) setLogo(b []byte) {
	f.logo = b
	img := letterDecodeLogo(b)
	f.logoImg.Image = img
	f.logoImg.Refresh()
	if img == nil {
		f.logoInfo.SetText(lang.X("letter.settings.logo.none", "Sin logo"))
		f.logoClear.Disable()
		return
	}
	f.logoInfo.SetText(fmt.Sprintf("%d × %d px, %d KB", img.Bounds().Dx(), img.Bounds().Dy(), (len(b)+1023)/1024))
	f.logoClear.Enable()
}

func letterDecodeLogo(b []byte) image.Image {
	if len(b) == 0 {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}

func (f *letterSettingsForm) onPickLogo() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			f.s.u.showError(err)
			return
		}
		if r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, letter.MaxLogoBytes+1))
		if err == nil {
			err = letter.CheckLogo(b)
		}
		if err != nil {
			f.s.u.showError(err)
			return
		}
		f.setLogo(b)
	}, f.s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"}))
	d.Show()
}

// settings reads the form; the first invalid field gives the error.
func (f *letterSettingsForm) settings() (letter.Settings, error) {
	if err := f.email.Validate(); err != nil {
		return letter.Settings{}, fmt.Errorf("%s: %w", lang.X("letter.settings.email", "Correo del administrador"), err)
	}
	var m [4]float64
	for i, e := range f.margins {
		if err := e.Validate(); err != nil {
			return letter.Settings{}, fmt.Errorf("%s: %w", lang.X("letter.settings.margins", "Márgenes (mm)"), err)
		}
		m[i], _ = strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(e.Text), ",", "."), 64)
	}
	paper := letter.Carta
	for _, p := range letter.Papers {
		if p.Label() == f.paper.Selected {
			paper = p
		}
	}
	return letter.Settings{
		CommunityName: f.community.Text, CommunityAddress: f.address.Text,
		AdminName: f.admin.Text, AdminEmail: f.email.Text, AdminPhone: f.phone.Text,
		SignatureLine: f.sign.Text, PortalURL: f.portal.Text, Logo: f.logo, Paper: paper,
		Margins: letter.Margins{Top: m[0], Right: m[1], Bottom: m[2], Left: m[3]},
	}, nil
}

func (f *letterSettingsForm) onSave() {
	set, err := f.settings()
	if err != nil {
		f.s.u.showError(err)
		return
	}
	st, c := f.s.u.st, f.s.c
	f.save.Disable()
	f.s.goJob(func() {
		err := letter.SaveSettings(context.Background(), st, c.ID, set)
		if err == nil {
			set, err = letter.LoadSettings(context.Background(), st, c.ID)
		}
		fyne.Do(func() {
			f.save.Enable()
			if err != nil {
				f.s.u.showError(err)
				return
			}
			f.s.settings = set
			f.s.setPreviewLogo(set.Logo)
			f.s.renderPreview()
			dialog.ShowInformation(lang.X("letter.settings.saved.title", "Carta de bienvenida"),
				lang.X("letter.settings.saved", "Datos de la carta guardados."), f.s.u.win)
		})
	})
}

func (s *letterSection) setPreviewLogo(b []byte) {
	img := letterDecodeLogo(b)
	s.logo.Image = img
	if img == nil {
		s.logo.Hide()
	} else {
		s.logo.Show()
	}
	s.logo.Refresh()
}
