package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad"
)

// component is one piece of third-party software the binary ships, with
// the licence it is distributed under.
type component struct {
	Name, Version, Licence, URL string
}

// moduleLicences names the licence of every module the build can link (from
// the LICENSE file each module ships). A module missing here is still
// listed, with a link to its licence on pkg.go.dev.
var moduleLicences = map[string]string{
	"fyne.io/fyne/v2":                  "BSD-3-Clause",
	"fyne.io/systray":                  "Apache-2.0",
	"github.com/BurntSushi/toml":       "MIT",
	"github.com/danieljoos/wincred":    "MIT",
	"github.com/emersion/go-sasl":      "MIT",
	"github.com/emersion/go-smtp":      "MIT",
	"github.com/fredbi/uri":            "MIT",
	"github.com/fsnotify/fsnotify":     "BSD-3-Clause",
	"github.com/fyne-io/image":         "BSD-3-Clause",
	"github.com/fyne-io/oksvg":         "BSD-3-Clause",
	"github.com/go-gl/gl":              "MIT",
	"github.com/go-gl/glfw/v3.3/glfw":  "BSD-3-Clause (GLFW: zlib)",
	"github.com/go-text/render":        "BSD-3-Clause / Unlicense",
	"github.com/go-text/typesetting":   "BSD-3-Clause / Unlicense",
	"github.com/godbus/dbus/v5":        "BSD-2-Clause",
	"github.com/gofrs/flock":           "BSD-3-Clause",
	"github.com/jeandeaual/go-locale":  "MIT",
	"github.com/jsummers/gobmp":        "MIT",
	"github.com/mattn/go-sqlite3":      "MIT (SQLite: dominio público)",
	"github.com/nfnt/resize":           "ISC",
	"github.com/nicksnyder/go-i18n/v2": "MIT",
	"github.com/phpdave11/gofpdi":      "MIT",
	"github.com/pkg/errors":            "BSD-2-Clause",
	"github.com/richardlehane/mscfb":   "Apache-2.0",
	"github.com/richardlehane/msoleps": "Apache-2.0",
	"github.com/rymdport/portal":       "Apache-2.0",
	"github.com/signintech/gopdf":      "MIT",
	"github.com/srwiley/oksvg":         "BSD-3-Clause",
	"github.com/srwiley/rasterx":       "BSD-3-Clause",
	"github.com/tiendc/go-deepcopy":    "MIT",
	"github.com/wneessen/go-mail":      "MIT",
	"github.com/xuri/efp":              "BSD-3-Clause",
	"github.com/xuri/excelize/v2":      "BSD-3-Clause",
	"github.com/xuri/nfp":              "BSD-3-Clause",
	"github.com/yuin/goldmark":         "MIT",
	"github.com/zalando/go-keyring":    "MIT",
	"golang.org/x/crypto":              "BSD-3-Clause",
	"golang.org/x/image":               "BSD-3-Clause",
	"golang.org/x/net":                 "BSD-3-Clause",
	"golang.org/x/sys":                 "BSD-3-Clause",
	"golang.org/x/text":                "BSD-3-Clause",
	"gopkg.in/yaml.v3":                 "MIT / Apache-2.0",
}

// bundled is what ships inside the binary without being a Go module of its
// own: the C libraries compiled in and Fyne's fonts.
var bundled = []component{
	{"Go", "", "BSD-3-Clause", "https://go.dev/LICENSE"},
	{"SQLite", "", "Dominio público", "https://www.sqlite.org/copyright.html"},
	{"GLFW", "", "zlib", "https://www.glfw.org/license.html"},
	{"Carlito (fuente de las cartas)", "20220224", "SIL OFL 1.1", "https://github.com/googlefonts/carlito/blob/main/OFL.txt"},
	{"Noto Sans (fuente)", "", "SIL OFL 1.1", "https://fonts.google.com/noto/specimen/Noto+Sans/license"},
	{"Inter (fuente)", "", "SIL OFL 1.1", "https://github.com/rsms/inter/blob/master/LICENSE.txt"},
	{"DejaVu Sans Mono (fuente)", "", "Bitstream Vera / dominio público", "https://dejavu-fonts.github.io/License.html"},
	{"EmojiOne Color (fuente)", "", "CC BY 4.0", "https://github.com/adobe-fonts/emojione-color/blob/master/LICENSE.md"},
}

