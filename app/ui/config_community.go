package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

func init() {
	registerConfigSection(10, func(u *UI) configSection { return newCommunitySection(u) })
}

// communitySection edits the community's own details.
type communitySection struct {
	u       *UI
	c       data.Community
	name    *widget.Entry
	address *widget.Entry
	save    *widget.Button
	form    fyne.CanvasObject
}

func newCommunitySection(u *UI) *communitySection {
	s := &communitySection{u: u, name: widget.NewEntry(), address: widget.NewEntry()}
	s.name.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errRequired()
		}
		return nil
	}
	s.address.SetPlaceHolder(example(lang.X("config.community.address.hint", "Av. Providencia 1234, Providencia, Santiago")))
	s.save = widget.NewButton(lang.X("action.save", "Guardar"), s.onSave)
	s.save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.X("config.community.name", "Nombre de la comunidad"), s.name),
		widget.NewFormItem(lang.X("config.community.address", "Dirección"), s.address),
	)
	s.form = container.NewVBox(
		widget.NewLabelWithStyle(s.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form,
		container.NewHBox(s.save),
	)
	return s
}

func (s *communitySection) title() string {
	return lang.X("config.community.title", "Comunidad")
}

func (s *communitySection) content() fyne.CanvasObject { return container.NewPadded(s.form) }

func (s *communitySection) setCommunity(c data.Community) {
	s.c = c
	s.name.SetText(c.Name)
	s.address.SetText(c.Address)
}

func (s *communitySection) onSave() {
	if err := s.name.Validate(); err != nil {
		dialog.ShowError(err, s.u.win)
		return
	}
	c := s.c
	c.Name, c.Address = strings.TrimSpace(s.name.Text), strings.TrimSpace(s.address.Text)
	background(func() {
		err := s.u.st.UpdateCommunity(context.Background(), c)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.u.SelectCommunity(c.ID)
		})
	})
}
