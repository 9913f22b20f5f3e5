package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/atomicfile"
	"comunidad/app/userfile"
	"comunidad/data"
)

// prefGenerateDir remembers the folder the users file was last saved in.
const prefGenerateDir = "userfile.lastdir"

// generateRun is one "Generar usuarios", from the confirmation to the
// result: plan (how many accounts), confirm, create the accounts and build
// the workbook with a progress bar, save it where the user says, and show
// what was done. Its channels let tests follow the steps.
type generateRun struct {
	u       *UI
	c       data.Community
	unitIDs []int64

	plan data.AccountsReport
	rep  data.AccountsReport
	file []byte // the workbook, built before the save dialog asks where
	path string // where it was saved; "" until then

	confirm  *dialog.ConfirmDialog
	progress *dialog.CustomDialog
	bar      *widget.ProgressBar
	cancel   *widget.Button
	save     *saveAs
	result   *dialog.CustomDialog
	open     func(path string) error // u.openPath; tests replace it

	planned   chan struct{} // closed when the confirmation (or an error) is shown
	generated chan struct{} // closed when the accounts exist and the save dialog is shown
	saved     chan struct{} // closed when the result is shown after the first save
}

// onGenerateUsers acts on the units with the given ids (all units when empty).
func (u *UI) onGenerateUsers(unitIDs []int64) {
	u.startGenerate(unitIDs)
}

func (u *UI) startGenerate(unitIDs []int64) *generateRun {
	r := &generateRun{
		u: u, c: u.Community(), unitIDs: unitIDs, open: u.openPath,
		planned: make(chan struct{}), generated: make(chan struct{}), saved: make(chan struct{}),
	}
	if r.c.ID == 0 {
		close(r.planned)
		return r
	}
	background(func() {
		plan, err := u.flows().PlanAccounts(context.Background(), r.c, unitIDs)
		fyne.Do(func() {
			defer close(r.planned)
			if err != nil {
				u.showError(err)
				return
			}
			r.plan = plan
			r.showConfirm()
		})
	})
	return r
}

