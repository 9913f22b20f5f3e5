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
	"comunidad/data/datatest"
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
