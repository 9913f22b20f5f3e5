package data

import (
	"context"
	"path/filepath"
	"testing"

	"comunidad/internal/enginetest"
)

func TestInstallationIDIsTheDatabasesOwnAndStays(t *testing.T) {
	enginetest.SQLiteOnly(t, "abre archivos por su ruta")
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.InstallationID(ctx)
	if err != nil || len(id) != 32 {
		t.Fatalf("id %q, %v", id, err)
	}
	if again, _ := st.InstallationID(ctx); again != id {
		t.Errorf("asked again: %q, then %q", id, again)
	}
	st.Close()
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if again, _ := st.InstallationID(ctx); again != id {
		t.Errorf("reopened: %q, then %q", id, again)
	}
	other, err := Open(ctx, filepath.Join(dir, "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if oid, _ := other.InstallationID(ctx); oid == id || oid == "" {
		t.Errorf("two databases, ids %q and %q", id, oid)
	}
}
