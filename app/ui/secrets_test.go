package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"comunidad/app/mailer"
	"comunidad/app/secret"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

// serverStore is a database that is no file (an office server's): only
// Store, none of the optional capabilities.
type serverStore struct{ Store }

// A database that is no file keeps its credentials in the OS store or the
// fallback file of the user's data folder, under its installation, and
// never in the working directory.
func TestAStoreThatIsNoFileKeepsSecretsInTheDataFolder(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	data := t.TempDir()
	t.Setenv("TMPDIR", data) // the test app's data folder is the temporary one
	cwd := t.TempDir()
	t.Chdir(cwd)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	st := datatest.Open(t)
	c, err := st.CreateCommunity(context.Background(), "Edificio Norte")
	if err != nil {
		t.Fatal(err)
	}
	u := New(a, w, Options{Store: serverStore{st}})
	if got := a.Storage().RootURI().Path(); got != data {
		t.Fatalf("the test app's data folder is %s, not %s", got, data)
	}
	ctx := context.Background()
	var flowsErr error
	fyne.DoAndWait(func() { flowsErr = u.flows().SetPassword(ctx, c.ID, "clave-oficina") })
	if flowsErr != nil {
		t.Fatal(flowsErr)
	}
	if _, err := os.Stat(filepath.Join(cwd, "secrets.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a credential file in the working directory: %v", err)
	}
	id, err := st.InstallationID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	file := secret.NewFileOnly(filepath.Join(data, "secrets.json"))
	if got, err := file.Get(id + "/" + mailer.PasswordKey(c.ID)); err != nil || got != "clave-oficina" {
		t.Fatalf("the password in the data folder's file, under the installation: %q, %v", got, err)
	}
	if saved, err := u.flows().HasPassword(ctx, c.ID); !saved || err != nil {
		t.Fatalf("HasPassword: %v, %v", saved, err)
	}
}

// The demo opened from the empty window takes none of the credentials kept
// before installation ids: those were the user's database's, which finds
// them afterwards.
func TestTheDemoTakesNoneOfTheUsersOldSecrets(t *testing.T) {
	enginetest.SQLiteOnly(t, "the credentials kept before installation ids were a file's")
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	machine := secret.NewFileOnly(filepath.Join(t.TempDir(), "secrets.json"))
	if err := machine.Set(mailer.PasswordKey(1), "clave-de-antes"); err != nil {
		t.Fatal(err)
	}
	mine, demo := datatest.Open(t), datatest.Open(t)
	for _, st := range []Store{mine, demo} {
		if _, err := st.(interface {
			CreateCommunity(context.Context, string) (data.Community, error)
		}).CreateCommunity(ctx, "Edificio Norte"); err != nil {
			t.Fatal(err)
		}
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	empty := datatest.Open(t) // the window starts on a database with no community
	u := New(a, w, Options{Store: empty, Secrets: machine})
	fyne.DoAndWait(func() { u.useDemo(demo) }) // what «Abrir comunidad de demostración» does once the demo is open
	if saved, err := u.flows().HasPassword(ctx, 1); saved || err != nil {
		t.Fatalf("the demo took the user's password of before: %v, %v", saved, err)
	}
	if _, err := machine.Get(mailer.PasswordKey(1)); err != nil {
		t.Fatalf("the user's password of before is gone: %v", err)
	}
	u2 := New(a, a.NewWindow("Comunidad"), Options{Store: mine, Secrets: machine})
	if saved, err := u2.flows().HasPassword(ctx, 1); !saved || err != nil {
		t.Fatalf("the user's database lost its password of before: %v, %v", saved, err)
	}
}
