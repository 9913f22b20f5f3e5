package ui

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

func init() {
	registerConfigSection(30, func(u *UI) configSection { return newLetterSection(u) })
}

// previewDelay is how long the preview waits after the last keystroke, so
// typing stays smooth (Options.PreviewNow renders at once).
const previewDelay = 250 * time.Millisecond

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
	accounts   map[int64]data.PersonAccount
	previewFor *widget.Select
	// previewCase shows the letter as a recipient in each account case
	// reads it; the first option follows the recipient chosen.
	previewCase *widget.Select
	preview     *widget.RichText
	sheet       fyne.CanvasObject // the preview on paper; refresh it, not the preview
	logo        *canvas.Image
	timer       *time.Timer
	gen         int

	form   *letterSettingsForm
	notice *upgradeNotice // the suggested letters changed; the user's copies were kept
	root   fyne.CanvasObject

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
	s.previewCase = widget.NewSelect([]string{
		lang.X("letter.preview.case.own", "su caso"),
		lang.X("letter.preview.case.has", "con cuenta"),
		lang.X("letter.preview.case.will", "cuenta por crear"),
		lang.X("letter.preview.case.none", "sin cuenta"),
	}, nil)
	s.previewCase.SetSelectedIndex(0)
	s.previewCase.OnChanged = func(string) { s.renderPreview() }
	s.previewFor.PlaceHolder = lang.X("letter.preview.sample", "Datos de ejemplo")
	s.preview = widget.NewRichText()
	s.preview.Wrapping = fyne.TextWrapWord
	s.logo = canvas.NewImageFromImage(nil)
	s.logo.FillMode = canvas.ImageFillContain
	s.logo.SetMinSize(fyne.NewSize(160, 56))
	s.logo.Hide()

	s.form = newLetterSettingsForm(s)
	s.notice = newUpgradeNotice(s)
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

	s.sheet = paperSheet(container.NewPadded(container.NewVBox(container.NewHBox(s.logo), s.preview)))
	previewHead := container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.X("letter.preview", "Vista previa con"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(widget.NewLabel(lang.X("letter.preview.case", "como")), s.previewCase), s.previewFor)
	preview := container.NewBorder(previewHead, nil, nil, nil, container.NewVScroll(s.sheet))
	split := container.NewHSplit(editor, preview)
	split.Offset = 0.5

	templates := container.NewBorder(container.NewVBox(s.notice.box, bar), nil, nil, nil, split)
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
		ts, set, rows, acc, notice := ld.Templates, ld.Settings, ld.Rows, ld.Accounts, ld.UpgradeNotice
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
			s.accounts = acc
			s.form.load(set, c)
			s.setPreviewLogo(set.Logo)
			s.setRows(rows)
			s.setTemplates(ts, 0)
			s.notice.show(notice)
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
