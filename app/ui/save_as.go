package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// saveAs asks where to write a file: a folder (typed, or chosen with
// «Examinar…») and a name, which may also be typed as a full path. Fyne's
// own save dialog joined a typed full path to the folder it showed and
// failed in English ("Open /home/…/home/…: no such file or directory").
type saveAs struct {
	u        *UI
	ext      string // ".xlsx"
	folder   *dialogEntry
	name     *dialogEntry
	errLabel *widget.Label
	dlg      *dialog.CustomDialog
	onSave   func(path string)
	onCancel func()
	saved    bool
}

// showSaveAs shows the dialog with dir and name proposed. onSave gets the
// full path, with ext added when the name lacks it, once its folder
// exists; onCancel runs when the dialog closes without a path.
func (u *UI) showSaveAs(title, dir, name, ext string, onSave func(string), onCancel func()) *saveAs {
	s := &saveAs{u: u, ext: ext, onSave: onSave, onCancel: onCancel}
	if dir == "" {
		dir, _ = os.UserHomeDir()
	}
	s.folder = newDialogEntry(nil)
	s.folder.SetText(dir)
	s.name = newDialogEntry(nil)
	s.name.SetText(name)
	s.errLabel = newErrorLabel()
	browse := widget.NewButtonWithIcon(lang.X("saveas.browse", "Examinar…"), theme.FolderOpenIcon(), s.onBrowse)
	save := widget.NewButtonWithIcon(lang.X("action.save", "Guardar"), theme.DocumentSaveIcon(), s.onSubmit)
	save.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.X("units.form.cancel", "Cancelar"), theme.CancelIcon(), func() { s.dlg.Hide() })
	formKeys(s.onSubmit, func() { s.dlg.Hide() }, s.errLabel, s.folder, s.name)
	form := widget.NewForm(
		widget.NewFormItem(lang.X("saveas.folder", "Carpeta"), container.NewBorder(nil, nil, nil, browse, s.folder)),
		&widget.FormItem{Text: lang.X("saveas.name", "Nombre del archivo"), Widget: s.name,
			HintText: lang.X("saveas.name.hint", "También puede escribir la ruta completa, por ejemplo C:\\Users\\usted\\Documentos\\archivo")},
	)
	content := container.NewVBox(form, errorLine(s.errLabel), container.NewHBox(layoutSpacer(), cancel, save))
	s.dlg = dialog.NewCustomWithoutButtons(title, fixedWidth(min(640, u.win.Canvas().Size().Width-60), content), u.win)
	u.closeOnEscape(s.dlg, func() {
		if !s.saved && s.onCancel != nil {
			s.onCancel()
		}
	})
	s.dlg.Show()
	u.win.Canvas().Focus(s.name)
	return s
}

// Hide closes the dialog for the caller, which decides what follows (no
// onCancel).
func (s *saveAs) Hide() {
	s.saved = true
	s.dlg.Hide()
}

// path is what the fields name: the name alone when it is a full path,
// else the name in the folder; ext added when missing.
func (s *saveAs) path() string {
	name := strings.TrimSpace(s.name.Text)
	p := name
	if !filepath.IsAbs(name) {
		p = filepath.Join(strings.TrimSpace(s.folder.Text), name)
	}
	if s.ext != "" && !strings.EqualFold(filepath.Ext(p), s.ext) {
		p += s.ext
	}
	return p
}

func (s *saveAs) onSubmit() {
	if strings.TrimSpace(s.name.Text) == "" {
		s.showError(lang.X("saveas.noname", "Escriba el nombre del archivo."))
		return
	}
	p := s.path()
	if !filepath.IsAbs(p) {
		s.showError(lang.X("saveas.relative", "Elija una carpeta con «Examinar…» o escriba la ruta completa."))
		return
	}
	dir := filepath.Dir(p)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		s.showError(lang.X("saveas.nofolder", "La carpeta «{{.Folder}}» no existe: elija otra con «Examinar…».", map[string]any{"Folder": dir}))
		return
	}
	if info, err := os.Stat(p); err == nil && info.IsDir() {
		s.showError(lang.X("saveas.isdir", "«{{.Name}}» es una carpeta: escriba el nombre del archivo.", map[string]any{"Name": filepath.Base(p)}))
		return
	}
	s.saved = true
	s.dlg.Hide()
	s.onSave(p)
}

func (s *saveAs) showError(msg string) {
	s.errLabel.SetText(msg)
	s.errLabel.Show()
}

// onBrowse picks the folder with Fyne's folder dialog.
func (s *saveAs) onBrowse() {
	fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		s.folder.SetText(l.Path())
	}, s.u.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(strings.TrimSpace(s.folder.Text))); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(min(900, s.u.win.Canvas().Size().Width-40), min(600, s.u.win.Canvas().Size().Height-40)))
	s.u.showFileDialog(fd)
}

// showWriteError says, in Spanish, that the file could not be written and
// why, offering «Guardar en otra carpeta» (again) or to leave it; what was
// already done (the accounts) stays done. err's text is already the user's
// language (atomicfile says disco lleno, solo lectura, sin permiso).
func (u *UI) showWriteError(what string, err error, again, leave func()) {
	var pe *os.PathError
	reason := err.Error()
	if errors.As(err, &pe) && errors.Is(err, os.ErrPermission) {
		reason = lang.X("saveas.denied", "no tiene permiso para escribir en «{{.Folder}}»", map[string]any{"Folder": filepath.Dir(pe.Path)})
	}
	msg := widget.NewLabel(what + ": " + reason)
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.X("saveas.failed.title", "No se pudo guardar el archivo"),
		lang.X("saveas.again", "Guardar en otra carpeta"), lang.X("units.modal.close", "Cerrar"),
		fixedWidth(min(520, u.win.Canvas().Size().Width-80), msg), func(retry bool) {
			if retry {
				again()
				return
			}
			if leave != nil {
				leave()
			}
		}, u.win)
	d.Show()
}
