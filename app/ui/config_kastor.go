package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/kastor"
	"comunidad/data"
)

func init() {
	registerConfigSection(20, func(u *UI) configSection { return newKastorSection(u) })
}

// kastorSection is Configuración → Importación desde Kastor: where
// "Importar datos" reads (a file or a URL, with its token kept in the
// credential store and never shown back), and the history of imports.
type kastorSection struct {
	u *UI
	c data.Community

	source   *widget.Entry
	token    *widget.Entry
	tokenSet *widget.Label
	save     *widget.Button
	browse   *widget.Button
	forget   *widget.Button
	runs     []data.SyncReport
	history  *wrapList
	empty    *widget.Label
	top      *fyne.Container
	box      fyne.CanvasObject
	loads    int // completed loads (tests wait for them)
	hasToken bool
	shown    bool // loads wait until the section is first shown
	stale    bool
}

func newKastorSection(u *UI) *kastorSection {
	s := &kastorSection{u: u}
	s.source = widget.NewEntry()
	s.source.SetPlaceHolder(lang.X("kastor.config.source.hint", "C:\\Kastor\\exportacion.xlsx o https://…"))
	s.token = widget.NewPasswordEntry()
	s.tokenSet = widget.NewLabel("")
	s.browse = widget.NewButtonWithIcon(lang.X("kastor.config.browse", "Elegir archivo…"), theme.FolderOpenIcon(), func() {
		u.chooseExportFile(func(path string) { s.source.SetText(path) })
	})
	s.forget = widget.NewButton(lang.X("kastor.config.token.forget", "Olvidar token"), s.onForgetToken)
	s.save = widget.NewButton(lang.X("action.save", "Guardar"), s.onSave)
	s.save.Importance = widget.HighImportance
	s.empty = widget.NewLabel(lang.X("kastor.history.empty", "Todavía no se ha importado nada en esta comunidad."))
	s.history = newWrapList(func() int { return len(s.runs) }, func(i int) string { return historyLine(s.runs[i]) })
	form := widget.NewForm(
		widget.NewFormItem(lang.X("kastor.config.source", "Exportación de Kastor"), container.NewBorder(nil, nil, nil, s.browse, s.source)),
		widget.NewFormItem(lang.X("kastor.config.token", "Token de acceso (URL)"), container.NewBorder(nil, nil, nil, s.forget, s.token)),
		widget.NewFormItem("", s.tokenSet),
	)
	help := widget.NewLabel(lang.X("kastor.config.help", "«Importar datos» lee este archivo o esta dirección. Los usuarios y correos agregados en Comunidad se conservan; lo que Kastor ya no lista queda archivado."))
	help.Wrapping = fyne.TextWrapWord
	s.top = container.NewVBox(
		widget.NewLabelWithStyle(s.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		help,
		form,
		container.NewHBox(s.save, widget.NewButton(lang.X("kastor.undo.title", "Deshacer última importación"), s.u.onUndoImport)),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.X("kastor.history.title", "Historial de importaciones"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	)
	// The empty text sits over the list, so showing it moves nothing.
	s.box = container.NewPadded(container.NewBorder(s.top, nil, nil, nil,
		container.NewStack(s.history, container.NewVBox(s.empty))))
	return s
}

func (s *kastorSection) title() string {
	return lang.X("kastor.config.title", "Importación desde Kastor")
}

// content is called when the section is shown: the history is read then,
// not while the window opens (the other tabs are loading at that time).
func (s *kastorSection) content() fyne.CanvasObject {
	s.shown = true
	if s.stale {
		s.load()
	}
	return s.box
}

// setCommunity touches no widget until the section has been shown: the
// window calls it while the other tabs load.
func (s *kastorSection) setCommunity(c data.Community) {
	s.c = c
	s.stale = true
	if s.shown {
		s.load()
	}
}

func (s *kastorSection) load() {
	s.stale = false
	s.source.SetText(s.c.Source)
	s.token.SetText("")
	c, st, flows := s.c, s.u.st, s.u.flows()
	background(func() {
		ctx := context.Background()
		runs, err := st.SyncRuns(ctx, c.ID, 100)
		has, terr := flows.HasToken(ctx, c.ID)
		fyne.Do(func() {
			if s.c.ID != c.ID {
				return // another community was chosen meanwhile
			}
			if err != nil {
				s.u.showError(err)
			}
			s.runs = runs
			s.history.Refresh()
			if len(runs) == 0 {
				s.empty.Show()
			} else {
				s.empty.Hide()
			}
			if terr != nil {
				s.u.showError(terr)
			}
			s.hasToken = has
			s.showTokenState()
			s.loads++
			if s.u.opts.KastorLoaded != nil {
				s.u.opts.KastorLoaded()
			}
		})
	})
}

func (s *kastorSection) showTokenState() {
	if s.hasToken {
		s.tokenSet.SetText(lang.X("kastor.config.token.saved", "Hay un token guardado en el almacén de credenciales. Escriba otro para reemplazarlo."))
		s.token.SetPlaceHolder(lang.X("kastor.config.token.saved.hint", "(guardado)"))
		s.forget.Enable()
	} else {
		s.tokenSet.SetText(lang.X("kastor.config.token.none", "Opcional: solo si la dirección lo pide."))
		s.token.SetPlaceHolder("")
		s.forget.Disable()
	}
}

func (s *kastorSection) onSave() {
	c, source, token := s.c, strings.TrimSpace(s.source.Text), s.token.Text
	if c.ID == 0 {
		return
	}
	if source != "" && !kastor.IsURL(source) && strings.Contains(source, "://") {
		dialog.ShowError(errors.New(lang.X("kastor.config.source.bad", "Use una ruta de archivo o una dirección http:// o https://")), s.u.win)
		return
	}
	st, flows := s.u.st, s.u.flows()
	background(func() {
		ctx := context.Background()
		err := st.SetCommunitySource(ctx, c.ID, source) // kept without password and query
		if err == nil {
			err = flows.RememberSource(ctx, c.ID, source) // those go to the credential store
		}
		if err == nil && token != "" {
			err = flows.SetToken(ctx, c.ID, token)
		}
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.token.SetText("")
			s.u.SelectCommunity(c.ID) // reloads the community with its new source
		})
	})
}

func (s *kastorSection) onForgetToken() {
	c, flows := s.c, s.u.flows()
	background(func() {
		err := flows.SetToken(context.Background(), c.ID, "")
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.hasToken = false
			s.showTokenState()
		})
	})
}

// historyLine is one import in the history: when, from where, what changed.
func historyLine(r data.SyncReport) string {
	return lang.X("kastor.history.line",
		"{{.When}} · {{.Source}} · unidades: {{.UN}} nuevas, {{.UU}} actualizadas, {{.UA}} archivadas · usuarios: {{.PN}} nuevos, {{.PU}} actualizados, {{.PA}} archivados · {{.Problems}}",
		map[string]any{
			"When": FormatDateTime(r.FinishedAt), "Source": sourceName(r.Source),
			"UN": r.Units.New, "UU": r.Units.Updated, "UA": r.Units.Archived,
			"PN": r.Users.New, "PU": r.Users.Updated, "PA": r.Users.Archived,
			"Problems": plural(len(r.Problems), "kastor.history.problem", "{{.N}} observación", "kastor.history.problems", "{{.N}} observaciones"),
		}) + runByText(r.RunBy)
}
