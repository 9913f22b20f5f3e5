package ui

// The letter settings form: the administration, the signature, the logo,
// the portal, the paper and the margins.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"

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
	f.admin.SetPlaceHolder(example(lang.X("letter.settings.admin.example", "Administraciones Pérez y Cía. Ltda.")))
	f.email.SetPlaceHolder(example(lang.X("mail.address.example", "correo@suadministracion.cl")))
	f.phone.SetPlaceHolder(example("+56 9 1234 5678"))
	f.sign.SetPlaceHolder(example(lang.X("mail.from_name.example", "Administración de su comunidad")))
	f.portal.SetPlaceHolder(example("https://portal.suadministracion.cl"))
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
	f.address.SetPlaceHolder(letterFirstText(c.Address, example(lang.X("letter.settings.address.hint", "Av. Providencia 1234, Providencia, Santiago"))))
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
	f.s.u.showFileDialog(d)
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
