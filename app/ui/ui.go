package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/mailer"
	"comunidad/app/officedb"
	"comunidad/app/workflow"
	"comunidad/data"
)

// Options is what the command hands the interface.
type Options struct {
	Store Store
	// OpenDemo opens the demo community's own database (building it on first
	// use); the empty state offers it. Nil hides that button.
	OpenDemo func(ctx context.Context) (Store, error)
	// Secrets holds the SMTP passwords and Kastor tokens (the workflows key
	// them by the database's installation id); nil uses the OS credential
	// store, with its fallback file beside a file store or in the user's
	// data folder.
	Secrets mailer.Secrets
	// Demo is set when Store is the demo database (as OpenDemo's is): it
	// takes none of the credentials kept before installation ids, which
	// were the user's database's.
	Demo bool
	// Version is shown in "Acerca de".
	Version string
	// Databases lets Configuración → Base de datos change the database the
	// window works on (this computer's file or the office's); nil leaves
	// the choice out.
	Databases *Databases

	// What tests replace or observe; nil (false) in the application.
	//
	// ChooseExportFile stands for the file dialog "Importar datos" opens.
	ChooseExportFile func(onChosen func(path string))
	// ImportStep is told, on the UI goroutine, each time an import shows
	// something: "choose", "progress", "name", "report", "error" or
	// "cancelled".
	ImportStep func(step string)
	// UndoStep is told, on the UI goroutine, each time «Deshacer última
	// importación» shows something: "ask", "kept", "nothing", "refused" or
	// "undone".
	UndoStep func(step string)
	// SendStep is told, on the UI goroutine, each time a batch of emails
	// reports progress: widgets may be looked at then.
	SendStep func(step string)
	// DownloadProgress is told, on the UI goroutine, each time a letter of
	// a download is written.
	DownloadProgress func(done int)
	// KastorLoaded is called after Configuración → Kastor shows a load.
	KastorLoaded func()
	// PreviewNow renders the letter preview at each keystroke instead of
	// after a pause in typing.
	PreviewNow bool
}

// prefLastCommunity remembers, per database (its installation id), the
// community last opened.
const prefLastCommunity = "last_community"

// UI is the main window's content and the state it shows.
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options
	st   Store

	communities []data.Community
	community   data.Community // ID 0 while the database holds none

	title    *widget.Label
	selector *widget.Select
	status   *widget.Label
	body     *fyne.Container
	tabs     *container.AppTabs

	units  *unitsTab
	config *configTab

	identity string // the database's installation id (prefKey)

	running    *sendRun    // the batch of emails being sent, nil when none
	sendStatus *sendStatus // its progress in the status line, once sent behind
	quit       func()      // closes the window (tests watch it instead)
	escapes    []*func()   // hide the dialogs Escape closes, topmost last

	live liveState // other desktops' changes (live.go)

	office         *officedb.Config // the office database the window is on, nil for a file
	databaseDialog dialog.Dialog    // Base de datos opened from the empty window, nil when closed
	databaseInline *databaseSection // what that dialog shows
}

// New builds the window's content on w and loads the communities off the UI
// goroutine. Call w.SetContent(u.Content()) (New does it) and w.Show().
func New(a fyne.App, w fyne.Window, opts Options) *UI {
	u := &UI{app: a, win: w, opts: opts, st: opts.Store}
	if opts.Databases != nil && opts.Databases.Office != nil {
		cfg := *opts.Databases.Office
		u.office = &cfg
	}
	if _, ok := a.Settings().Theme().(*appTheme); !ok {
		a.Settings().SetTheme(Theme())
	}
	u.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.selector = widget.NewSelect(nil, u.onSelectCommunity)
	u.selector.PlaceHolder = lang.X("window.community.choose", "Elegir comunidad")
	u.selector.Hide()
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.body = container.NewStack()
	u.sendStatus = newSendStatus()

	u.units = newUnitsTab(u)
	u.config = newConfigTab(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.X("tab.units", "Unidades/Usuarios"), theme.AccountIcon(), u.units.content()),
		container.NewTabItemWithIcon(lang.X("tab.config", "Configuración"), theme.SettingsIcon(), u.config.content()),
	)
	w.SetTitle("Comunidad")
	w.SetContent(u.Content())
	w.SetCloseIntercept(u.onCloseRequest)
	u.installMenu() // window.go: Archivo and Ayuda
	u.Reload()
	u.watch()
	return u
}