// shippedComponents lists the modules linked into this binary (from its
// build information, so the list is always the one actually shipped) and
// the bundled C libraries and fonts.
func shippedComponents() []component {
	var out []component
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			m := d
			if d.Replace != nil {
				m = d.Replace
			}
			lic, ok := moduleLicences[d.Path]
			if !ok {
				lic = "—"
			}
			out = append(out, component{
				Name: d.Path, Version: m.Version, Licence: lic,
				URL: "https://pkg.go.dev/" + d.Path + "@" + m.Version + "?tab=licenses",
			})
		}
	}
	if len(out) == 0 { // built without module information
		for path, lic := range moduleLicences {
			out = append(out, component{Name: path, Licence: lic, URL: "https://pkg.go.dev/" + path + "?tab=licenses"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return append(out, bundled...)
}

// dataFolder is the folder that holds the open database (and its backups).
func (u *UI) dataFolder() string {
	return filepath.Dir(storePath(u.st))
}

func (u *UI) openDataFolder() {
	if err := u.openPath(u.dataFolder()); err != nil {
		u.showError(err)
	}
}

// aboutContent is the body of "Acerca de": name, version, data folder and
// the licences of what the binary ships.
func (u *UI) aboutContent() fyne.CanvasObject {
	m := comunidad.AppMeta()
	name := widget.NewLabelWithStyle(m.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	version := widget.NewLabel(lang.X("safety.about.version", "Versión {{.Version}} (compilación {{.Build}})",
		map[string]any{"Version": m.Version, "Build": m.Build}))
	head := container.NewVBox(name, version)
	if site, err := url.Parse(m.Website); err == nil && m.Website != "" {
		head.Add(widget.NewHyperlink(m.Website, site))
	}
	var top fyne.CanvasObject = head
	if res := u.app.Icon(); res != nil {
		icon := widget.NewIcon(res)
		top = container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(64, 64), icon), nil, head)
	}

	folder := widget.NewLabel(u.dataFolder())
	folder.Wrapping = fyne.TextWrapBreak
	open := widget.NewButtonWithIcon(lang.X("safety.about.open", "Abrir carpeta"), theme.FolderOpenIcon(), u.openDataFolder)
	dataBox := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(lang.X("safety.about.folder", "Carpeta de datos:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		open, folder)

	comps := shippedComponents()
	list := widget.NewList(
		func() int { return len(comps) },
		func() fyne.CanvasObject {
			n := widget.NewLabel("github.com/xuri/excelize/v2 v2.11.1")
			n.Truncation = fyne.TextTruncateEllipsis
			l := widget.NewLabel("BSD-3-Clause / Unlicense")
			link := widget.NewHyperlink(lang.X("safety.about.licence", "licencia"), nil)
			return container.NewBorder(nil, nil, nil, container.NewHBox(l, link), n)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := comps[i]
			row := o.(*fyne.Container)
			n := row.Objects[0].(*widget.Label)
			right := row.Objects[1].(*fyne.Container)
			n.SetText(strings.TrimSpace(c.Name + " " + c.Version))
			right.Objects[0].(*widget.Label).SetText(c.Licence)
			link := right.Objects[1].(*widget.Hyperlink)
			if err := link.SetURLFromString(c.URL); err != nil {
				link.Hide()
			}
		},
	)
	licHead := widget.NewLabelWithStyle(lang.X("safety.about.licences", "Software de terceros incluido y sus licencias"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	note := widget.NewLabel(lang.X("safety.about.note", "Comunidad incluye estos componentes; cada uno se distribuye bajo su propia licencia."))
	note.Wrapping = fyne.TextWrapWord
	return container.NewBorder(
		container.NewVBox(top, widget.NewSeparator(), dataBox, widget.NewSeparator(), licHead, note),
		nil, nil, nil, list)
}

func (u *UI) showAbout() {
	d := dialog.NewCustom(lang.X("safety.about.title", "Acerca de Comunidad"), lang.X("safety.about.close", "Cerrar"), u.aboutContent(), u.win)
	d.Resize(fyne.NewSize(760, 620))
	d.Show()
}

// String is how a component reads in tests and logs.
func (c component) String() string {
	return fmt.Sprintf("%s %s (%s)", c.Name, c.Version, c.Licence)
}
