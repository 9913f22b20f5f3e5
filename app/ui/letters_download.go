package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/app/printers"
	"comunidad/app/workflow"
	"comunidad/data"
)

// letterDownload is the dialog: template, recipients and output in one
// place; then the letters are written with a progress bar, and "Abrir" and
// "Imprimir" are offered.
type letterDownload struct {
	u       *UI
	c       data.Community
	unitIDs []int64

	choices    *letterChoices
	template   *widget.Select
	recipients *widget.RadioGroup // choices.recipients
	output     *widget.RadioGroup
	summary    *widget.Label
	holes      *missingBox   // the settings the letter would print empty
	all        *widget.Check // choices.all: with no unit selected, the explicit «Todas las unidades (N)»
	newcomers  bool          // only the people who arrived with the latest import
	skipped    *widget.Label
	generate   *widget.Button
	dlg        dialog.Dialog

	templates []data.Template
	rows      []data.UserRow
	settings  letter.Settings
	accounts  map[int64]data.PersonAccount
	news      []data.MemberKey // the newcomers of the latest import
	sel       letter.Selection

	// Set while and after the letters are written.
	bar      *widget.ProgressBar
	progress *widget.Label
	cancel   context.CancelFunc
	stop     *widget.Button // the progress dialog's "Cancelar"
	result   dialog.Dialog
	paths    []string       // the files written
	dest     string         // the folder or the combined file
	printer  *widget.Select // the result's printer picker
	printBtn *widget.Button
	printed  chan struct{} // tests: told when a print ends, when set
	loaded   chan struct{} // closed once the choices are filled in
	done     chan struct{} // closed once the letters are written and the result shown
}

func (u *UI) newLetterDownload(unitIDs []int64) *letterDownload {
	return u.newLetterDownloadFor(unitIDs, false)
}

// newLetterDownloadFor is the dialog for the units; with newcomers, for
// the people of those units who arrived with the latest import.
func (u *UI) newLetterDownloadFor(unitIDs []int64, newcomers bool) *letterDownload {
	d := &letterDownload{u: u, c: u.community, unitIDs: unitIDs, newcomers: newcomers, loaded: make(chan struct{}), done: make(chan struct{})}
	d.choices = newLetterChoices(u, "download", unitIDs, newcomers, func() { d.update() })
	d.recipients, d.all = d.choices.recipients, d.choices.all
	d.template = widget.NewSelect(nil, func(name string) {
		d.choices.templateChanged(name)
		d.update()
	})
	d.template.PlaceHolder = lang.X("letter.template.choose", "Elegir plantilla") // Fyne's is English
	d.output = widget.NewRadioGroup([]string{
		lang.X("letter.download.folder", "Un PDF por destinatario, en una carpeta"),
		lang.X("letter.download.combined", "Un solo PDF con todas las cartas (para imprimir)"),
	}, func(string) {
		if !d.choices.restoring && d.output != nil {
			out := "folder"
			if d.combined() {
				out = "combined"
			}
			d.choices.setPref("output", out)
		}
	})
	d.output.Required = true
	d.choices.restoring = true
	d.output.SetSelected(d.output.Options[0])
	if d.choices.pref("output") == "combined" {
		d.output.SetSelected(d.output.Options[1])
	}
	d.choices.restoring = false
	d.summary = widget.NewLabel(lang.X("letter.download.counting", "Calculando destinatarios…"))
	d.summary.Wrapping = fyne.TextWrapWord
	d.skipped = widget.NewLabel("")
	d.skipped.Wrapping = fyne.TextWrapWord
	d.generate = widget.NewButtonWithIcon(lang.X("letter.download.go", "Generar PDF…"), theme.DocumentSaveIcon(), d.onGenerate)
	d.generate.Disable()
	if len(unitIDs) > 0 {
		d.generate.Importance = widget.HighImportance
	}
	cancel := widget.NewButton(lang.X("letter.cancel", "Cancelar"), func() { d.dlg.Hide() })

	form := widget.NewForm(
		widget.NewFormItem(lang.X("letter.download.units", "Unidades"), d.choices.unitsRow()),
		widget.NewFormItem(lang.X("letter.download.template", "Plantilla"), d.template),
		widget.NewFormItem(lang.X("letter.download.recipients", "Destinatarios"), d.choices.recipientsRow()),
		widget.NewFormItem(lang.X("letter.download.output", "Archivos"), d.output),
	)
	d.holes = newMissingBox(d.u)
	d.holes.close = func() { d.dlg.Hide() }
	body := container.NewBorder(container.NewVBox(form, widget.NewSeparator(), d.summary, d.holes.box), nil, nil, nil,
		container.NewVScroll(d.skipped))
	d.dlg = dialog.NewCustomWithoutButtons(lang.X("letter.download.title", "Descargar carta de bienvenida"),
		container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, d.generate), nil, nil, body), u.win)
	d.dlg.Resize(fyne.NewSize(620, 480))
	u.closeOnEscape(d.dlg, nil)
	d.dlg.Show()
	d.load()
	return d
}

