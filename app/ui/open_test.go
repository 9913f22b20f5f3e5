package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/app/desktop"
)

// What Windows' shell answers reaches the user in Spanish, naming the file.
func TestDesktopErrorInSpanish(t *testing.T) {
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "José", "Cartas", "101 - Ana.pdf")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{desktop.ErrNoApplication, "No hay un programa en este equipo para abrir o imprimir «101 - Ana.pdf»"},
		{desktop.ErrNotFound, "No se encontró «" + path + "»"},
		{desktop.ErrDenied, "acceso denegado"},
		{errors.New("code 5"), "No se pudo abrir «" + path + "»: code 5"},
	} {
		got := desktopError(&desktop.PathError{Op: "print", Path: path, Err: tt.err})
		if got == nil || !strings.Contains(got.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.err, got, tt.want)
		}
	}
	if desktopError(nil) != nil {
		t.Error("nil became an error")
	}
}
