package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comunidad/app/atomicfile"
	"comunidad/data"
	"comunidad/internal/enginetest"
)

// newDB makes a database with the given communities, each with n units.
func newDB(t *testing.T, n int, names ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "comunidad.db")
	st, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, name := range names {
		err := st.Tx(ctx, func(tx *data.DBTx) error {
			c, err := data.EnsureCommunity(ctx, tx, name)
			if err != nil {
				return err
			}
			for i := range n {
				if _, err := tx.ExecContext(ctx, `INSERT INTO units (community_id, code) VALUES (?, ?)`, c.ID, fmt.Sprintf("%d", 101+i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestBackupCommands(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backups of a file")
	db := newDB(t, 12, "Edificio Los Álamos")
	code, out, errOut := runCLI(t, "", "--db", db, "backup", "create")
	if code != 0 || !strings.Contains(out, "copia creada: ") || !strings.Contains(out, "(1 comunidad, 12 unidades, 0 personas)") {
		t.Fatalf("backup create: %d %q %q", code, out, errOut)
	}
	// Something changes after the backup.
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create", "--reason", "antes de probar"); code != 0 {
		t.Fatal(errOut)
	}
	st, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.CreateCommunity(context.Background(), "Condominio Las Brisas")
	st.Close()

	code, out, _ = runCLI(t, "", "--db", db, "backup", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "N ") || !strings.Contains(lines[1], "antes-de-probar") || !strings.Contains(lines[2], "manual") {
		t.Fatalf("backup list: %d\n%s", code, out)
	}
	// Restore the oldest (number 2): the second community goes, and the
	// state before the restore is kept as a new backup.
	code, out, errOut = runCLI(t, "", "--db", db, "backup", "restore", "2")
	if code != 0 || !strings.Contains(out, "el estado anterior quedó en") {
		t.Fatalf("backup restore: %d %q %q", code, out, errOut)
	}
	_, out, _ = runCLI(t, "", "--db", db, "communities")
	if strings.Contains(out, "Las Brisas") || !strings.Contains(out, "Los Álamos") {
		t.Fatalf("communities after restore:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "--db", db, "backup", "list")
	if !strings.Contains(out, "pre-restore") || strings.Count(out, "\n") != 4 {
		t.Fatalf("after restore:\n%s", out)
	}
	if code, out, _ := runCLI(t, "", "--db", db, "backup", "keep", "2"); code != 0 || !strings.Contains(out, "últimas 2") {
		t.Fatalf("backup keep: %d %q", code, out)
	}
	_, out, _ = runCLI(t, "", "--db", db, "backup", "list")
	if strings.Count(out, "\n") != 3 {
		t.Fatalf("after keep 2:\n%s", out)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"restore without which", []string{"backup", "restore"}, "indique qué copia restaurar"},
		{"restore out of range", []string{"backup", "restore", "9"}, "no existe la copia 9: hay 2"},
		{"restore missing file", []string{"backup", "restore", filepath.Join(t.TempDir(), "nada.db")}, "restaurar nada.db"},
		{"keep zero", []string{"backup", "keep", "0"}, "entre 1 y 100"},
		{"keep words", []string{"backup", "keep", "diez"}, `"diez" no es un número`},
		{"create with argument", []string{"backup", "create", "x"}, "no recibe argumentos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != 1 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q, want one line with %q", code, errOut, tt.want)
			}
		})
	}
	empty := filepath.Join(t.TempDir(), "otra.db")
	if code, out, _ := runCLI(t, "", "--db", empty, "backup", "list"); code != 0 || !strings.Contains(out, "no hay copias de seguridad") {
		t.Fatalf("empty list: %d %q", code, out)
	}
}

// A damaged database that does not pass the check is replaced by the
// backup from the command line too, and kept aside.
func TestBackupRestoreDamagedDatabase(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backups of a file")
	db := newDB(t, 400, "Edificio Los Álamos")
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create"); code != 0 {
		t.Fatal(errOut)
	}
	f, _ := os.OpenFile(db, os.O_RDWR, 0)
	f.WriteAt([]byte(strings.Repeat("\xba\xad", 2048)), 4*4096)
	f.Close()
	code, out, errOut := runCLI(t, "", "--db", db, "backup", "restore", "1")
	if code != 0 || !strings.Contains(out, "la base dañada quedó en") {
		t.Fatalf("restore over damaged: %d %q %q", code, out, errOut)
	}
	st, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	if us, _ := st.Units(context.Background(), 1); len(us) != 400 {
		t.Fatalf("units after recovery = %d", len(us))
	}
	if m, _ := filepath.Glob(db + ".danada-*"); len(m) != 1 {
		t.Fatalf("damaged file kept aside: %v", m)
	}
}

// helper runs the test binary again as a helper process (name is the test
// function that does the helper's work), with COMUNIDAD_HELPER=arg.
func helper(t *testing.T, name, arg string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), "COMUNIDAD_HELPER="+arg)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewScanner(stdout), stdin
}

