package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// upgradeNotice is Configuración → Carta de bienvenida's notice, shown
// once, after the suggested letters changed: the user's edited copies of
// an earlier suggested letter were left as they are (they tell nobody
// whether they have an account in the portal). «Restaurar carta sugerida»
// keeps the user's text as «… (versión anterior)» and brings the new
// letter; «Dejar mis cartas como están» closes the notice for good.
type upgradeNotice struct {
	s       *letterSection
	names   []string
	text    *widget.Label
	restore *widget.Button
	keep    *widget.Button
	box     *fyne.Container
}

func newUpgradeNotice(s *letterSection) *upgradeNotice {
	n := &upgradeNotice{s: s}
	n.text = widget.NewLabel("")
	n.text.Wrapping = fyne.TextWrapWord
	n.text.Importance = widget.WarningImportance
	n.restore = widget.NewButtonWithIcon(lang.X("letter.restore", "Restaurar carta sugerida"), theme.HistoryIcon(), n.onRestore)
	n.keep = widget.NewButton(lang.X("letter.upgrade.keep", "Dejar mis cartas como están"), n.onKeep)
	n.box = container.NewVBox(n.text, container.NewHBox(n.restore, n.keep), widget.NewSeparator())
	n.box.Hide()
	return n
}

// show is the notice for the names (hidden when there are none).
func (n *upgradeNotice) show(names []string) {
	n.names = names
	if len(names) == 0 {
		n.box.Hide()
		return
	}
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = "«" + name + "»"
	}
	n.text.SetText(lang.X("letter.upgrade.notice",
		"Las cartas sugeridas cambiaron: ahora dicen a cada destinatario si tiene cuenta en el portal, o cómo obtenerla. {{.Names}} tiene cambios suyos y se dejó como usted la escribió. «Restaurar carta sugerida» guarda su texto como «… (versión anterior)» y trae la carta nueva.",
		map[string]any{"Names": strings.Join(quoted, ", ")}))
	n.restore.Enable()
	n.keep.Enable()
	n.box.Show()
}

func (n *upgradeNotice) onRestore() {
	flows, c, names := n.s.u.flows(), n.s.c, n.names
	n.restore.Disable()
	n.keep.Disable()
	n.s.goJob(func() {
		ctx := context.Background()
		var kept []string
		var err error
		for _, name := range names {
			var k string
			if k, err = flows.RestoreSuggested(ctx, c.ID, name); err != nil {
				break
			}
			kept = append(kept, "«"+k+"»")
		}
		var ts []data.Template
		if err == nil {
			ts, err = flows.LetterTemplates(ctx, c.ID)
		}
		fyne.Do(func() {
			if err != nil {
				n.show(names)
				n.s.u.showError(err)
				return
			}
			n.show(nil)
			n.s.setTemplates(ts, 0)
			n.s.state.SetText(lang.X("letter.upgrade.restored", "Carta sugerida restaurada; su texto quedó en {{.Kept}}.",
				map[string]any{"Kept": strings.Join(kept, ", ")}))
		})
	})
}

func (n *upgradeNotice) onKeep() {
	flows, c := n.s.u.flows(), n.s.c
	n.restore.Disable()
	n.keep.Disable()
	n.s.goJob(func() {
		err := flows.DismissUpgradeNotice(context.Background(), c.ID)
		fyne.Do(func() {
			if err != nil {
				n.show(n.names)
				n.s.u.showError(err)
				return
			}
			n.show(nil)
		})
	})
}
