//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// The database, its WAL and shared memory, its backups and the exports
// are the user's only (0600); an older database readable by others is
// narrowed when it is opened.
func TestDataFilesArePrivate(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	src := writeFile(t, "b.csv", syncCSV)
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", src); code != 0 {
		t.Fatal(errOut)
	}
	out := filepath.Join(dir, "usuarios.xlsx")
	if code, _, errOut := runCLI(t, "", "--db", db, "users", "generate", "--out", out); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create"); code != 0 {
		t.Fatal(errOut)
	}
	st, err := data.Open(context.Background(), db) // holds the -wal and -shm open
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Writer().Exec(`UPDATE communities SET address = 'x'`); err != nil {
		t.Fatal(err)
	}
	backups, _ := filepath.Glob(filepath.Join(data.BackupDir(db), "*.db"))
	files := append([]string{db, db + "-wal", db + "-shm", out}, backups...)
	if len(backups) == 0 {
		t.Fatal("no backup")
	}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s is %o, want 600", filepath.Base(f), perm)
		}
	}
	st.Close()

	// An older database others could read is narrowed.
	os.Chmod(db, 0o644)
	if code, _, errOut := runCLI(t, "", "--db", db, "units"); code != 0 {
		t.Fatal(errOut)
	}
	if info, _ := os.Stat(db); info.Mode().Perm() != 0o600 {
		t.Errorf("after opening, %o", info.Mode().Perm())
	}
}

// The instance lock follows the real file: while a window holds the
// database, a symlink or a hard link to it gives neither a second window
// nor a writing command.
func TestLockFollowsTheRealFile(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	db := newDB(t, 1, "Edificio Los Álamos")
	dir := t.TempDir() // another folder: the links have names of their own
	sym := filepath.Join(dir, "enlace.db")
	hard := filepath.Join(dir, "duro.db")
	if err := os.Symlink(db, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(db, hard); err != nil {
		t.Fatal(err)
	}
	cmd, lines, stdin := helper(t, "TestHelperHoldLock", db)
	waitFor(t, lines, "locked")
	for _, p := range []string{sym, hard} {
		var open errAlreadyOpen
		if err := lockDatabase(p); !errors.As(err, &open) {
			t.Errorf("a window on %s: %v", filepath.Base(p), err)
			releaseForTest(t, p)
		}
		code, _, errOut := runCLI(t, "", "--db", p, "backup", "create")
		if code != 1 || !strings.Contains(errOut, "abierta en la ventana") {
			t.Errorf("a command on %s: %d %q", filepath.Base(p), code, errOut)
		}
	}
	stdin.Close()
	cmd.Wait()
	// Free again, through any of its names.
	for _, p := range []string{hard, sym} {
		unlock, err := lockForWrite(p, "backup create")
		if err != nil {
			t.Fatalf("after the window closed, %s: %v", filepath.Base(p), err)
		}
		unlock()
	}
}

// An output file never replaces something that is not a regular file: a
// device (as root, «--out /dev/full» used to replace the device node), a
// pipe, a folder or a symbolic link.
func TestOutputNeverReplacesSpecialFiles(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	db := filepath.Join(t.TempDir(), "c.db")
	src := writeFile(t, "b.csv", syncCSV)
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", src); code != 0 {
		t.Fatal(errOut)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "tubo.xlsx")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "enlace.xlsx")
	os.Symlink(filepath.Join(dir, "destino.xlsx"), link)
	folder := filepath.Join(dir, "carpeta.xlsx")
	os.Mkdir(folder, 0o700)
	targets := map[string]string{fifo: "una tubería", link: "un enlace simbólico", folder: "una carpeta"}
	// /dev/full under an .xlsx name (as root, as the issue found it).
	device := filepath.Join(dir, "full.xlsx")
	if err := syscall.Mknod(device, syscall.S_IFCHR|0o600, 1<<8|7); err == nil {
		targets[device] = "un dispositivo"
	} else {
		t.Logf("no device node (%v): not root", err)
	}
	before := dumpDB(t, db)
	for target, what := range targets {
		info, _ := os.Lstat(target)
		code, _, errOut := runCLI(t, "", "--db", db, "users", "generate", "--out", target)
		if code != 1 || !strings.Contains(errOut, what) || !strings.Contains(errOut, "no se reemplaza") {
			t.Errorf("--out %s: %d %q", target, code, errOut)
		}
		after, err := os.Lstat(target)
		if err != nil || after.Mode() != info.Mode() {
			t.Errorf("%s changed: %v %v", target, after, err)
		}
	}
	if dumpDB(t, db) != before {
		t.Error("a refused output left accounts in the database")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