// waitFor reads the helper's output until a line equals want.
func waitFor(t *testing.T, lines *bufio.Scanner, want string) {
	t.Helper()
	for lines.Scan() {
		if lines.Text() == want {
			return
		}
	}
	t.Fatalf("helper ended before saying %q", want)
}

// TestHelperHoldLock takes the window's lock on a database, as a running
// window does, and holds it until its standard input closes.
func TestHelperHoldLock(t *testing.T) {
	db := os.Getenv("COMUNIDAD_HELPER")
	if db == "" {
		t.Skip("helper process for TestSecondInstanceRefused")
	}
	if err := lockDatabase(db); err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func TestSecondInstanceRefused(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backups of a file")
	db := newDB(t, 1, "Edificio Los Álamos")
	for _, how := range []string{"closed", "killed"} {
		t.Run(how, func(t *testing.T) {
			cmd, lines, stdin := helper(t, "TestHelperHoldLock", db)
			waitFor(t, lines, "locked")

			// This process is the second instance: the window is refused,
			// and so is a restore from the command line.
			err := lockDatabase(db)
			var open errAlreadyOpen
			if !errors.As(err, &open) {
				t.Fatalf("second instance: %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "ya está abierta con esta base de datos") || !strings.Contains(msg, fmt.Sprintf("proceso %d", cmd.Process.Pid)) {
				t.Fatalf("message: %q", msg)
			}
			code, _, errOut := runCLI(t, "", "--db", db, "backup", "restore", "1")
			if code != 1 || !strings.Contains(errOut, "ya está abierta") {
				t.Fatalf("restore while open elsewhere: %d %q", code, errOut)
			}

			// When the first ends, however it ends, the database is free.
			if how == "closed" {
				stdin.Close()
			} else {
				cmd.Process.Kill() // SIGKILL: the OS drops the lock
			}
			cmd.Wait()
			if err := lockDatabase(db); err != nil {
				t.Fatalf("after the first instance %s: %v", how, err)
			}
			releaseForTest(t, db)
		})
	}
}

// TestHelperHoldLockAsCommand holds a database's lock the way a command
// that writes does («backup create»), until its standard input closes.
func TestHelperHoldLockAsCommand(t *testing.T) {
	db := os.Getenv("COMUNIDAD_HELPER")
	if db == "" {
		t.Skip("helper process for TestWindowWaitsForACommand")
	}
	unlock, err := lockForWrite(db, "backup create")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	unlock()
	os.Exit(0)
}

// A window started while a command writes to its database waits for the
// command to end (commands are short) instead of showing an error; a
// window started while another window holds it is refused at once, and
// one that waited lockWait in vain says which command holds it.
func TestWindowWaitsForACommand(t *testing.T) {
	enginetest.SQLiteOnly(t, "the lock of a file")
	db := newDB(t, 1, "Edificio Los Álamos")
	ctx := context.Background()

	_, lines, stdin := helper(t, "TestHelperHoldLockAsCommand", db)
	waitFor(t, lines, "locked")
	go func() {
		time.Sleep(700 * time.Millisecond)
		stdin.Close() // the command ends
	}()
	start := time.Now()
	var told []string
	if err := lockForWindow(withWaitNotice(ctx, func(c string) { told = append(told, c) }), db); err != nil {
		t.Fatalf("the window did not wait for the command: %v", err)
	}
	if len(told) != 1 || told[0] != "backup create" {
		t.Errorf("the starting window was told %q, want once «backup create»", told)
	}
	if waited := time.Since(start); waited < 500*time.Millisecond || waited > lockWait {
		t.Errorf("waited %v for a command that ended after 0.7 s", waited)
	}
	releaseForTest(t, db)

	// A command that does not end in time: the window gives up, naming it.
	defer func(w time.Duration) { lockWait = w }(lockWait)
	lockWait = 600 * time.Millisecond
	_, lines, _ = helper(t, "TestHelperHoldLockAsCommand", db)
	waitFor(t, lines, "locked")
	start = time.Now()
	err := lockForWindow(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "«comunidad backup create»") {
		t.Fatalf("a command that did not end: %v", err)
	}
	if waited := time.Since(start); waited < lockWait {
		t.Errorf("gave up after %v, before lockWait", waited)
	}

	// Another window: refused without waiting the whole lockWait.
	lockWait = 10 * time.Second
	db2 := newDB(t, 1, "Edificio Los Álamos")
	_, lines, _ = helper(t, "TestHelperHoldLock", db2)
	waitFor(t, lines, "locked")
	start = time.Now()
	told = nil
	err = lockForWindow(withWaitNotice(ctx, func(c string) { told = append(told, c) }), db2)
	if !errors.As(err, new(errAlreadyOpen)) || !strings.Contains(err.Error(), "otra ventana") {
		t.Fatalf("a second window: %v", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("a second window waited %v to be refused", waited)
	}
	if len(told) != 0 {
		t.Errorf("refused at once, yet the starting window was told it waits for %q", told)
	}
}

// releaseForTest drops this process's lock on db so a later subtest can
// play the second instance again.
func releaseForTest(t *testing.T, db string) {
	t.Helper()
	abs, _ := filepath.Abs(db)
	real, _ := realPath(abs)
	locksMu.Lock()
	defer locksMu.Unlock()
	if held, ok := locks[lockPath(real)]; ok {
		held.unlock()
		delete(locks, lockPath(real))
	}
}

// TestHelperKilledWriter does what the product's writers do (the users
// Excel file, the letters): inside one database transaction, it changes
// rows and writes an output file through atomicfile; it says "writing" half
// way and waits to be killed.
func TestHelperKilledWriter(t *testing.T) {
	arg := os.Getenv("COMUNIDAD_HELPER")
	if arg == "" {
		t.Skip("helper process for TestKilledWhileWritingOutput")
	}
	db, out, _ := strings.Cut(arg, "|")
	ctx := context.Background()
	st, err := data.Open(ctx, db)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	err = st.Tx(ctx, func(tx *data.DBTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE units SET name = 'a medio cambiar'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM communities WHERE name = 'Condominio Las Brisas'`); err != nil {
			return err
		}
		f, err := atomicfile.Create(out)
		if err != nil {
			return err
		}
		defer f.Abort()
		chunk := []byte(strings.Repeat("nuevo contenido ", 4096))
		for i := range 200 {
			if _, err := f.Write(chunk); err != nil {
				return err
			}
			if i == 100 {
				fmt.Println("writing")
				io.Copy(io.Discard, os.Stdin) // until killed
			}
		}
		return f.Commit()
	})
	fmt.Println("error:", err)
	os.Exit(3)
}

func TestKilledWhileWritingOutput(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backups of a file")
	db := newDB(t, 50, "Edificio Los Álamos", "Condominio Las Brisas")
	out := filepath.Join(filepath.Dir(db), "usuarios.xlsx")
	if err := os.WriteFile(out, []byte("el archivo anterior"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, before, _ := runCLI(t, "", "--db", db, "communities")

	cmd, lines, _ := helper(t, "TestHelperKilledWriter", db+"|"+out)
	waitFor(t, lines, "writing")
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".usuarios.xlsx.*.tmp"))
	if len(tmps) != 1 {
		t.Fatalf("the writer should be writing a temporary file: %v", tmps)
	}
	cmd.Process.Kill() // SIGKILL on Unix
	cmd.Wait()

	if got, _ := os.ReadFile(out); string(got) != "el archivo anterior" {
		t.Fatalf("the file the user chose holds %d bytes of something else", len(got))
	}
	st, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	var changed int
	st.Reader().QueryRow(`SELECT count(*) FROM units WHERE name = 'a medio cambiar'`).Scan(&changed)
	if _, after, _ := runCLI(t, "", "--db", db, "communities"); after != before || changed != 0 {
		t.Fatalf("database changed by a killed writer (%d units renamed):\n%s\nwas\n%s", changed, after, before)
	}
}

// kastorCSV writes a Kastor set-up sheet (one row per person) with the
// given number of units, each with an owner and a resident.
func kastorCSV(t *testing.T, path string, units int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"Edificio Los Álamos"})
	w.Write([]string{"Código", "Unidad", "Torre", "Piso", "RUT", "Nombres", "Apellido paterno", "Apellido materno", "Correo", "Teléfono", "Tipo", "Responsable", "Factor"})
	n := 0
	for u := 1; u <= units; u++ {
		n++
		w.Write([]string{fmt.Sprintf("A-%05d", u), fmt.Sprintf("Depto %d", u), "Torre A", fmt.Sprint(1 + u%30), "",
			"María José", "Núñez", "Peña", fmt.Sprintf("maria.nunez%d@example.cl", n), "+56 9 1234 5678", "Propietario", "Sí", "0,0001"})
		n++
		w.Write([]string{"", "", "", "", "", "Ñuño", "Ibáñez", "Soto", fmt.Sprintf("nuno%d@example.cl", n), "", "Residente", "No", ""})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// dbFingerprint hashes every row of every table of the database at path.
func dbFingerprint(t *testing.T, db *data.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tb := range tables {
		rows, err := db.Query("SELECT * FROM " + tb + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			fmt.Fprintf(h, "%s|%v\n", tb, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestHelperSync runs "comunidad sync" in a helper process, to be killed.
// With «|stop» it stops in the middle of its transaction, says "writing"
// and waits there; otherwise it says "syncing" and goes on.
func TestHelperSync(t *testing.T) {
	arg := os.Getenv("COMUNIDAD_HELPER")
	if arg == "" {
		t.Skip("helper process for TestKilledMidSync")
	}
	args := strings.Split(arg, "|")
	db, export := args[0], args[1]
	if len(args) > 2 && args[2] == "stop" {
		// Most of the writing done (the units and the people; the
		// memberships are its last step, 0.8 to 1), the transaction open.
		syncProgress = func(f float64) {
			if f >= 0.78 && f < 1 {
				fmt.Println("writing")
				io.Copy(io.Discard, os.Stdin) // until killed
			}
		}
	} else {
		fmt.Println("syncing")
	}
	os.Exit(run([]string{"--db", db, "sync", export}, strings.NewReader(""), io.Discard, os.Stderr))
}

// A real "comunidad sync" of a large Kastor export, SIGKILLed in its one
// transaction, and again while it commits (writing its pages into the WAL
// file: with the sync's big page cache, nothing reaches the WAL before
// the commit): the database opens, passes the integrity check and holds
// exactly what it held before the sync, or, killed as the commit ends,
// the whole import; never part of it.
//
// It used to kill once the WAL had grown past 6 MB, and to want the
// database as before: under load the commit could end before the kill
// landed, and the test failed on an import that was rightly whole.
func TestKilledMidSync(t *testing.T) {
	enginetest.SQLiteOnly(t, "the backups of a file")
	if testing.Short() {
		t.Skip("imports a large export")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "comunidad.db")
	small, big := filepath.Join(dir, "kastor-pequeña.csv"), filepath.Join(dir, "kastor-grande.csv")
	kastorCSV(t, small, 40)
	kastorCSV(t, big, 15000)
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", small); code != 0 {
		t.Fatalf("first sync: %s", errOut)
	}
	fingerprint := func() (string, int, int) {
		t.Helper()
		st, err := data.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		var runs, units int
		st.Reader().QueryRow(`SELECT count(*) FROM sync_runs`).Scan(&runs)
		st.Reader().QueryRow(`SELECT count(*) FROM units WHERE archived = 0`).Scan(&units)
		return dbFingerprint(t, st.Reader()), runs, units
	}
	want, _, _ := fingerprint()

	// In the transaction: the helper stops there and says so.
	cmd, lines, _ := helper(t, "TestHelperSync", db+"|"+big+"|stop")
	waitFor(t, lines, "writing")
	cmd.Process.Kill() // SIGKILL on Unix: no rollback, no cleanup
	cmd.Wait()
	if got, runs, _ := fingerprint(); got != want || runs != 1 {
		t.Fatalf("the sync killed in its transaction left part of its work (%d sync runs recorded)", runs)
	}

	// In the commit: killed as soon as the WAL grows.
	cmd, lines, _ = helper(t, "TestHelperSync", db+"|"+big)
	waitFor(t, lines, "syncing")
	deadline := time.Now().Add(2 * time.Minute)
	var walSize int64
	for {
		if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 1<<20 {
			walSize = st.Size()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync never got to write much into the WAL")
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	switch got, runs, units := fingerprint(); {
	case got == want && runs == 1:
		t.Logf("killed in the commit (%.1f MB in the WAL): the database is as before", float64(walSize)/(1<<20))
	case runs == 2 && units == 15000:
		t.Logf("killed as the commit ended (%.1f MB in the WAL seen): the import is whole", float64(walSize)/(1<<20))
	default:
		t.Fatalf("the sync killed in its commit left part of its work: %d sync runs, %d units", runs, units)
	}
	// The small export imports fine afterwards (over the whole import, its
	// guard rails want --yes: it archives most of the units).
	if code, out, errOut := runCLI(t, "", "--db", db, "sync", small, "--yes"); code != 0 || !strings.Contains(out, "Unidades:  0 nuevas") {
		t.Fatalf("sync after the kill: %d %q %q", code, out, errOut)
	}
}
