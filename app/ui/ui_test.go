package ui

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/mailer"
	"comunidad/app/secret"
	"comunidad/app/workflow"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

// newTestUI builds the window on a fresh database file, in a test app.
func newTestUI(t *testing.T, st *data.Store) (*UI, fyne.Window) {
	t.Helper()
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	w.Resize(fyne.NewSize(1280, 800))
	if st == nil {
		st = datatest.Open(t)
	}
	u := New(a, w, Options{Store: st, Secrets: testSecrets(t, st)})
	t.Cleanup(w.Close)
	return u, w
}

// eventually polls cond (work is loaded off the UI goroutine) for up to 5 s.
// The test driver runs fyne.Do at once on the calling goroutine, so cond
// must wait for the last thing an update does, not the first.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// walkTree calls visit for o and everything drawn under it (containers'
// objects and widgets' renderers), depth first; visit returns false to skip
// what is under an object.
func walkTree(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !visit(o) {
		return
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			walkTree(ch, visit)
		}
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, ch := range test.WidgetRenderer(w).Objects() {
			walkTree(ch, visit)
		}
	}
}

// texts collects every label, button and tab text under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walkTree(o, func(o fyne.CanvasObject) bool {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *container.AppTabs:
			for _, it := range w.Items {
				out = append(out, it.Text)
			}
		}
		return true
	})
	return out
}

// findButton is the first button under o with the given text, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walkTree(o, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
		return found == nil
	})
	return found
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestEmptyStateOffersImportAndDemo(t *testing.T) {
	st := datatest.Open(t)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	New(a, w, Options{Store: st, OpenDemo: func(context.Context) (Store, error) { return st, nil }})
	eventually(t, "the empty state", func() bool {
		got := texts(w.Content())
		return contains(got, "Aún no hay comunidades") && contains(got, "Importar datos") && contains(got, "Abrir comunidad de demostración")
	})
	if w.Title() != "Comunidad" {
		t.Fatalf("title = %q", w.Title())
	}
}

func TestWindowShowsTabsAndCommunity(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	if _, err := st.CreateCommunity(ctx, "Edificio Los Álamos"); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, st)
	eventually(t, "the community", func() bool { return w.Title() == "Comunidad — Edificio Los Álamos" })
	eventually(t, "the tabs and the status line", func() bool {
		got := texts(w.Content())
		return contains(got, "Unidades/Usuarios") && contains(got, "Configuración") && contains(got, "Nunca importada desde Kastor.")
	})
	if u.selector.Visible() {
		t.Fatal("community selector shown with only one community")
	}
	// A second community brings the selector, and choosing it is remembered.
	c2, err := st.CreateCommunity(ctx, "Condominio Las Brisas")
	if err != nil {
		t.Fatal(err)
	}
	u.Reload()
	eventually(t, "the selector", func() bool { return u.selector.Visible() && len(u.selector.Options) == 2 })
	fyne.DoAndWait(func() { u.selector.SetSelected("Condominio Las Brisas") })
	eventually(t, "the switch", func() bool { return w.Title() == "Comunidad — Condominio Las Brisas" })
	if got := u.app.Preferences().Int(u.prefKey()); got != int(c2.ID) {
		t.Fatalf("remembered community = %d, want %d", got, c2.ID)
	}
}

// TestMain runs the views' loaders in line: see background.
func TestMain(m *testing.M) {
	background = func(f func()) { f() }
	os.Exit(enginetest.Run(m))
}

// officeSecrets holds, per office store of a test, the credential store the
// window and the test share: on a file the credentials are beside it (and
// workflow.New finds them), an office database has none of its own and
// the window is given this one, in the test's folder.
var officeSecrets sync.Map // data.Store → mailer.Secrets

// testSecrets is the credential store of st for the window and the test:
// nil on a file (the window uses the one beside it).
func testSecrets(t *testing.T, st *data.Store) mailer.Secrets {
	t.Helper()
	if st == nil || st.Engine() != data.EnginePostgres {
		return nil
	}
	sec, _ := officeSecrets.LoadOrStore(st, mailer.Secrets(secret.NewFileOnly(filepath.Join(t.TempDir(), "secrets.json"))))
	return sec.(mailer.Secrets)
}

// testFlows is the workflow over st with the credential store the window uses.
func testFlows(t *testing.T, st *data.Store) *workflow.Service {
	t.Helper()
	return &workflow.Service{Store: st, Secrets: testSecrets(t, st)}
}
