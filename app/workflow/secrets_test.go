package workflow

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"comunidad/app/mailer"
	"comunidad/app/secret"
	"comunidad/data"
)

// machine is one user's credential store, shared by every database on the
// machine as the OS's is (here its fallback file alone).
func machine(t *testing.T) *secret.Store {
	return secret.NewFileOnly(filepath.Join(t.TempDir(), "secrets.json"))
}

// database is a database file of its own with community 1 in it, on the
// machine's credential store.
func database(t *testing.T, sec mailer.Secrets, name string) *Service {
	t.Helper()
	st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.CreateCommunity(context.Background(), "Edificio Norte"); err != nil {
		t.Fatal(err)
	}
	return &Service{Store: st, Secrets: sec}
}

func password(t *testing.T, s *Service) string {
	t.Helper()
	sec, err := s.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := mailer.Password(sec, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSecretsKeptApartPerDatabase: the demo database and the user's own (or
// a SQLite file and an office server's) both have a community 1 and one
// credential store; each keeps its own password and token.
func TestSecretsKeptApartPerDatabase(t *testing.T) {
	ctx := context.Background()
	sec := machine(t)
	mine, demo := database(t, sec, "comunidad.db"), database(t, sec, "demo.db")
	demo.Demo = true
	server := &Service{Store: engine{database(t, sec, "server.db").Store}, Secrets: sec}

	if err := mine.SetPassword(ctx, 1, "clave-propia"); err != nil {
		t.Fatal(err)
	}
	if err := mine.SetToken(ctx, 1, "tok-propio"); err != nil {
		t.Fatal(err)
	}
	for _, other := range []*Service{demo, server} {
		if saved, err := other.HasPassword(ctx, 1); saved || err != nil {
			t.Fatalf("another database sees the password: %v, %v", saved, err)
		}
		if has, err := other.HasToken(ctx, 1); has || err != nil {
			t.Fatalf("another database sees the token: %v, %v", has, err)
		}
	}
	if err := demo.SetPassword(ctx, 1, "clave-demo"); err != nil {
		t.Fatal(err)
	}
	if err := server.SetPassword(ctx, 1, "clave-oficina"); err != nil {
		t.Fatal(err)
	}
	for s, want := range map[*Service]string{mine: "clave-propia", demo: "clave-demo", server: "clave-oficina"} {
		if got := password(t, s); got != want {
			t.Errorf("password = %q, want %q", got, want)
		}
	}
	if err := demo.SetPassword(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := mine.SetToken(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if got := password(t, mine); got != "clave-propia" {
		t.Errorf("the demo's password removed the user's: %q", got)
	}
	if has, _ := mine.HasToken(ctx, 1); has {
		t.Error("the token forgotten is still saved")
	}
	if got := password(t, server); got != "clave-oficina" {
		t.Errorf("server's password: %q", got)
	}
	// Nothing under the bare keys every database would share.
	for _, k := range []string{mailer.PasswordKey(1), TokenKey(1)} {
		if _, err := sec.Get(k); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("%s kept under the shared key: %v", k, err)
		}
	}
}

// TestLegacySecretsAreFoundAndMoved: the password, token and URL saved
// before installation ids (bare keys) are the user's database's on the
// first read, and move under its installation; the demo takes none, and a
// second database finds nothing left.
func TestLegacySecretsAreFoundAndMoved(t *testing.T) {
	ctx := context.Background()
	sec := machine(t)
	legacy := map[string]string{mailer.PasswordKey(1): "clave-de-antes", TokenKey(1): "tok-de-antes", SourceURLKey(1): "https://ana:x@kastor.example/e.csv"}
	for k, v := range legacy {
		if err := sec.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	demo := database(t, sec, "demo.db")
	demo.Demo = true
	server := &Service{Store: engine{database(t, sec, "server.db").Store}, Secrets: sec}
	for _, s := range []*Service{demo, server} {
		if saved, _ := s.HasPassword(ctx, 1); saved {
			t.Fatal("the demo or a server database took the user's password of before")
		}
		if has, _ := s.HasToken(ctx, 1); has {
			t.Fatal("the demo or a server database took the user's token of before")
		}
	}

	mine := database(t, sec, "comunidad.db")
	if got := password(t, mine); got != "clave-de-antes" {
		t.Fatalf("password of before = %q", got)
	}
	if has, err := mine.HasToken(ctx, 1); !has || err != nil {
		t.Fatalf("token of before: %v, %v", has, err)
	}
	if got := mine.fullSource(ctx, 1, data.RedactSource(legacy[SourceURLKey(1)])); got != legacy[SourceURLKey(1)] {
		t.Fatalf("URL of before = %q", got)
	}
	id, err := mine.Store.InstallationID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range legacy {
		if _, err := sec.Get(k); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("%s still under the bare key after the move: %v", k, err)
		}
		if got, err := sec.Get(id + "/" + k); err != nil || got != v {
			t.Errorf("%s under the installation: %q, %v", k, got, err)
		}
	}
	// Moved, not copied: a database opened later finds none of them.
	later := database(t, sec, "otra.db")
	if saved, _ := later.HasPassword(ctx, 1); saved {
		t.Error("the password was copied, not moved")
	}
	// Still the user's database's after the move, and a password removed
	// stays removed (no copy of before comes back).
	if got := password(t, mine); got != "clave-de-antes" {
		t.Fatalf("password after the move = %q", got)
	}
	if err := sec.Set(mailer.PasswordKey(1), "copia-vieja"); err != nil {
		t.Fatal(err)
	}
	if err := mine.SetPassword(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if saved, _ := mine.HasPassword(ctx, 1); saved {
		t.Error("a password removed came back from the bare key")
	}
}
