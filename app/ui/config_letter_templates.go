package ui

// The letter templates of Configuración → Carta de bienvenida: save,
// restore, new, duplicate, rename, delete, default.

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

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
func (s *letterSection) templateOp(op func(ctx context.Context, st Store) (int64, error)) {
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
		s.templateOp(func(ctx context.Context, st Store) (int64, error) {
			t, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: name, Title: sug.Title, Body: sug.Body})
			return t.ID, err
		})
	})
}

func (s *letterSection) onDuplicate() {
	src := s.current
	s.askName(lang.X("letter.template.duplicate.title", "Duplicar plantilla"),
		lang.X("letter.template.copyof", "{{.Name}} (copia)", map[string]any{"Name": src.Name}), func(name string) {
			s.templateOp(func(ctx context.Context, st Store) (int64, error) {
				t, err := st.DuplicateTemplate(ctx, src.ID, name)
				return t.ID, err
			})
		})
}

func (s *letterSection) onRename() {
	src := s.current
	s.askName(lang.X("letter.template.rename.title", "Renombrar plantilla"), src.Name, func(name string) {
		s.templateOp(func(ctx context.Context, st Store) (int64, error) {
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
			s.templateOp(func(ctx context.Context, st Store) (int64, error) {
				return 0, st.DeleteTemplate(ctx, src.ID)
			})
		}, s.u.win)
}

func (s *letterSection) onDefault() {
	src := s.current
	s.templateOp(func(ctx context.Context, st Store) (int64, error) {
		return src.ID, st.SetDefaultTemplate(ctx, src.ID)
	})
}