// load reads the templates (the suggested ones the first time), the letter
// settings and the users off the UI goroutine.
func (d *letterDownload) load() {
	flows, c, st := d.u.flows(), d.c, d.u.st
	go func() {
		ld, err := flows.LoadLetterData(context.Background(), c.ID)
		n, nerr := countUnits(context.Background(), st, c.ID)
		ts, set, rows, acc, news := ld.Templates, ld.Settings, ld.Rows, ld.Accounts, ld.Newcomers
		fyne.Do(func() {
			defer close(d.loaded)
			if err = errors.Join(err, nerr); err != nil {
				d.summary.SetText(errorText(err))
				return
			}
			d.templates, d.settings, d.rows, d.accounts, d.news = ts, set, rows, acc, news
			d.choices.setAllUnits(n)
			d.choices.chooseTemplate(d.template, ts)
			d.update()
		})
	}()
}

func (d *letterDownload) who() letter.Recipients { return d.choices.who() }

func (d *letterDownload) combined() bool { return d.output.Selected == d.output.Options[1] }

func (d *letterDownload) chosen() (data.Template, bool) {
	for _, t := range d.templates {
		if t.Name == d.template.Selected {
			return t, true
		}
	}
	return data.Template{}, false
}

// update counts the letters for the choices and lists the units left out.
func (d *letterDownload) update() {
	if d.rows == nil && d.templates == nil {
		return
	}
	d.sel = letter.SelectRecipients(d.rows, d.unitIDs, d.who())
	if d.newcomers {
		d.sel = letter.SelectRecipients(d.rows, d.unitIDs, letter.AllUsers).Keep(workflow.NewcomersIn(d.news, d.unitIDs))
	}
	t, ok := d.chosen()
	var msg string
	switch {
	case len(d.unitIDs) == 0 && !d.all.Checked && !d.newcomers:
		msg = noUnitsText()
		ok = false
	case !ok:
		msg = lang.X("letter.download.notemplate", "Elija una plantilla.")
	case len(letter.CheckLetter(letter.FromData(t))) > 0:
		msg = lang.X("letter.download.broken", "La plantilla «{{.Name}}» tiene errores: corríjala en Configuración → Carta de bienvenida.", map[string]any{"Name": t.Name})
		ok = false
	case len(d.sel.Rows) == 0:
		msg = lang.X("letter.download.none", "Las unidades elegidas no tienen a quién dirigir la carta.")
		ok = false
	default:
		msg = plural(len(d.sel.Rows), "letter.download.count.one", "Se generará 1 carta.", "letter.download.count", "Se generarán {{.N}} cartas.")
		msg += " " + casesText(workflow.CountCases(d.sel.Rows, d.accounts))
	}
	var miss []letter.Setting
	if ok {
		miss, _ = workflow.Letters{Community: d.c, Template: t, Settings: d.settings}.Missing()
		ok = len(miss) == 0 // a letter with holes is not generated
	}
	d.holes.show(miss)
	d.summary.SetText(msg)
	var lines []string
	if len(d.sel.Skipped) > 0 {
		lines = append(lines, lang.X("letter.download.skipped", "Sin destinatario (la unidad no tiene usuarios o cuenta principal):"))
		for _, r := range d.sel.Skipped {
			lines = append(lines, "  • "+strings.TrimSpace(r.UnitCode+" "+r.UnitName))
		}
	}
	d.skipped.SetText(strings.Join(lines, "\n"))
	if ok {
		d.generate.Enable()
	} else {
		d.generate.Disable()
	}
}

