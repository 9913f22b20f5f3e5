package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// installMenu sets the window's menu bar: Archivo (the tab's main actions,
// the backups, the data folder and Salir, last as office users expect) and
// Ayuda. Salir goes through the close button's path, so a batch of emails
// being sent asks first.
func (u *UI) installMenu() {
	quit := fyne.NewMenuItem(lang.X("menu.file.quit", "Salir"), u.onCloseRequest)
	quit.IsQuit = true // Fyne adds no English «Quit» of its own
	file := fyne.NewMenu(lang.X("menu.file", "Archivo"),
		fyne.NewMenuItem(lang.X("action.import", "Importar datos"), u.onImportAction),
		fyne.NewMenuItem(lang.X("units.action.generate", "Generar usuarios"), func() { u.onGenerateUsers(u.units.selectedIDs()) }),
		fyne.NewMenuItem(lang.X("menu.file.backups", "Copias de seguridad"), u.showBackups),
		fyne.NewMenuItem(lang.X("safety.menu.folder", "Abrir carpeta de datos"), u.openDataFolder),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	help := fyne.NewMenu(lang.X("safety.menu.help", "Ayuda"),
		fyne.NewMenuItem(lang.X("help.guide.menu", "Guía de uso"), u.showGuide),
		fyne.NewMenuItem(lang.X("safety.menu.about", "Acerca de Comunidad"), u.showAbout),
	)
	u.win.SetMainMenu(fyne.NewMainMenu(file, help))
}

// showBackups opens Configuración on its «Copias de seguridad» section.
func (u *UI) showBackups() {
	for i, s := range u.config.sections {
		if _, ok := s.(*backupSection); ok {
			u.tabs.SelectIndex(1)
			u.config.list.Select(i)
			return
		}
	}
}

// The window's size when it last closed, in Fyne units.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

// defaultWindowSize is the first run's size, before one is remembered.
var defaultWindowSize = fyne.NewSize(1280, 800)

// minWindowSize is the smallest size the window is laid out for (a
// 1024x768 screen less a title bar and a taskbar).
var minWindowSize = fyne.NewSize(1000, 660)

// WindowSize is the size to open the window at: the one it had when it
// last closed (or the default), clamped to the screen's work area, which is
// given in Fyne units (zero when unknown). Room is kept for the title bar
// and the window's borders.
func WindowSize(prefs fyne.Preferences, screen fyne.Size) fyne.Size {
	s := fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width))),
		float32(prefs.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height))),
	)
	if s.Width < minWindowSize.Width/2 || s.Height < minWindowSize.Height/2 {
		s = defaultWindowSize // a remembered size too small to use
	}
	if screen.Width > 0 && screen.Height > 0 {
		s.Width = min(s.Width, screen.Width-16)
		s.Height = min(s.Height, screen.Height-40)
	}
	return s
}

// rememberWindowSize keeps the window's size for the next start.
func (u *UI) rememberWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width <= 0 || s.Height <= 0 {
		return
	}
	u.app.Preferences().SetFloat(prefWindowWidth, float64(s.Width))
	u.app.Preferences().SetFloat(prefWindowHeight, float64(s.Height))
}
