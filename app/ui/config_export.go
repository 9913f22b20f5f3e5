package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/workflow"
	"comunidad/data"
)

// onExportFile is «Exportar a archivo»: a SQLite copy of every community,
// or of the one on screen, that Comunidad opens as its own database; from
// this computer's file or from the office database alike. What it wrote is
// said in status.
func (u *UI) onExportFile(status *widget.Label) {
	all := len(u.communities)
	if all == 0 {
		status.SetText(lang.X("safety.export.nothing", "Esta base de datos no tiene comunidades que exportar."))
		return
	}
	name := func(ids []int64) string {
		what := "comunidades"
		if len(ids) == 1 {
			what = data.Slug(u.community.Name, "comunidad")
		}
		return what + "-" + time.Now().Format("2006-01-02") + ".db"
	}
	ask := func(ids []int64) {
		u.showSaveAs(lang.X("safety.export.save", "Exportar a un archivo"), exportFolder(), name(ids), ".db",
			func(path string) { u.exportTo(path, ids, status) }, nil)
	}
	if all == 1 || u.community.ID == 0 {
		ask(nil)
		return
	}
	every := lang.X("safety.export.all", "Todas las comunidades ({{.N}})", map[string]any{"N": all})
	one := lang.X("safety.export.one", "Solo {{.Name}}", map[string]any{"Name": u.community.Name})
	choice := widget.NewRadioGroup([]string{every, one}, nil)
	choice.Required = true
	choice.SetSelected(every)
	d := dialog.NewCustomConfirm(lang.X("safety.export.title", "Exportar a archivo"),
		lang.X("safety.export.next", "Elegir archivo…"), lang.X("units.form.cancel", "Cancelar"),
		container.NewVBox(widget.NewLabel(lang.X("safety.export.which", "¿Qué comunidades?")), choice),
		func(ok bool) {
			if !ok {
				return
			}
			if choice.Selected == one {
				ask([]int64{u.community.ID})
			} else {
				ask(nil)
			}
		}, u.win)
	u.closeOnEscape(d, nil)
	d.Show()
}

// exportFolder proposes the user's Documents folder, else home.
func exportFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	for _, d := range []string{"Documentos", "Documents"} {
		if info, err := os.Stat(filepath.Join(home, d)); err == nil && info.IsDir() {
			return filepath.Join(home, d)
		}
	}
	return home
}

func (u *UI) exportTo(path string, ids []int64, status *widget.Label) {
	prog := dialog.NewCustomWithoutButtons(lang.X("safety.export.running", "Exportando…"), widget.NewProgressBarInfinite(), u.win)
	prog.Show()
	flows := u.flows()
	background(func() {
		rep, err := flows.ExportFile(context.Background(), path, ids, nil)
		fyne.Do(func() {
			prog.Hide()
			var exists workflow.ErrExists
			switch {
			case errors.As(err, &exists):
				status.SetText(lang.X("safety.export.exists", "«{{.Name}}» ya existe: elija un nombre nuevo (la exportación no escribe sobre otro archivo).", map[string]any{"Name": filepath.Base(path)}))
			case err != nil:
				u.showError(err)
			case len(rep.Communities) == 1:
				status.SetText(lang.X("safety.export.done.one", "Comunidad {{.Names}} exportada a {{.Path}} ({{.Rows}} filas, verificadas). Comunidad lo abre como su propia base de datos, en este equipo o en otro.",
					map[string]any{"Names": rep.Communities[0], "Path": path, "Rows": rep.Rows()}))
			default:
				status.SetText(lang.X("safety.export.done", "{{.N}} comunidades exportadas a {{.Path}} ({{.Rows}} filas, verificadas). Comunidad lo abre como su propia base de datos, en este equipo o en otro.",
					map[string]any{"N": len(rep.Communities), "Path": path, "Rows": rep.Rows()}))
			}
		})
	})
}
