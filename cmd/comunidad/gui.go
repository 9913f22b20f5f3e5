package main

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"comunidad"
	_ "comunidad/app/locale" // before Fyne reads the locale
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
	a := app.NewWithID(m.ID)
	a.SetIcon(icon)
	w := a.NewWindow(m.Name)
	w.Resize(ui.WindowSize(a.Preferences(), workArea(a)))

	ctx := context.Background()
	var u *ui.UI
	start := func(st ui.Store) {
		u = ui.New(a, w, ui.Options{
			Store:    st,
			Demo:     isDemo(st),
			Version:  m.Version,
			OpenDemo: func(ctx context.Context) (ui.Store, error) { return openDemoLocked(ctx, e) },
		})
	}
	// openForWindow (lock.go): one instance per database, integrity check,
	// daily backup; startupScreen offers a backup for a damaged database.
	if st, err := openForWindow(ctx, e); err != nil {
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
	w.ShowAndRun()
	if u == nil {
		return nil // the start-up screen was shown: nothing was opened
	}
	return u.Store().Close()
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
