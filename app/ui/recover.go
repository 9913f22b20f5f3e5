package ui

import (
	"context"
	"image/color"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// Recovery is what the command offers when the database is damaged.
type Recovery struct {
	Problem error  // why the database is not used, already in words
	DBPath  string // the damaged database
	// Backup is the latest backup that passes the integrity check; nil when
	// there is none (then Restore is nil too).
	Backup *data.BackupInfo
	// Restore sets the damaged file aside, puts the backup in its place and
	// opens it. It runs off the UI goroutine.
	Restore func(ctx context.Context) (Store, error)
	// Open builds the normal window on the restored database (UI goroutine).
	Open func(st Store)
}

// RecoverScreen is the window's content when the database failed its
// integrity check: the app does not use it, says so, and offers the latest
// good backup.
func RecoverScreen(w fyne.Window, r Recovery) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.X("safety.recover.title", "La base de datos está dañada"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(lang.X("safety.recover.text", "Comunidad no la usará, para no empeorar el daño ni perder más datos."))
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	detail := widget.NewLabel(r.Problem.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.Alignment = fyne.TextAlignCenter
	detail.Importance = widget.LowImportance

	folder := widget.NewButtonWithIcon(lang.X("safety.recover.folder", "Abrir carpeta de datos"), theme.FolderOpenIcon(), func() {
		if err := openWithSystem(fyne.CurrentApp(), filepath.Dir(r.DBPath)); err != nil {
			dialog.ShowError(err, w)
		}
	})
	box := container.NewVBox(widget.NewIcon(theme.ErrorIcon()), heading, msg, detail)
	if r.Backup == nil || r.Restore == nil {
		none := widget.NewLabelWithStyle(lang.X("safety.recover.none", "No hay una copia de seguridad en buen estado de esta base de datos. El archivo no se modificó: consulte a soporte."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		none.Wrapping = fyne.TextWrapWord
		box.Add(none)
		box.Add(container.NewCenter(folder))
		return recoverLayout(box)
	}
	b := *r.Backup
	offer := widget.NewLabel(lang.X("safety.recover.offer",
		"La copia de seguridad en buen estado más reciente es del {{.When}}: {{.Contents}}. Al restaurarla, el archivo dañado se guarda aparte para soporte.",
		map[string]any{"When": FormatDateTime(b.Time), "Contents": backupContents(b.Communities, b.Units, b.People)}))
	offer.Wrapping = fyne.TextWrapWord
	offer.Alignment = fyne.TextAlignCenter
	var restore *widget.Button
	restore = widget.NewButtonWithIcon(lang.X("safety.recover.restore", "Restaurar esta copia"), theme.HistoryIcon(), func() {
		prog := dialog.NewCustomWithoutButtons(lang.X("safety.recover.restoring", "Restaurando la copia de seguridad…"), widget.NewProgressBarInfinite(), w)
		prog.Show()
		restore.Disable()
		go func() {
			st, err := r.Restore(context.Background())
			fyne.Do(func() {
				prog.Hide()
				if err != nil {
					restore.Enable()
					dialog.ShowError(err, w)
					return
				}
				r.Open(st)
			})
		}()
	})
	restore.Importance = widget.HighImportance
	box.Add(offer)
	box.Add(container.NewCenter(container.NewHBox(restore, folder)))
	return recoverLayout(box)
}

// recoverLayout centres box vertically with margins at the sides, so its
// wrapped texts take the window's width.
func recoverLayout(box *fyne.Container) fyne.CanvasObject {
	side := func() fyne.CanvasObject {
		r := canvas.NewRectangle(color.Transparent)
		r.SetMinSize(fyne.NewSize(120, 0))
		return r
	}
	return container.NewBorder(nil, nil, side(), side(),
		container.NewVBox(layout.NewSpacer(), box, layout.NewSpacer()))
}
