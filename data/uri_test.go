package data

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"comunidad/internal/enginetest"
)

func TestFileURI(t *testing.T) {
	enginetest.SQLiteOnly(t, "rutas de archivo")
	tests := []struct{ path, want string }{
		{"/home/ana/comunidad.db", "file:///home/ana/comunidad.db?mode=ro"},
		{"/home/José Pérez/a#b?c%d.db", "file:///home/Jos%C3%A9%20P%C3%A9rez/a%23b%3Fc%25d.db?mode=ro"},
	}
	if runtime.GOOS == "windows" {
		tests = []struct{ path, want string }{
			{`C:\Users\ana\comunidad.db`, "file:///C:/Users/ana/comunidad.db?mode=ro"},
			{`C:\Users\José Pérez\Documents\a#b%.db`, "file:///C:/Users/Jos%C3%A9%20P%C3%A9rez/Documents/a%23b%25.db?mode=ro"},
			{`D:\x.db`, "file:///D:/x.db?mode=ro"},
		}
	}
	for _, tt := range tests {
		if got := fileURI(tt.path, "mode=ro"); got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// A database in a folder whose name has spaces, accents and the characters
// a URI gives a meaning to opens, reopens (the second start of the app),
// and backs up: on Windows the path has a drive letter.
func TestOpenReopenBackupAwkwardPath(t *testing.T) {
	enginetest.SQLiteOnly(t, "rutas de archivo")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "José Pérez", "Mis documentos #1 (50% listo)")
	path := filepath.Join(dir, "comunidad.db")
	for i := range 3 {
		st, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i+1, err)
		}
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Fatalf("integrity %d: %v", i+1, err)
		}
		b, err := st.Backup(ctx, ReasonManual)
		if err != nil {
			t.Fatalf("backup %d: %v", i+1, err)
		}
		if _, err := os.Stat(b.Path); err != nil || b.Size == 0 {
			t.Fatalf("backup %d: %+v %v", i+1, b, err)
		}
		if err := st.Close(); err != nil {
			t.Fatalf("close %d: %v", i+1, err)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// Nothing was created beside a mangled name (a URI read literally).
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		switch n := e.Name(); n {
		case "comunidad.db", "comunidad.db-wal", "comunidad.db-shm", "backups":
		default:
			t.Errorf("unexpected file %q beside the database", n)
		}
	}
}