// showConfirm says how many accounts will be created and who is left out.
func (r *generateRun) showConfirm() {
	p := r.plan
	var lines []string
	if len(r.unitIDs) == 0 {
		lines = append(lines, lang.X("userfile.confirm.scope.all", "Todas las unidades de {{.Community}}: {{.N}}.", map[string]any{"Community": r.c.Name, "N": p.Units}))
	} else {
		lines = append(lines, lang.X("userfile.confirm.scope.selected", "Unidades seleccionadas de {{.Community}}: {{.N}}.", map[string]any{"Community": r.c.Name, "N": p.Units}))
	}
	switch n := len(p.Created); n {
	case 0:
		lines = append(lines, lang.X("userfile.confirm.new.none", "No hay cuentas nuevas que crear."))
	case 1:
		lines = append(lines, lang.X("userfile.confirm.new.one", "Se creará 1 cuenta nueva en el portal."))
	default:
		lines = append(lines, lang.X("userfile.confirm.new.many", "Se crearán {{.N}} cuentas nuevas en el portal.", map[string]any{"N": n}))
	}
	if n := len(p.Existing); n > 0 {
		lines = append(lines, lang.X("userfile.confirm.existing", "Cuentas que ya existen: {{.N}}.", map[string]any{"N": n}))
	}
	if n := len(p.Excluded); n > 0 {
		why := map[string]any{"N": n, "NoEmail": p.Count(data.ReasonNoEmail), "Invalid": p.Count(data.ReasonInvalidEmail), "Shared": p.Count(data.ReasonSharedEmail)}
		if n == 1 {
			lines = append(lines, lang.X("userfile.confirm.excluded.one", "1 persona quedará sin cuenta (sin correo: {{.NoEmail}}; correo inválido: {{.Invalid}}; correo compartido: {{.Shared}}).", why))
		} else {
			lines = append(lines, lang.X("userfile.confirm.excluded", "{{.N}} personas quedarán sin cuenta (sin correo: {{.NoEmail}}; correo inválido: {{.Invalid}}; correo compartido: {{.Shared}}).", why))
		}
	}
	if p.NotEligible > 0 {
		lines = append(lines, notEligibleText(p.NotEligible))
	}
	lines = append(lines, "", lang.X("userfile.confirm.question", "Luego podrá guardar el archivo Excel con todos los usuarios."))
	msg := widget.NewLabel(strings.Join(lines, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	r.confirm = dialog.NewCustomConfirm(lang.X("userfile.title", "Generar usuarios"),
		lang.X("userfile.confirm.ok", "Generar"), lang.X("userfile.cancel", "Cancelar"), msg,
		func(ok bool) {
			if ok {
				r.start(context.Background())
			}
		}, r.u.win)
	r.confirm.Resize(fyne.NewSize(520, 260))
	r.confirm.Show()
}

// start creates the accounts and builds the workbook off the UI goroutine,
// with a progress bar and a cancel button. Both happen in one transaction:
// a cancel leaves no account behind.
func (r *generateRun) start(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	r.bar = widget.NewProgressBar()
	label := widget.NewLabel(lang.X("userfile.progress", "Creando las cuentas y escribiendo el archivo…"))
	r.cancel = widget.NewButtonWithIcon(lang.X("userfile.cancel", "Cancelar"), theme.CancelIcon(), func() {
		r.cancel.Disable()
		cancel()
	})
	r.progress = dialog.NewCustomWithoutButtons(lang.X("userfile.title", "Generar usuarios"),
		container.NewVBox(label, r.bar, container.NewCenter(r.cancel)), r.u.win)
	r.progress.Resize(fyne.NewSize(460, 160))
	r.progress.Show()
	background(func() {
		defer cancel()
		var buf bytes.Buffer
		rep, err := r.u.flows().GenerateUsers(ctx, r.c, r.unitIDs, &buf, func(done, total int) {
			if total > 0 {
				fyne.Do(func() { r.bar.SetValue(float64(done) / float64(total)) })
			}
		})
		fyne.Do(func() {
			defer close(r.generated)
			r.progress.Hide()
			switch {
			case errors.Is(err, context.Canceled):
				dialog.ShowInformation(lang.X("userfile.title", "Generar usuarios"),
					lang.X("userfile.cancelled", "Cancelado: no se creó ninguna cuenta ni se escribió el archivo."), r.u.win)
				return
			case err != nil:
				r.u.showError(fmt.Errorf("%s: %w", lang.X("userfile.failed", "No se generaron los usuarios (no se creó ninguna cuenta)"), err))
				return
			}
			r.rep, r.file = rep, buf.Bytes()
			r.showSave()
			// The tab, behind the dialog, shows the new accounts' state.
			r.u.SelectCommunity(r.c.ID)
		})
	})
}

// showSave asks where to keep the workbook, proposing
// usuarios-<comunidad>-<fecha>.xlsx in the folder used last time. A full
// path may be typed; closing it without saving shows the result, which
// offers to save again (the accounts exist already).
func (r *generateRun) showSave() {
	r.save = r.u.showSaveAs(lang.X("userfile.save.title", "Guardar el archivo de usuarios"),
		r.u.app.Preferences().String(prefGenerateDir), userfile.DefaultName(r.c.Name, time.Now()), ".xlsx",
		r.savePath, r.showResult)
}

// savePath writes the workbook to path atomically, off the UI goroutine.
// Tests call it directly in place of the save dialog.
func (r *generateRun) savePath(path string) {
	background(func() {
		err := atomicfile.WriteFile(path, r.file)
		if err != nil {
			removeIfEmpty(path)
		}
		fyne.Do(func() { r.saveDone(path, err) })
	})
}

func (r *generateRun) saveDone(path string, err error) {
	defer signal(r.saved)
	if err != nil {
		// The workbook is still in memory: another folder writes it, nothing
		// is generated again.
		r.u.showWriteError(lang.X("userfile.save.failed", "Las cuentas se crearon, pero el archivo no se pudo guardar"), err,
			r.showSave, r.showResult)
		return
	}
	r.path = path
	if filepath.IsAbs(path) {
		r.u.app.Preferences().SetString(prefGenerateDir, filepath.Dir(path))
	}
	r.showResult()
}

// signal closes ch unless it is closed already (a file may be saved twice).
// Only the UI goroutine calls it.
func signal(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// removeIfEmpty removes the empty file a save dialog created for a write
// that then failed, so no empty "workbook" is left under the user's name.
func removeIfEmpty(path string) {
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() && info.Size() == 0 {
		os.Remove(path)
	}
}

// showResult says what was done: the counts, the file (with "Abrir"), and
// who was left without an account and why. When the file was not saved it
// offers to save it again: the accounts exist already.
func (r *generateRun) showResult() {
	rep := r.rep
	var top []fyne.CanvasObject
	add := func(s string, bold bool) {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
		l.Wrapping = fyne.TextWrapWord
		top = append(top, l)
	}
	add(lang.X("userfile.result.accounts", "Cuentas: {{.New}} nuevas, {{.Existing}} ya existían.",
		map[string]any{"New": len(rep.Created), "Existing": len(rep.Existing)}), true)
	if r.path != "" {
		add(lang.X("userfile.result.file", "Archivo: {{.Name}} ({{.Rows}} en {{.Units}}).",
			map[string]any{"Name": filepath.Base(r.path), "Rows": usersText(len(rep.Rows)), "Units": unitsText(rep.Units)}), false)
	} else {
		add(lang.X("userfile.result.notsaved", "El archivo no se guardó. Las cuentas ya se crearon: puede guardarlo ahora, o generarlo de nuevo más tarde sin que se repitan."), false)
	}
	if rep.NotEligible > 0 {
		add(notEligibleText(rep.NotEligible), false)
	}
	if len(rep.EmptyUnits) > 0 {
		codes := make([]string, 0, len(rep.EmptyUnits))
		for i, e := range rep.EmptyUnits {
			if i == 20 {
				codes = append(codes, "…")
				break
			}
			codes = append(codes, e.UnitCode)
		}
		add(lang.X("userfile.result.empty", "Unidades sin usuarios ({{.N}}): {{.Codes}}", map[string]any{"N": len(rep.EmptyUnits), "Codes": strings.Join(codes, ", ")}), false)
	}
	var body fyne.CanvasObject = container.NewVBox(top...)
	if n := len(rep.Excluded); n > 0 {
		head := widget.NewLabelWithStyle(lang.X("userfile.result.excluded", "Sin cuenta ({{.N}}):", map[string]any{"N": n}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		list := newWrapList(func() int { return len(rep.Excluded) }, func(i int) string { return exclusionLine(rep.Excluded[i]) })
		body = container.NewBorder(container.NewVBox(append(top, head)...), nil, nil, nil, list)
	}
	closeBtn := widget.NewButton(lang.X("userfile.close", "Cerrar"), nil)
	var action *widget.Button
	if r.path != "" {
		action = widget.NewButtonWithIcon(lang.X("userfile.open", "Abrir"), theme.FileIcon(), func() {
			if err := r.open(r.path); err != nil {
				r.u.showError(err)
			}
		})
	} else {
		action = widget.NewButtonWithIcon(lang.X("userfile.save", "Guardar archivo…"), theme.DocumentSaveIcon(), nil)
	}
	action.Importance = widget.HighImportance
	r.result = dialog.NewCustomWithoutButtons(lang.X("userfile.result.title", "Usuarios generados"), body, r.u.win)
	r.result.SetButtons([]fyne.CanvasObject{closeBtn, action})
	closeBtn.OnTapped = r.result.Hide
	if r.path == "" {
		action.OnTapped = func() {
			r.result.Hide()
			r.showSave()
		}
	}
	height := float32(220)
	if len(rep.Excluded) > 0 {
		height = 460
	}
	r.result.Resize(fyne.NewSize(640, height))
	r.result.Show()
}

// exclusionLine is one person left without an account, as the result lists it.
func exclusionLine(e data.Exclusion) string {
	who := e.FullName()
	if e.PersonID == 0 {
		who = lang.X("userfile.secondary", "Correo secundario")
	}
	if e.Email != "" {
		who += " <" + strings.TrimSpace(e.Email) + ">"
	}
	return strings.Join(e.Units, ", ") + " · " + strings.TrimSpace(who) + " — " + e.Message()
}

// notEligibleText says how many Kastor people get no account by design.
func notEligibleText(n int) string {
	return plural(n, "userfile.result.noteligible.one", "1 usuario de Kastor no es propietario ni cuenta principal: no se le crea cuenta.",
		"userfile.result.noteligible", "{{.N}} usuarios de Kastor no son propietarios ni cuenta principal: no se les crea cuenta.")
}