// Content is the whole window: header, tabs (or the empty state), status line.
func (u *UI) Content() fyne.CanvasObject {
	header := container.NewBorder(nil, nil, u.title, u.selector)
	footer := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, u.sendStatus.box, u.status))
	return container.NewBorder(header, footer, nil, nil, u.body)
}

// Store is the database the window works on.
func (u *UI) Store() Store { return u.st }

// flows is the workflows (app/workflow) on the window's database: the
// window adds progress, confirmation and display to them.
func (u *UI) flows() *workflow.Service {
	return &workflow.Service{Store: u.st, Secrets: u.secrets(), Demo: u.opts.Demo, TLSConfig: mailTLS}
}

// Community is the community on screen (ID 0 when there is none).
func (u *UI) Community() data.Community { return u.community }

// background runs database work off the UI goroutine; what it loads reaches
// the widgets through fyne.Do. Tests run it in line (see TestMain): Fyne's
// test driver applies fyne.Do at once on the calling goroutine, so loaders
// running at the same time would update widgets while others read them.
var background = func(f func()) { go f() }

// Reload reads the communities again off the UI goroutine, then shows the
// remembered one (or the first) or the empty state.
func (u *UI) Reload() {
	background(func() {
		ctx := context.Background()
		cs, err := u.st.Communities(ctx)
		id, iderr := u.st.InstallationID(ctx)
		if iderr != nil {
			id = storePath(u.st) // the preference is then kept by the file, as before
		}
		fyne.Do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.identity = id
			u.setCommunities(cs)
		})
	})
}

func (u *UI) setCommunities(cs []data.Community) {
	u.communities = cs
	if len(cs) == 0 {
		u.community = data.Community{}
		u.selector.Hide()
		u.title.SetText("")
		u.win.SetTitle("Comunidad")
		u.body.Objects = []fyne.CanvasObject{u.emptyState()}
		u.body.Refresh()
		u.setStatus()
		return
	}
	u.setSelector(cs)
	want := u.community.ID
	if want == 0 {
		want = int64(u.app.Preferences().Int(u.prefKey()))
		if want == 0 {
			want = int64(u.app.Preferences().Int(u.legacyPrefKey()))
		}
	}
	pick := cs[0]
	for _, c := range cs {
		if c.ID == want {
			pick = c
		}
	}
	u.body.Objects = []fyne.CanvasObject{u.tabs}
	u.body.Refresh()
	u.showCommunity(pick)
}

// SelectCommunity switches the window to the community with the given id
// after reading the list again (used after an import creates one).
func (u *UI) SelectCommunity(id int64) {
	u.community = data.Community{ID: id}
	u.Reload()
}

func (u *UI) onSelectCommunity(name string) {
	for _, c := range u.communities {
		if c.Name == name && c.ID != u.community.ID {
			u.showCommunity(c)
		}
	}
}

func (u *UI) showCommunity(c data.Community) {
	u.community = c
	u.app.Preferences().SetInt(u.prefKey(), int(c.ID))
	u.title.SetText(c.Name)
	u.selector.SetSelected(c.Name)
	u.win.SetTitle(fmt.Sprintf("Comunidad — %s", c.Name))
	u.setStatus()
	u.units.setCommunity(c)
	u.config.setCommunity(c)
}

// prefKey keeps the remembered community apart per database (by its
// installation id), so the demo database and the real one each reopen on
// their own.
func (u *UI) prefKey() string {
	return prefLastCommunity + ":" + u.identity
}

// legacyPrefKey is where versions that keyed the preference by the file's
// path remembered the community.
func (u *UI) legacyPrefKey() string {
	return prefLastCommunity + ":" + storePath(u.st)
}

