package main

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"comunidad"
	_ "comunidad/app/locale" // before Fyne reads the locale
	"comunidad/app/officedb"
	"comunidad/app/ui"
	"comunidad/assets"
	"comunidad/data"
)

// runGUI opens the window on the database the options name. A database that
// cannot be opened is reported in the window, not on a terminal the office
// user never sees.
func runGUI(e *env) error {
	m := comunidad.AppMeta()
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	app.SetMetadata(fyne.AppMetadata{ID: m.ID, Name: m.Name, Version: m.Version, Build: m.Build, Icon: icon, Migrations: m.Migrations})
	if err := ui.SetupLanguage(); err != nil {
		return err
	}
	if p, err := preferencesFile(); err == nil {
		guardPreferences(p, e.stderr) // before Fyne reads it (prefs.go)
	}
	a := app.NewWithID(m.ID)
	a.SetIcon(icon)
	w := a.NewWindow(m.Name)
	w.Resize(ui.WindowSize(a.Preferences(), workArea(a)))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbs := chooseDatabase(e, a.Preferences())
	var u *ui.UI
	start := func(st ui.Store) {
		if e.office() {
			cfg, _, _ := officedb.ParseURL(e.dbPath)
			dbs.Office = &cfg
		} else {
			dbs.Office = nil
		}
		u = ui.New(a, w, ui.Options{
			Store:     st,
			Demo:      isDemo(st),
			Version:   m.Version,
			OpenDemo:  func(ctx context.Context) (ui.Store, error) { return openDemoLocked(ctx, e) },
			Databases: dbs,
		})
	}
	// The window shows at once while openForWindow (lock.go: one instance
	// per database, integrity check, daily backup) waits for a command that
	// holds the file, or for the office server; startupScreen offers a
	// backup for a damaged database, and this computer's file when the
	// office database cannot be reached.
	var opening sync.Mutex
	var pending ui.Store // opened, not yet in the window
	opened := make(chan struct{})
	ui.ShowStarting(w, ui.Starting{Office: officeServer(e), Demo: e.demo,
		Open: func(waiting func(string)) (ui.Store, error) {
			defer close(opened)
			st, err := openForWindow(withWaitNotice(ctx, waiting), e)
			if err != nil {
				return nil, err
			}
			opening.Lock()
			pending = st
			opening.Unlock()
			return st, nil
		},
		Ready: func(st ui.Store, err error) {
			opening.Lock()
			pending = nil
			opening.Unlock()
			if err != nil {
				w.SetContent(startupScreen(ctx, e, w, err, start))
			} else {
				start(st)
			}
			watchSmoke(e, w, func() error {
				if u == nil {
					return nil
				}
				return u.Store().Close()
			})
		},
	})
	w.ShowAndRun()
	// Closed while its database was still opening: the opening is called
	// off, and a database it opened all the same is closed.
	cancel()
	select {
	case <-opened:
	case <-time.After(5 * time.Second):
	}
	opening.Lock()
	defer opening.Unlock()
	if pending != nil {
		return pending.Close()
	}
	if u == nil {
		return nil // the start-up screen was shown: nothing was opened
	}
	return u.Store().Close()
}

// officeServer is the office server the window opens ("srv:5432"), "" when
// it opens a file.
func officeServer(e *env) string {
	if !e.office() {
		return ""
	}
	cfg, _, err := officedb.ParseURL(e.dbPath)
	if err != nil {
		return ""
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
}

// chooseDatabase decides the database the window starts on: --db or
// COMUNIDAD_DB when given, else the one Configuración → Base de datos saved
// for this computer (the office's, or this computer's file); and how the
// window opens another.
func chooseDatabase(e *env, p fyne.Preferences) *ui.Databases {
	fixed := e.dbPath != "" || e.demo
	local := *e // this computer's file: --db FILE, or the user's database
	local.demo = false
	if local.office() {
		local.dbPath = ""
	}
	if !fixed {
		if cfg, ok := ui.SavedOffice(p); ok {
			e.dbPath = cfg.URL()
		}
	}
	path, _ := local.databasePath()
	return &ui.Databases{
		LocalPath: path,
		Fixed:     fixed,
		Open: func(ctx context.Context, cfg *officedb.Config, password string) (ui.Store, error) {
			d := local
			if cfg != nil {
				d.dbPath, d.officePassword = cfg.URL(), password
			}
			return openForWindow(ctx, &d)
		},
	}
}

// openDemo opens the demo database (kept apart from the user's own), building
// its community from the embedded Kastor export the first time.
func openDemo(ctx context.Context, e *env) (*data.Store, error) {
	d := *e
	d.dbPath, d.demo = "", true
	st, err := d.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := ensureDemo(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
