package ui

import (
	"context"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/workflow"
	"comunidad/data"
)

// confirm is the import's Confirm hook (app/workflow runs it off the UI
// goroutine, before anything is written): it shows the plan (units and
// people new, updated, unchanged, archived, restored; the observations)
// and asks. Each guard rail the import trips is shown with its own
// message and a check box naming its numbers; «Importar» stays disabled
// until every one is ticked. A new community (its name was just asked,
// with its counts) and an import that changes nothing go on without
// asking.
func (j *importJob) confirm(ctx context.Context, im *workflow.Import, target data.SyncTarget) (bool, error) {
	pv := im.Pending
	uc, pc := pv.Plan.UnitCounts, pv.Plan.PeopleCounts
	changes := uc.New+uc.Updated+uc.Archived+uc.Restored+pc.New+pc.Updated+pc.Archived+pc.Restored > 0
	if len(pv.Guards) == 0 && (pv.Community.ID == 0 || !changes) {
		return true, nil
	}
	answer := make(chan bool, 1)
	fyne.Do(func() { j.showPreview(pv, answer) })
	select {
	case ok := <-answer:
		if ok {
			fyne.Do(func() {
				j.status.SetText(lang.X("kastor.progress.saving", "Guardando en la base de datos…"))
				j.dlg.Show()
			})
		}
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func planLine(label string, c data.PlanCounts) string {
	return lang.X("kastor.preview.counts", "{{.What}}: {{.New}} nuevas, {{.Updated}} actualizadas, {{.Unchanged}} sin cambios, {{.Archived}} archivadas, {{.Restored}} restauradas",
		map[string]any{"What": label, "New": c.New, "Updated": c.Updated, "Unchanged": c.Unchanged, "Archived": c.Archived, "Restored": c.Restored})
}

func (j *importJob) showPreview(pv *workflow.Preview, answer chan<- bool) {
	j.dlg.Hide()
	bold := fyne.TextStyle{Bold: true}
	lines := []fyne.CanvasObject{
		widget.NewLabelWithStyle(lang.X("kastor.preview.community", "Se actualizará «{{.Name}}»", map[string]any{"Name": pv.Community.Name}), fyne.TextAlignLeading, bold),
		widget.NewLabel(planLine(lang.X("kastor.preview.units", "Unidades"), pv.Plan.UnitCounts)),
		widget.NewLabel(planLine(lang.X("kastor.preview.people", "Personas"), pv.Plan.PeopleCounts)),
		widget.NewLabel(lang.X("kastor.preview.problems", "Observaciones: {{.N}}", map[string]any{"N": len(pv.Plan.Problems)})),
	}
	var checks []*widget.Check
	var importBtn *widget.Button
	update := func(bool) {
		for _, c := range checks {
			if !c.Checked {
				importBtn.Disable()
				return
			}
		}
		importBtn.Enable()
	}
	for _, g := range pv.Guards {
		msg := widget.NewLabel(upperFirst(g.Message) + ".")
		msg.Importance = widget.DangerImportance
		msg.Wrapping = fyne.TextWrapWord
		c := widget.NewCheck(g.Confirm, update)
		checks = append(checks, c)
		lines = append(lines, widget.NewSeparator(), msg, c)
	}
	var d *dialog.CustomDialog
	done := false
	reply := func(ok bool) {
		if done {
			return
		}
		done = true
		d.Hide()
		answer <- ok
	}
	importBtn = widget.NewButton(lang.X("kastor.preview.import", "Importar"), func() { reply(true) })
	importBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.X("kastor.cancel", "Cancelar"), func() { reply(false) })
	update(false)
	body := container.NewVBox(append(lines, widget.NewSeparator(), container.NewHBox(cancel, importBtn))...)
	title := lang.X("kastor.preview.title", "Revisar la importación")
	if len(pv.Guards) > 0 {
		title = lang.X("kastor.preview.warning", "Revise antes de importar: esto puede ser un error")
	}
	d = dialog.NewCustomWithoutButtons(title, body, j.u.win)
	d.Resize(fyne.NewSize(720, 0))
	d.Show()
	j.u.importStepDone("preview")
}

// upperFirst capitalises a message's first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// onUndoImport is «Deshacer última importación»: it asks, then puts the
// community back as it was before its last import, unless something changed
// since (then it says what, and leaves everything as it is).
func (u *UI) onUndoImport() {
	c := u.community
	at, ok := u.flows().CanUndo(context.Background(), c.ID)
	if !ok {
		dialog.ShowError(errors.New(workflow.ErrNothingToUndo.Error()), u.win)
		u.undoStepDone("nothing")
		return
	}
	facts := map[string]any{"When": FormatDateTime(at), "Name": c.Name}
	msg := lang.X("kastor.undo.ask", "¿Deshacer la importación del {{.When}} en «{{.Name}}»? La comunidad vuelve a como estaba antes de ella (se hace antes una copia de seguridad del estado actual).", facts)
	if _, file := workflow.AsBackuper(u.st); !file {
		msg = lang.X("kastor.undo.ask.office", "¿Deshacer la importación del {{.When}} en «{{.Name}}»? La comunidad vuelve a como estaba antes de ella, para todos los equipos de la oficina; las demás comunidades no cambian.", facts)
	}
	d := dialog.NewConfirm(lang.X("kastor.undo.title", "Deshacer última importación"), msg, func(yes bool) {
		if !yes {
			u.undoStepDone("kept")
			return
		}
		flows := u.flows()
		background(func() {
			done, err := flows.UndoLastImport(context.Background(), c.ID)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s", lang.X("kastor.undo.failed", "No se deshizo nada: {{.Err}}", map[string]any{"Err": errorText(err)})), u.win)
					u.undoStepDone("refused")
					return
				}
				text := lang.X("kastor.undo.done", "La comunidad volvió a como estaba antes de la importación del {{.When}}.", map[string]any{"When": FormatDateTime(done.At)})
				if done.Removed {
					// The import had created it: it is gone.
					text = lang.X("kastor.undo.done.removed", "La importación del {{.When}} había creado «{{.Name}}»: la comunidad ya no está.", map[string]any{"When": FormatDateTime(done.At), "Name": c.Name})
					u.Reload()
				} else {
					u.SelectCommunity(c.ID)
				}
				dialog.ShowInformation(lang.X("kastor.undo.done.title", "Importación deshecha"), text, u.win)
				u.undoStepDone("undone")
			})
		})
	}, u.win)
	d.SetConfirmText(lang.X("kastor.undo.confirm", "Deshacer"))
	d.SetDismissText(lang.X("kastor.cancel", "Cancelar"))
	d.Show()
	u.undoStepDone("ask")
}

// undoStepDone tells Options.UndoStep (tests) what the undo shows.
func (u *UI) undoStepDone(s string) {
	if u.opts.UndoStep != nil {
		u.opts.UndoStep(s)
	}
}