// prefLetterDir remembers the folder the combined letters PDF went to.
const prefLetterDir = "letters.lastdir"

// onGenerate asks where to write: a folder, or the combined file.
func (d *letterDownload) onGenerate() {
	if d.combined() {
		// A full path may be typed; the folder is remembered for next time.
		name := letter.FileName(data.UserRow{UnitCode: lang.X("letter.download.filename", "Cartas de bienvenida"), FirstNames: d.c.Name})
		d.u.showSaveAs(lang.X("letter.download.save.title", "Guardar las cartas en un PDF"),
			d.u.app.Preferences().String(prefLetterDir), name, ".pdf", func(path string) {
				d.u.app.Preferences().SetString(prefLetterDir, filepath.Dir(path))
				d.run(path)
			}, nil)
		return
	}
	fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			d.u.showError(err)
			return
		}
		if l == nil {
			return
		}
		d.run(l.Path())
	}, d.u.win)
	d.u.showFileDialog(fd)
}

// run writes the letters to dest (a folder, or the combined file) off the
// UI goroutine, with a progress bar and "Cancelar".
func (d *letterDownload) run(dest string) {
	t, ok := d.chosen()
	if !ok || len(d.sel.Rows) == 0 {
		return
	}
	if d.combined() && !strings.EqualFold(filepath.Ext(dest), ".pdf") {
		dest += ".pdf"
	}
	d.dlg.Hide()
	d.dest = dest
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.bar = widget.NewProgressBar()
	d.progress = widget.NewLabel(lang.X("letter.download.preparing", "Preparando las cartas…"))
	d.stop = widget.NewButton(lang.X("letter.cancel", "Cancelar"), nil)
	d.stop.OnTapped = func() {
		d.stop.Disable()
		d.progress.SetText(lang.X("letter.download.cancelling", "Cancelando…"))
		cancel()
	}
	prog := dialog.NewCustomWithoutButtons(lang.X("letter.download.writing", "Generando cartas de bienvenida"),
		container.NewVBox(d.progress, d.bar, container.NewCenter(d.stop)), d.u.win)
	prog.Resize(fyne.NewSize(480, 170))
	prog.Show()

	letters := workflow.Letters{Community: d.c, Template: t, Settings: d.settings, Selection: d.sel, Accounts: d.accounts}
	progress := func(done, total int) {
		fyne.Do(func() {
			d.bar.SetValue(float64(done) / float64(total))
			d.progress.SetText(lang.X("letter.download.progress", "{{.Done}} de {{.Total}} cartas", map[string]any{"Done": done, "Total": total}))
			if d.u.opts.DownloadProgress != nil {
				d.u.opts.DownloadProgress(done)
			}
		})
	}
	combined := d.combined()
	go func() {
		defer cancel()
		paths, err := letters.Write(ctx, dest, combined, progress)
		fyne.Do(func() {
			prog.Hide()
			d.paths = paths
			d.showResult(len(d.sel.Rows), err)
			close(d.done)
		})
	}()
}

