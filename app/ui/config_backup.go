package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/workflow"
	"comunidad/data"
)

func init() {
	registerConfigSection(50, func(u *UI) configSection { return newBackupSection(u) })
}

// keepChoices are the numbers of backups the administrator can keep.
var keepChoices = []int{3, 5, 10, 20, 30, 50, 100}

// backupSection lists the database's backups, makes one now and restores
// one (after a confirmation, and after backing up the current state). The
// backups are of the whole database, not of one community.
type backupSection struct {
	u        *UI
	backups  []data.BackupInfo
	selected int // index in backups, -1 for none
	list     *widget.List
	empty    *widget.Label
	create   *widget.Button
	restore  *widget.Button
	folder   *widget.Button
	keep     *widget.Select
	export   *widget.Button
	status   *widget.Label
	box      fyne.CanvasObject
	fileOnly []fyne.CanvasObject // what only a database file has: hidden on the office database
	office   *widget.Label       // says the office's server keeps the backups
	loading  bool                // keep.OnChanged ignores the value loadKeep sets
}

func newBackupSection(u *UI) *backupSection {
	s := &backupSection{u: u, selected: -1}
	s.list = widget.NewList(
		func() int { return len(s.backups) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("27-11-2026 13:45 · copia diaria · 2 comunidades, 120 unidades, 240 personas · 1,2 MB")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(backupLine(s.backups[i])) },
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		s.selected = i
		if s.backups[i].Err == nil {
			s.restore.Enable()
		} else {
			s.restore.Disable()
		}
	}
	s.list.OnUnselected = func(widget.ListItemID) { s.selected = -1; s.restore.Disable() }
	s.empty = widget.NewLabel(lang.X("safety.backups.empty", "Aún no hay copias de seguridad. Se crea una al iniciar cada día, antes de cada importación desde Kastor, y cuando usted la pide."))
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()

	s.create = widget.NewButtonWithIcon(lang.X("safety.backups.create", "Crear copia ahora"), theme.ContentAddIcon(), s.onCreate)
	s.create.Importance = widget.HighImportance
	s.restore = widget.NewButtonWithIcon(lang.X("safety.backups.restore", "Restaurar copia"), theme.HistoryIcon(), s.onRestore)
	s.restore.Disable()
	s.folder = widget.NewButtonWithIcon(lang.X("safety.backups.folder", "Abrir carpeta"), theme.FolderOpenIcon(), func() {
		if err := s.u.openPath(data.BackupDir(storePath(s.u.st))); err != nil {
			s.u.showError(err)
		}
	})
	opts := make([]string, len(keepChoices))
	for i, n := range keepChoices {
		opts[i] = strconv.Itoa(n)
	}
	s.keep = widget.NewSelect(opts, s.onKeep)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.export = widget.NewButtonWithIcon(lang.X("safety.export", "Exportar a archivo…"), theme.DocumentSaveIcon(), func() { s.u.onExportFile(s.status) })

	heading := widget.NewLabelWithStyle(s.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(lang.X("safety.backups.intro", "Copias completas de la base de datos (todas las comunidades), guardadas en la carpeta «backups» junto a ella."))
	intro.Wrapping = fyne.TextWrapWord
	s.office = widget.NewLabel(lang.X("safety.backups.office",
		"Esta ventana trabaja en la base de datos de la oficina: las copias de seguridad las hace su servidor, no este equipo (pregunte a quien lo administra cómo y cada cuánto). "+
			"«Exportar a archivo» guarda aquí una copia de todas las comunidades, o de una, que Comunidad abre como su propia base de datos."))
	s.office.Wrapping = fyne.TextWrapWord
	s.office.Hide()
	keepRow := container.NewHBox(widget.NewLabel(lang.X("safety.backups.keep", "Copias que se conservan:")), s.keep)
	lists := container.NewStack(s.list, s.empty)
	s.fileOnly = []fyne.CanvasObject{intro, keepRow, s.create, s.restore, s.folder, lists}
	top := container.NewVBox(heading, intro, s.office, keepRow, container.NewHBox(s.create, s.restore, s.folder, s.export))
	s.box = container.NewBorder(top, s.status, nil, nil, lists)
	return s
}

func (s *backupSection) title() string {
	return lang.X("safety.backups.title", "Copias de seguridad")
}

func (s *backupSection) content() fyne.CanvasObject { return container.NewPadded(s.box) }

// setCommunity reloads the list: the backups are of the whole database,
// which may have changed (the demo, a restore).
func (s *backupSection) setCommunity(data.Community) { s.reload() }

// reload reads the backups and the number kept off the UI goroutine.
func (s *backupSection) reload() {
	_, onFile := workflow.AsBackuper(s.u.st)
	for _, o := range s.fileOnly {
		if onFile {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if !onFile {
		s.office.Show()
		s.backups = nil
		return
	}
	s.office.Hide()
	flows := s.u.flows()
	background(func() {
		list, keep, err := flows.Backups(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.status.SetText(errorText(err))
			}
			s.backups = list
			s.selected = -1
			s.list.UnselectAll()
			s.restore.Disable()
			s.list.Refresh()
			if len(list) == 0 {
				s.empty.Show()
			} else {
				s.empty.Hide()
			}
			s.loading = true
			s.keep.SetSelected(strconv.Itoa(keep))
			s.loading = false
		})
	})
}

func (s *backupSection) busy(on bool) {
	for _, b := range []*widget.Button{s.create, s.folder} {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on || s.selected < 0 {
		s.restore.Disable()
	} else {
		s.restore.Enable()
	}
}

func (s *backupSection) onCreate() {
	s.busy(true)
	flows := s.u.flows()
	background(func() {
		b, err := flows.Backup(context.Background(), data.ReasonManual)
		fyne.Do(func() {
			s.busy(false)
			if err != nil {
				s.u.showError(err)
				return
			}
			s.status.SetText(lang.X("safety.backups.created", "Copia creada: {{.Name}}", map[string]any{"Name": filepath.Base(b.Path)}))
			s.reload()
		})
	})
}

func (s *backupSection) onRestore() {
	if s.selected < 0 || s.selected >= len(s.backups) {
		return
	}
	b := s.backups[s.selected]
	msg := lang.X("safety.backups.confirm",
		"Todos los datos (todas las comunidades) se reemplazarán por los de la copia del {{.When}}: {{.Contents}}.\n\nAntes se guardará una copia del estado actual, para poder volver atrás.",
		map[string]any{"When": FormatDateTime(b.Time), "Contents": backupContents(b.Communities, b.Units, b.People)})
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.X("safety.backups.confirm.title", "¿Restaurar esta copia?"),
		lang.X("safety.backups.confirm.yes", "Restaurar"), lang.X("safety.backups.confirm.no", "Cancelar"),
		text, func(ok bool) {
			if ok {
				s.doRestore(b)
			}
		}, s.u.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

func (s *backupSection) doRestore(b data.BackupInfo) {
	s.busy(true)
	prog := dialog.NewCustomWithoutButtons(lang.X("safety.backups.restoring", "Restaurando la copia de seguridad…"), widget.NewProgressBarInfinite(), s.u.win)
	prog.Show()
	flows := s.u.flows()
	background(func() {
		before, err := flows.Restore(context.Background(), b.Path)
		fyne.Do(func() {
			prog.Hide()
			s.busy(false)
			if err != nil {
				s.u.showError(err)
				s.reload()
				return
			}
			s.status.SetText(lang.X("safety.backups.restored",
				"Copia del {{.When}} restaurada. El estado anterior quedó guardado como {{.Name}}.",
				map[string]any{"When": FormatDateTime(b.Time), "Name": filepath.Base(before.Path)}))
			s.reload()
			// Every tab shows what the restored database holds.
			s.u.SelectCommunity(s.u.community.ID)
		})
	})
}

func (s *backupSection) onKeep(v string) {
	if s.loading {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return
	}
	flows := s.u.flows()
	background(func() {
		err := flows.SetBackupKeep(context.Background(), n)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.status.SetText(lang.X("safety.backups.kept", "Se conservarán las últimas {{.N}} copias.", map[string]any{"N": n}))
			s.reload()
		})
	})
}

// backupLine is one backup in the list: when, why, what it holds.
func backupLine(b data.BackupInfo) string {
	when := FormatDateTime(b.Time)
	if b.Err != nil {
		return lang.X("safety.backups.line.bad", "{{.When}} · {{.Reason}} · no se puede leer: {{.Err}}",
			map[string]any{"When": when, "Reason": reasonText(b.Reason), "Err": b.Err.Error()})
	}
	return lang.X("safety.backups.line", "{{.When}} · {{.Reason}} · {{.Contents}} · {{.Size}}",
		map[string]any{"When": when, "Reason": reasonText(b.Reason), "Contents": backupContents(b.Communities, b.Units, b.People), "Size": humanSize(b.Size)})
}

// reasonText says why a backup was taken, in words.
func reasonText(r string) string {
	switch r {
	case data.ReasonManual:
		return lang.X("safety.reason.manual", "copia manual")
	case data.ReasonDaily:
		return lang.X("safety.reason.daily", "copia diaria")
	case data.ReasonSync:
		return lang.X("safety.reason.sync", "antes de importar desde Kastor")
	case data.ReasonBeforeRestore:
		return lang.X("safety.reason.prerestore", "antes de restaurar otra copia")
	}
	return r
}

// humanSize writes a size the Chilean way: 1,2 MB.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return commaDecimal(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func commaDecimal(s string) string {
	for i := range len(s) {
		if s[i] == '.' {
			return s[:i] + "," + s[i+1:]
		}
	}
	return s
}
