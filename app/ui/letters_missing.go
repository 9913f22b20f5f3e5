package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

// missingBox says which settings a letter would print empty and links to
// the section of Configuración where each is filled in; the download and
// send dialogs show it instead of letting such letters go.
type missingBox struct {
	u     *UI
	text  *widget.Label
	links *fyne.Container
	box   *fyne.Container
	close func() // hides the dialog the box is in, before going to Configuración
}

func newMissingBox(u *UI) *missingBox {
	m := &missingBox{u: u, text: widget.NewLabel(""), links: container.NewHBox()}
	m.text.Wrapping = fyne.TextWrapWord
	m.text.Importance = widget.DangerImportance
	m.box = container.NewVBox(m.text, m.links)
	m.box.Hide()
	return m
}

// show lists miss (nothing: the box hides).
func (m *missingBox) show(miss []letter.Setting) {
	if len(miss) == 0 {
		m.box.Hide()
		return
	}
	labels := make([]string, len(miss))
	var sections []string
	for i, s := range miss {
		labels[i] = settingLabel(s)
		if !slices.Contains(sections, s.Section) {
			sections = append(sections, s.Section)
		}
	}
	m.text.SetText(lang.X("letter.holes", "La carta quedaría con datos en blanco: {{.Fields}}. Complételos en Configuración antes de generarla o enviarla.",
		map[string]any{"Fields": strings.Join(labels, ", ")}))
	m.links.Objects = nil
	for _, sec := range sections {
		title := configSectionTitle(sec)
		m.links.Add(widget.NewButtonWithIcon(lang.X("letter.holes.go", "Ir a Configuración → {{.Section}}", map[string]any{"Section": title}),
			theme.SettingsIcon(), func() {
				if m.close != nil {
					m.close()
				}
				m.u.showConfigSection(title)
			}))
	}
	m.links.Refresh()
	m.box.Show()
}

// configSectionTitle is a letter.Section as the Configuración list names it.
func configSectionTitle(section string) string {
	if section == letter.SectionCommunity {
		return lang.X("config.community.title", "Comunidad")
	}
	return lang.X("letter.section", "Carta de bienvenida")
}

// showConfigSection brings the Configuración tab forward on the section
// with the given title.
func (u *UI) showConfigSection(title string) {
	if u.tabs == nil || u.config == nil {
		return
	}
	for i, s := range u.config.sections {
		if s.title() == title {
			u.tabs.SelectIndex(1)
			u.config.list.Select(i)
			return
		}
	}
}

// settingLabel is a letter setting's name in the user's language.
func settingLabel(s letter.Setting) string {
	switch s.Field {
	case "direccion_comunidad":
		return lang.X("letter.setting.address", "Dirección de la comunidad")
	case "administrador":
		return lang.X("letter.setting.admin", "Nombre del administrador")
	case "correo_administrador":
		return lang.X("letter.setting.email", "Correo del administrador")
	case "telefono_administrador":
		return lang.X("letter.setting.phone", "Teléfono del administrador")
	case "portal":
		return lang.X("letter.setting.portal", "Portal de residentes")
	}
	return s.Label
}

// casesText says how many recipients are in each account case: what the
// download and send dialogs tell before anything is written or sent.
func casesText(n map[letter.Account]int) string {
	return lang.X("letter.cases", "Con cuenta en el portal: {{.Has}} · cuenta por crear (al generar los usuarios): {{.Will}} · sin cuenta: {{.No}}.",
		map[string]any{"Has": n[letter.HasAccount], "Will": n[letter.WillAccount], "No": n[letter.NoAccount]})
}

// noUnitsText is what a dialog with no units selected says until «Todas
// las unidades» is checked.
func noUnitsText() string {
	return lang.X("letter.no.units", "No hay unidades seleccionadas: elija una o más en la tabla, o marque «Todas las unidades» para toda la comunidad.")
}

// countUnits is the community's units that are not archived.
func countUnits(ctx context.Context, st interface {
	Units(ctx context.Context, community int64) ([]data.Unit, error)
}, community int64) (int, error) {
	us, err := st.Units(ctx, community)
	n := 0
	for _, u := range us {
		if !u.Archived {
			n++
		}
	}
	return n, err
}
