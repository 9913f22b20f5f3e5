package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// countUsers is how many user rows the database's first community lists.
func countUsers(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", "--db", db, "users", "--format", "csv")
	if code != 0 {
		t.Fatalf("users: %d %s", code, errOut)
	}
	return out
}

// TestWriteCommandsRefusedWhileTheWindowIsOpen holds the window's lock in
// another process, as a running window does, and runs every subcommand:
// those that write are refused with one clear line and change nothing; those
// that only read work as usual. Once the window ends, the writes go through.
func TestWriteCommandsRefusedWhileTheWindowIsOpen(t *testing.T) {
	enginetest.SQLiteOnly(t, "opening and writing a file")
	dir := t.TempDir()
	db := filepath.Join(dir, "comunidad.db")
	src := writeFile(t, "brisas.csv", syncCSV)
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", src); code != 0 {
		t.Fatalf("first sync: %d %s", code, errOut)
	}
	completeLetterSettings(t, db)
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create"); code != 0 {
		t.Fatalf("backup create: %d %s", code, errOut)
	}
	before := countUsers(t, db)

	cmd, lines, stdin := helper(t, "TestHelperHoldLock", db)
	waitFor(t, lines, "locked")

	writes := [][]string{
		{"sync", src},
		{"users", "add", "--unit", "A-102", "--first-names", "Ana", "--last-names", "Pérez", "--email", "ana@example.cl"},
		{"users", "remove", "--unit", "A-101", "--email", "pedro@example.cl"},
		{"users", "generate", "--out", filepath.Join(dir, "usuarios.xlsx")},
		{"letters", "send", "--all"},
		{"outbox", "--retry"},
		{"config", "set", "smtp.host", "smtp.example.cl"},
		{"backup", "create"},
		{"backup", "keep", "5"},
	}
	for _, args := range writes {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"--db", db}, args...)...)
			if code != 1 || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q: want refused", code, out, errOut)
			}
			for _, want := range []string{"está abierta en la ventana de Comunidad", fmt.Sprintf("proceso %d", cmd.Process.Pid),
				"cierre la ventana", "intente de nuevo"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q lacks %q", errOut, want)
				}
			}
			if strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", errOut)
			}
		})
	}
	if after := countUsers(t, db); after != before {
		t.Fatalf("a refused command changed the users:\n%s\n%s", before, after)
	}
	if list, _ := data.ListBackups(context.Background(), db); len(list) != 1 {
		t.Fatalf("refused commands left %d backups, want the 1 made before", len(list))
	}

	reads := [][]string{
		{"communities"},
		{"units"},
		{"users"},
		{"users", "--format", "json"},
		{"letters", "pdf", "--all", "--combined", "--out", filepath.Join(dir, "cartas.pdf")},
		{"letters", "send", "--all", "--dry-run"},
		{"outbox"},
		{"config", "get"},
		{"backup", "list"},
	}
	for _, args := range reads {
		t.Run("read "+strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"--db", db}, args...)...)
			if code != 0 || out == "" {
				t.Fatalf("exit %d, stdout %q, stderr %q: want it to work with the window open", code, out, errOut)
			}
		})
	}

	// The window closes: the same write now works, and leaves the lock free.
	stdin.Close()
	cmd.Wait()
	code, out, errOut := runCLI(t, "", "--db", db, "users", "add", "--unit", "A-102", "--first-names", "Ana",
		"--last-names", "Pérez", "--email", "ana@example.cl")
	if code != 0 {
		t.Fatalf("users add after the window closed: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(countUsers(t, db), "ana@example.cl") {
		t.Fatal("the user added after the window closed is not listed")
	}
	unlock, err := lockForWrite(db, "users add")
	if err != nil {
		t.Fatalf("the command kept the lock: %v", err)
	}
	unlock()
}

// TestOneWriterAtATime: while one command writes, a second one (another
// open file description, as another process has) is refused, and the first
// one's lock ends with it.
func TestOneWriterAtATime(t *testing.T) {
	enginetest.SQLiteOnly(t, "opening and writing a file")
	db := filepath.Join(t.TempDir(), "comunidad.db")
	unlock, err := lockForWrite(db, "letters send")
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockForWrite(db, "sync")
	var inUse errInUse
	if !errors.As(err, &inUse) || inUse.holder.pid != fmt.Sprint(os.Getpid()) ||
		!strings.Contains(err.Error(), "la está modificando el comando «comunidad letters send» (proceso ") ||
		!strings.Contains(err.Error(), "espere a que termine e intente de nuevo") {
		t.Fatalf("second writer: %v", err)
	}
	// A window opened meanwhile is refused too, naming the command.
	if err := lockDatabase(db); err == nil || !strings.Contains(err.Error(), "la está modificando el comando «comunidad letters send»") ||
		!strings.Contains(err.Error(), "espere a que termine e intente de nuevo") {
		releaseForTest(t, db)
		t.Fatalf("window while a command writes: %v", err)
	}
	unlock()
	again, err := lockForWrite(db, "sync")
	if err != nil {
		t.Fatalf("after the first writer ended: %v", err)
	}
	again()
}

// TestWriteInsideTheWindowProcess: a lock this process already holds (the
// window's own) does not refuse this process's writes.
func TestWriteInsideTheWindowProcess(t *testing.T) {
	enginetest.SQLiteOnly(t, "opening and writing a file")
	db := filepath.Join(t.TempDir(), "comunidad.db")
	if err := lockDatabase(db); err != nil {
		t.Fatal(err)
	}
	defer releaseForTest(t, db)
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "keep", "3"); code != 0 {
		t.Fatalf("backup keep in the window's process: %d %s", code, errOut)
	}
}