// showResult says what was written, with "Abrir" and "Imprimir".
func (d *letterDownload) showResult(total int, err error) {
	switch {
	case errors.Is(err, context.Canceled):
		msg := lang.X("letter.download.cancelled", "Generación cancelada.")
		if !d.combined() && len(d.paths) > 0 {
			if len(d.paths) == 1 {
				msg += " " + lang.X("letter.download.partial.one", "Quedó 1 carta completa en {{.Path}}.", map[string]any{"Path": d.dest})
			} else {
				msg += " " + lang.X("letter.download.partial", "Quedaron {{.N}} cartas completas en {{.Path}}.", map[string]any{"N": len(d.paths), "Path": d.dest})
			}
		}
		dialog.ShowInformation(lang.X("letter.download.title", "Descargar carta de bienvenida"), msg, d.u.win)
		return
	case err != nil:
		d.u.showError(err)
		return
	}
	msg := plural(len(d.paths), "letter.download.done.one", "Se guardó 1 carta en:", "letter.download.done", "Se guardaron {{.N}} cartas en:")
	if d.combined() {
		msg = plural(total, "letter.download.done.combined.one", "Se guardó 1 carta en el archivo:", "letter.download.done.combined", "Se guardaron {{.N}} cartas en el archivo:")
	}
	text := widget.NewLabel(msg + "\n" + d.dest)
	text.Wrapping = fyne.TextWrapWord
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	open := widget.NewButtonWithIcon(lang.X("letter.download.open", "Abrir"), theme.FolderOpenIcon(), func() {
		if err := d.u.openPath(d.dest); err != nil {
			d.u.showError(err)
		}
	})
	printBtn := widget.NewButtonWithIcon(lang.X("letter.download.print", "Imprimir"), theme.DocumentPrintIcon(), nil)
	picker := widget.NewSelect(nil, nil)
	picker.PlaceHolder = printText(printers.Finding())
	picker.Disable()
	printBtn.Disable()
	d.printer, d.printBtn = picker, printBtn
	printBtn.OnTapped = func() {
		name := picker.Selected
		if name == "" {
			return
		}
		printBtn.Disable()
		status.SetText(lang.X("letter.print.sending", "Enviando a la impresora…"))
		paths := d.paths
		go func() {
			err := printFiles(context.Background(), name, paths)
			fyne.Do(func() {
				printBtn.Enable()
				if err != nil {
					status.SetText(err.Error())
				} else {
					// The choice is this computer's: kept in its preferences.
					d.u.app.Preferences().SetString(prefPrinter, name)
					status.SetText(plural(len(paths), "letter.print.sent.one", "Se envió 1 archivo a la impresora.", "letter.print.sent", "Se enviaron {{.N}} archivos a la impresora."))
				}
				if d.printed != nil {
					d.printed <- struct{}{}
				}
			})
		}()
	}
	last := d.u.app.Preferences().String(prefPrinter)
	// background, not go: tests run it in line, so its fyne.Do does not
	// update the picker while the test goroutine reads widgets.
	background(func() {
		list, err := printers.Printers(context.Background())
		p := printers.ForPicker(list, err, last) // which words, for this system: app/printers
		fyne.Do(func() {
			if !p.Ready() {
				picker.PlaceHolder = printText(p.Empty)
				picker.Refresh()
				status.SetText(p.Say(printText))
				return
			}
			picker.SetOptions(p.Names)
			picker.SetSelected(p.Selected)
			picker.Enable()
			printBtn.Enable()
		})
	})
	d.result = dialog.NewCustom(lang.X("letter.download.ready", "Cartas listas"), lang.X("letter.close", "Cerrar"),
		container.NewVBox(text, container.NewBorder(nil, nil, open, printBtn,
			container.NewBorder(nil, nil, widget.NewLabel(lang.X("letter.print.printer", "Impresora:")), nil, picker)), status), d.u.win)
	d.result.Resize(fyne.NewSize(600, 260))
	d.result.Show()
}

// String is for logs and tests.
func (d *letterDownload) String() string {
	return fmt.Sprintf("letterDownload(%s, %d units)", d.c.Name, len(d.unitIDs))
}

// chooseTemplates offers the templates' names in sel and selects the first,
// the default one (the letter dialogs start from it).
func chooseTemplates(sel *widget.Select, ts []data.Template) {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	sel.SetOptions(names)
	if len(names) > 0 {
		sel.SetSelected(names[0])
	}
}