func (u *UI) setStatus() {
	c := u.community
	switch {
	case c.ID == 0:
		u.status.SetText(lang.X("status.nodata", "Sin datos todavía: importe una exportación de Kastor o abra la comunidad de demostración."))
	case c.LastSyncAt.IsZero():
		u.status.SetText(lang.X("status.never", "Nunca importada desde Kastor."))
	default:
		u.status.SetText(lang.X("status.synced", "Última importación: {{.When}} desde {{.Source}}",
			map[string]any{"When": FormatDateTime(c.LastSyncAt), "Source": filepath.Base(c.LastSyncSource)}))
	}
}

// FormatDateTime shows a time the Chilean way, in local time: 27-11-2026 14:05.
func FormatDateTime(t time.Time) string { return t.Local().Format("02-01-2006 15:04") }

func (u *UI) emptyState() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.X("empty.title", "Aún no hay comunidades"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	text := widget.NewLabelWithStyle(lang.X("empty.text", "Importe la exportación de Kastor de su comunidad para ver sus unidades y usuarios,\no explore la aplicación con una comunidad de demostración."), fyne.TextAlignCenter, fyne.TextStyle{})
	imp := widget.NewButtonWithIcon(lang.X("action.import", "Importar datos"), theme.DownloadIcon(), u.onImport)
	imp.Importance = widget.HighImportance
	buttons := container.NewHBox(imp)
	if u.opts.OpenDemo != nil {
		buttons.Add(widget.NewButtonWithIcon(lang.X("empty.demo", "Abrir comunidad de demostración"), theme.HomeIcon(), u.onOpenDemo))
	}
	if u.opts.Databases != nil {
		label := lang.X("empty.office", "Conectar a la base de la oficina")
		if u.office != nil {
			label = lang.X("empty.database", "Cambiar de base de datos")
		}
		buttons.Add(widget.NewButtonWithIcon(label, theme.StorageIcon(), u.onConnectOffice))
	}
	parts := []fyne.CanvasObject{heading, text}
	if u.office != nil {
		// Which database is empty: the office's, which the other desktops share.
		parts = append(parts, widget.NewLabelWithStyle(lang.X("empty.office.where", "Está en la base de datos de la oficina «{{.Database}}» en {{.Host}}:{{.Port}}, que comparten los equipos de la oficina.",
			map[string]any{"Database": u.office.Database, "Host": u.office.Host, "Port": u.office.Port}), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	}
	return container.NewCenter(container.NewVBox(append(parts, container.NewCenter(buttons))...))
}

func (u *UI) onOpenDemo() {
	prog := dialog.NewCustomWithoutButtons(lang.X("empty.demo.opening", "Abriendo la comunidad de demostración…"), widget.NewProgressBarInfinite(), u.win)
	prog.Show()
	go func() {
		st, err := u.opts.OpenDemo(context.Background())
		fyne.Do(func() {
			prog.Hide()
			if err != nil {
				u.showError(err)
				return
			}
			u.useDemo(st)
		})
	}()
}

// useDemo puts the window on the demo database, on the UI goroutine. The
// demo's credentials are its own (Options.Demo).
func (u *UI) useDemo(st Store) {
	old := u.st
	u.st, u.opts.Demo, u.office = st, true, nil
	u.community = data.Community{}
	u.watch()
	if old != nil && old != st {
		old.Close()
	}
	u.Reload()
}

// showError shows err in a dialog, in the user's language (errorText).
func (u *UI) showError(err error) {
	dialog.ShowError(userError{err}, u.win)
}

// setSelector lists the communities in the selector, shown when there is
// more than one.
func (u *UI) setSelector(cs []data.Community) {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	u.selector.SetOptions(names)
	// A Select is as wide as its placeholder: the longest name, so that none
	// is cut ("Condominio Parq…" for two communities).
	u.selector.PlaceHolder = longest(names)
	if len(cs) > 1 {
		u.selector.Show()
	} else {
		u.selector.Hide()
	}
}
