package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"comunidad/data/datatest"
)

// TestMenuBar: Archivo (with Salir last, marked as the quit item so Fyne
// adds no «Quit» of its own) and Ayuda, in Spanish, each item doing its job.
func TestMenuBar(t *testing.T) {
	u, w := newTestUI(t, nil)
	var got [][]string
	items := map[string]*fyne.MenuItem{}
	for _, m := range w.MainMenu().Items {
		labels := []string{m.Label}
		for _, it := range m.Items {
			if it.IsSeparator {
				continue
			}
			labels = append(labels, it.Label)
			items[it.Label] = it
		}
		got = append(got, labels)
	}
	want := [][]string{
		{"Archivo", "Importar datos", "Generar usuarios", "Copias de seguridad", "Abrir carpeta de datos", "Salir"},
		{"Ayuda", "Guía de uso", "Acerca de Comunidad"},
	}
	if len(got) != len(want) {
		t.Fatalf("menus %q, want %q", got, want)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("menu %d: %q, want %q", i, got[i], want[i])
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("menu %d: %q, want %q", i, got[i], want[i])
			}
		}
	}
	if file := w.MainMenu().Items[0]; !file.Items[len(file.Items)-1].IsQuit {
		t.Fatal("Salir is not the quit item")
	}
	// Copias de seguridad opens its section of Configuración.
	fyne.DoAndWait(items["Copias de seguridad"].Action)
	if u.tabs.SelectedIndex() != 1 {
		t.Fatalf("tab %d after Copias de seguridad", u.tabs.SelectedIndex())
	}
	if sel := u.config.sections[u.config.current]; sel.title() != "Copias de seguridad" {
		t.Fatalf("Configuración shows %q", sel.title())
	}
	// Salir closes the window (no batch running).
	closed := false
	u.quit = func() { closed = true }
	fyne.DoAndWait(items["Salir"].Action)
	if !closed {
		t.Fatal("Salir did not close the window")
	}
}

// TestFyneDialogsSpeakSpanish: the strings Fyne's own dialogs read through
// lang come out in Spanish, with the accent on «Sí».
func TestFyneDialogsSpeakSpanish(t *testing.T) {
	newTestUI(t, nil)
	for en, es := range map[string]string{
		"Yes": "Sí", "No": "No", "Cancel": "Cancelar", "Save": "Guardar", "Open": "Abrir", "OK": "Aceptar",
		"Enter filename": "Escriba el nombre del archivo", "Quit": "Salir",
	} {
		if got := lang.L(en); got != es {
			t.Errorf("lang.L(%q) = %q, want %q", en, got, es)
		}
	}
	if got := lang.X("file.parent", "Parent"); got != "Carpeta superior" {
		t.Errorf("file.parent = %q", got)
	}
}

// TestCommunitySelectorFitsNames: the selector is wide enough for the
// longest community name.
func TestCommunitySelectorFitsNames(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	for _, n := range []string{"Condominio Parque Los Aromos", "Condominio Parque Las Encinas del Sur"} {
		if _, err := st.CreateCommunity(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := newTestUI(t, st)
	eventually(t, "the selector", func() bool { return u.selector.Visible() && len(u.selector.Options) == 2 })
	need := fyne.MeasureText("Condominio Parque Las Encinas del Sur", theme.TextSize(), fyne.TextStyle{}).Width
	if w := u.selector.MinSize().Width; w < need+theme.IconInlineSize() {
		t.Fatalf("selector %.0f wide, the name needs %.0f", w, need)
	}
}
