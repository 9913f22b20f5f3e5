package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// TestSyncBacksUpFirst: every sync into a database that holds a community
// first copies it into backups/; the copy is the state before the sync.
// The first import into an empty database has nothing to protect.
func TestSyncBacksUpFirst(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backup of the file before an import")
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "comunidad.db")
	src := writeFile(t, "brisas.csv", syncCSV)
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", src); code != 0 {
		t.Fatalf("first sync: %d %s", code, errOut)
	}
	if list, err := data.ListBackups(ctx, db); err != nil || len(list) != 0 {
		t.Fatalf("first sync into an empty database: %d backups, %v", len(list), err)
	}

	// Kastor adds an inmueble.
	more := writeFile(t, "brisas.csv", syncCSV+"A-103;Torre A;1;;Luis;Ñanco;;luis@example.cl;;Propietario;Sí;0,0100\r\n")
	for i, want := range []int{2, 3} {
		if code, _, errOut := runCLI(t, "", "--db", db, "sync", more); code != 0 {
			t.Fatalf("sync %d: %d %s", i+2, code, errOut)
		}
		list, err := data.ListBackups(ctx, db)
		if err != nil || len(list) != i+1 {
			t.Fatalf("after sync %d: %d backups, %v", i+2, len(list), err)
		}
		b := list[0] // newest first
		if b.Reason != data.ReasonSync || b.Err != nil || filepath.Dir(b.Path) != filepath.Join(filepath.Dir(db), "backups") {
			t.Fatalf("backup %+v", b)
		}
		if b.Communities != 1 || b.Units != want {
			t.Fatalf("backup before sync %d holds %d communities, %d units; want 1, %d", i+2, b.Communities, b.Units, want)
		}
	}
}

// TestSyncWithoutBackupImportsNothing: when the backup cannot be made, the
// sync stops before writing, with one line saying why.
func TestSyncWithoutBackupImportsNothing(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backup of the file before an import")
	dir := t.TempDir()
	db := filepath.Join(dir, "comunidad.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", writeFile(t, "brisas.csv", syncCSV)); code != 0 {
		t.Fatalf("first sync: %d %s", code, errOut)
	}
	before := countUsers(t, db)
	// A file where the backups folder should be: the copy cannot be made.
	if err := os.WriteFile(filepath.Join(dir, "backups"), []byte("no soy una carpeta"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(syncCSV, "Rosa;Ibáñez;;;", "Rosa;Ibáñez;;rosa@example.cl;", 1)
	code, out, errOut := runCLI(t, "", "--db", db, "sync", writeFile(t, "brisas.csv", changed))
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, "no se importó nada: no se pudo hacer la copia de seguridad previa: ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if after := countUsers(t, db); after != before {
		t.Fatalf("the sync without a backup changed the users:\n%s\n%s", before, after)
	}
}
