package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

// letterChoices are the «Unidades» and «Destinatarios» rows the download
// and the send dialogs share, worded alike in both, and the memory of the
// choices each dialog makes, per community.
type letterChoices struct {
	u      *UI
	c      data.Community
	dialog string // "download" or "send": each dialog remembers its own

	units      *widget.Label // «Unidades seleccionadas (3)», when units were selected
	all        *widget.Check // with none: the explicit «Todas las unidades (240)»
	recipients *widget.RadioGroup
	newOnly    *widget.Label // instead of recipients, for the newcomers
	newcomers  bool

	// restoring is set while the dialog fills in its choices itself, so
	// that only the administrator's own changes are remembered.
	restoring bool
}

func newLetterChoices(u *UI, dialog string, unitIDs []int64, newcomers bool, onChange func()) *letterChoices {
	lc := &letterChoices{u: u, c: u.community, dialog: dialog, newcomers: newcomers}
	lc.units = widget.NewLabel(selectedUnitsText(len(unitIDs)))
	lc.all = widget.NewCheck(lang.X("letter.all.units.counting", "Todas las unidades"), func(bool) { onChange() })
	// Nothing goes to the whole community by default: the check is never
	// remembered, and the dialogs' action is then not the default button.
	if len(unitIDs) > 0 {
		lc.all.Hide()
	} else {
		lc.units.Hide()
	}
	lc.recipients = widget.NewRadioGroup([]string{
		lang.X("letter.recipients.main", "Cuenta principal de cada unidad"),
		lang.X("letter.recipients.all", "Todos los usuarios de cada unidad"),
	}, func(string) {
		if !lc.restoring {
			lc.setPref("recipients", lc.recipientsKey())
		}
		onChange()
	})
	lc.recipients.Required = true
	lc.newOnly = widget.NewLabel(lang.X("letter.recipients.new", "Las personas nuevas desde la última importación"))
	lc.restoring = true
	lc.recipients.SetSelected(lc.recipients.Options[0])
	if lc.pref("recipients") == "all" {
		lc.recipients.SetSelected(lc.recipients.Options[1])
	}
	lc.restoring = false
	if newcomers {
		lc.recipients.Hide()
	} else {
		lc.newOnly.Hide()
	}
	return lc
}

// selectedUnitsText is «Unidades seleccionadas (3)».
func selectedUnitsText(n int) string {
	return lang.X("letter.selected.units", "Unidades seleccionadas ({{.N}})", map[string]any{"N": n})
}

// setAllUnits names the count on «Todas las unidades (240)»: the units
// that are not archived, in both dialogs.
func (lc *letterChoices) setAllUnits(n int) {
	lc.all.Text = lang.X("letter.all.units", "Todas las unidades ({{.N}})", map[string]any{"N": n})
	lc.all.Refresh()
}

func (lc *letterChoices) unitsRow() fyne.CanvasObject { return container.NewVBox(lc.units, lc.all) }

func (lc *letterChoices) recipientsRow() fyne.CanvasObject {
	return container.NewVBox(lc.recipients, lc.newOnly)
}

func (lc *letterChoices) who() letter.Recipients {
	if lc.newcomers || lc.recipients.Selected == lc.recipients.Options[1] {
		return letter.AllUsers
	}
	return letter.MainAccount
}

func (lc *letterChoices) recipientsKey() string {
	if lc.recipients.Selected == lc.recipients.Options[1] {
		return "all"
	}
	return "main"
}

// chooseTemplate offers the templates and selects the one used last in
// this dialog for this community, or else the default (the first).
func (lc *letterChoices) chooseTemplate(sel *widget.Select, ts []data.Template) {
	lc.restoring = true
	defer func() { lc.restoring = false }()
	chooseTemplates(sel, ts)
	last := lc.pref("template")
	for _, t := range ts {
		if t.Name == last && last != sel.Selected {
			sel.SetSelected(last)
		}
	}
}

// templateChanged remembers the administrator's choice of letter.
func (lc *letterChoices) templateChanged(name string) {
	if !lc.restoring && name != "" {
		lc.setPref("template", name)
	}
}

// prefKey keeps a choice per database (its installation id), community
// and dialog, in the app's preferences beside the printer and the folders.
func (lc *letterChoices) prefKey(name string) string {
	return "letters." + lc.dialog + "." + name + ":" + lc.u.identity + ":" + strconv.FormatInt(lc.c.ID, 10)
}

func (lc *letterChoices) pref(name string) string {
	return lc.u.app.Preferences().String(lc.prefKey(name))
}

func (lc *letterChoices) setPref(name, v string) {
	lc.u.app.Preferences().SetString(lc.prefKey(name), v)
}

func (lc *letterChoices) boolPref(name string) bool {
	return lc.u.app.Preferences().Bool(lc.prefKey(name))
}

func (lc *letterChoices) setBoolPref(name string, v bool) {
	lc.u.app.Preferences().SetBool(lc.prefKey(name), v)
}
