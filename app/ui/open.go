package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"comunidad/app/desktop"
)

// openPath opens a file or folder with the system's default application:
// the shell's open verb on Windows, xdg-open or open (through Fyne) elsewhere.
func (u *UI) openPath(path string) error {
	return openWithSystem(u.app, path)
}

func openWithSystem(a fyne.App, path string) error {
	return desktopError(desktop.Open(path, a.OpenURL))
}

// shellPrint prints a file through Windows' shell (print or printto verb).
func shellPrint(ctx context.Context, printer, path string) error {
	return desktopError(desktop.ShellPrint(ctx, printer, path))
}

// desktopError puts what the system answered into the user's words.
func desktopError(err error) error {
	var pe *desktop.PathError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, desktop.ErrNoApplication):
		return errors.New(lang.X("shell.noassoc", "No hay un programa en este equipo para abrir o imprimir «{{.Name}}»: instale un lector de PDF (por ejemplo Adobe Acrobat Reader) y vuelva a intentarlo.", map[string]any{"Name": filepath.Base(pe.Path)}))
	case errors.Is(err, desktop.ErrNotFound):
		return errors.New(lang.X("shell.notfound", "No se encontró «{{.Path}}».", map[string]any{"Path": pe.Path}))
	case errors.Is(err, desktop.ErrDenied):
		return errors.New(lang.X("shell.denied", "Windows no permitió abrir «{{.Path}}» (acceso denegado).", map[string]any{"Path": pe.Path}))
	}
	return fmt.Errorf("%s «%s»: %v", lang.X("shell.failed", "No se pudo abrir"), pe.Path, pe.Err)
}
