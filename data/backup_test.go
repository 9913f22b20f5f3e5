package data

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"comunidad/internal/enginetest"
	"time"
)

// fill adds a community with n units, each with its main person.
func fill(t testing.TB, s *Store, name string, n int) {
	t.Helper()
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *DBTx) error {
		c, err := EnsureCommunity(ctx, tx, name)
		if err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			unit, err := insertID(ctx, tx, `INSERT INTO units (community_id, code, name) VALUES (?, ?, ?)`, c.ID, fmt.Sprintf("U%04d", i), fmt.Sprintf("Depto %d", i))
			if err != nil {
				return err
			}
			person, err := insertID(ctx, tx, `INSERT INTO people (community_id, kastor_key, first_names, last_names, email, origin) VALUES (?, ?, 'Ana María', 'Núñez Pérez', ?, 'kastor')`, c.ID, fmt.Sprintf("k%d", i), fmt.Sprintf("ana%d@example.cl", i))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (?, ?, 'main', 'kastor')`, unit, person); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fingerprint hashes every row of every table, so two databases compare
// equal only when they hold the same data.
func fingerprint(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
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
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+tb+" ORDER BY 1, 2")
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
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s|%v\n", tb, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	s := openTemp(t)
	ctx := context.Background()
	fill(t, s, "Edificio Los Álamos", 40)
	want := fingerprint(t, s.Reader())

	b, err := s.Backup(ctx, ReasonManual)
	if err != nil {
		t.Fatal(err)
	}
	if b.Communities != 1 || b.Units != 40 || b.People != 40 || b.Reason != ReasonManual || b.Size == 0 {
		t.Fatalf("backup = %+v", b)
	}
	if filepath.Dir(b.Path) != filepath.Join(filepath.Dir(s.Path()), "backups") {
		t.Fatalf("backup in %s", b.Path)
	}
	if _, err := os.Stat(b.Path + "-wal"); err == nil {
		t.Fatal("backup left a -wal file: it is not a standalone copy")
	}

	// Change the database: another community, unit U0001 gone from both.
	fill(t, s, "Condominio Las Brisas", 5)
	if _, err := s.Writer().ExecContext(ctx, `DELETE FROM units WHERE code = 'U0001'`); err != nil {
		t.Fatal(err)
	}
	changed := fingerprint(t, s.Reader())

	list, err := s.Backups(ctx)
	if err != nil || len(list) != 1 || list[0].Path != b.Path || list[0].Units != 40 || list[0].Err != nil {
		t.Fatalf("Backups = %+v, %v", list, err)
	}

	before, err := s.Restore(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, s.Reader()); got != want {
		t.Fatal("restored database differs from the backup")
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Communities(ctx)
	if err != nil || len(cs) != 1 || cs[0].Name != "Edificio Los Álamos" {
		t.Fatalf("communities after restore = %v, %v", cs, err)
	}
	// The state before the restore was kept, and restoring it goes back.
	if before.Reason != ReasonBeforeRestore || before.Communities != 2 || before.Units != 43 {
		t.Fatalf("pre-restore backup = %+v", before)
	}
	if _, err := s.Restore(ctx, before.Path); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, s.Reader()); got != changed {
		t.Fatal("restoring the pre-restore backup did not bring the changes back")
	}
	// Still a WAL database that takes writes, and reopens cleanly.
	var mode string
	s.Writer().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal_mode after restore = %q", mode)
	}
	fill(t, s, "Torre Norte", 1)
	path := s.Path()
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBackupWhileWriting(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	s := openTemp(t)
	ctx := context.Background()
	fill(t, s, "Edificio Los Álamos", 20)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			fill(t, s, fmt.Sprintf("Comunidad %d", i), 10)
		}
	}()
	var infos []BackupInfo
	for range 5 {
		b, err := s.Backup(ctx, ReasonSync)
		if err != nil {
			t.Error(err)
			break
		}
		infos = append(infos, b)
	}
	wg.Wait()
	for _, b := range infos {
		// Each copy is a whole snapshot: whole communities only.
		if b.Units != 20+10*(b.Communities-1) || b.People != b.Units {
			t.Errorf("backup %s holds %d communities, %d units, %d people: not one snapshot", filepath.Base(b.Path), b.Communities, b.Units, b.People)
		}
		if _, err := ReadBackup(ctx, b.Path, true); err != nil {
			t.Errorf("%s: %v", b.Path, err)
		}
	}
}

func TestBackupKeepsTheLastN(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	s := openTemp(t)
	ctx := context.Background()
	fill(t, s, "Edificio Los Álamos", 3)
	if got := s.BackupKeep(ctx); got != DefaultBackupKeep {
		t.Fatalf("default keep = %d", got)
	}
	for _, bad := range []int{0, -1, MaxBackupKeep + 1} {
		var kr *KeepRangeError
		if err := s.SetBackupKeep(ctx, bad); !errors.As(err, &kr) || kr.N != bad || err.Error() != "el número de copias a conservar debe estar entre 1 y 100" {
			t.Fatalf("SetBackupKeep(%d): %v", bad, err)
		}
	}
	var made []string
	for range 5 {
		b, err := s.Backup(ctx, ReasonManual)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, b.Path)
	}
	if err := s.SetBackupKeep(ctx, 3); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Backups(ctx)
	if len(list) != 3 || list[0].Path != made[4] || list[2].Path != made[2] {
		t.Fatalf("after keep=3: %v", paths(list))
	}
	b, err := s.Backup(ctx, ReasonDaily)
	if err != nil {
		t.Fatal(err)
	}
	list, _ = s.Backups(ctx)
	if len(list) != 3 || list[0].Path != b.Path || list[0].Reason != ReasonDaily {
		t.Fatalf("after one more: %v", paths(list))
	}
	// Restoring the oldest at the limit: the pre-restore backup must not
	// push out the one being restored.
	oldest := list[2].Path
	if _, err := s.Restore(ctx, oldest); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(oldest); err != nil {
		t.Fatal("the backup being restored was pruned")
	}
	// Another database beside it keeps its own backups.
	other, err := Open(ctx, filepath.Join(filepath.Dir(s.Path()), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if l, _ := other.Backups(ctx); len(l) != 0 {
		t.Fatalf("demo.db sees %d backups of comunidad.db", len(l))
	}
}

func paths(l []BackupInfo) []string {
	var out []string
	for _, b := range l {
		out = append(out, filepath.Base(b.Path))
	}
	return out
}

func TestBackupIfDue(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	s := openTemp(t)
	ctx := context.Background()
	if _, done, err := s.BackupIfDue(ctx, ReasonDaily, 24*time.Hour); err != nil || done {
		t.Fatalf("empty database: done=%v err=%v", done, err)
	}
	fill(t, s, "Edificio Los Álamos", 2)
	b, done, err := s.BackupIfDue(ctx, ReasonDaily, 24*time.Hour)
	if err != nil || !done || b.Reason != ReasonDaily {
		t.Fatalf("first: %+v %v %v", b, done, err)
	}
	if _, done, _ := s.BackupIfDue(ctx, ReasonDaily, 24*time.Hour); done {
		t.Fatal("second backup the same day")
	}
	// A backup older than a day (by its name) makes one due again.
	old := filepath.Join(BackupDir(s.Path()), "comunidad-"+time.Now().Add(-48*time.Hour).UTC().Format(backupLayout)+"-daily.db")
	os.Rename(b.Path, old)
	if _, done, err := s.BackupIfDue(ctx, ReasonDaily, 24*time.Hour); err != nil || !done {
		t.Fatalf("after two days: done=%v err=%v", done, err)
	}
}

func TestBackupNames(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	tm := time.Date(2026, 11, 27, 13, 45, 0, 123e6, time.UTC)
	tests := []struct {
		stem, name string
		ok         bool
		reason     string
	}{
		{"comunidad", "comunidad-20261127T134500.123Z-sync.db", true, "sync"},
		{"comunidad", "comunidad-20261127T134500.123Z-pre-restore.db", true, "pre-restore"},
		{"mi-base", "mi-base-20261127T134500.123Z-daily.db", true, "daily"},
		{"demo", "comunidad-20261127T134500.123Z-sync.db", false, ""},
		{"comunidad", ".comunidad-20261127T134500.123Z-sync.db.tmp", false, ""},
		{"comunidad", "comunidad-2026-sync.db", false, ""},
		{"comunidad", "comunidad-20261127T134500.123Z-.db", false, ""},
	}
	for _, tt := range tests {
		got, reason, ok := parseBackupName(tt.stem, tt.name)
		if ok != tt.ok || reason != tt.reason || (ok && !got.Equal(tm)) {
			t.Errorf("parseBackupName(%q, %q) = %v %q %v", tt.stem, tt.name, got, reason, ok)
		}
		if tt.ok && backupStemOf(tt.name) != tt.stem {
			t.Errorf("backupStemOf(%q) = %q", tt.name, backupStemOf(tt.name))
		}
	}
	for in, want := range map[string]string{"sync": "sync", "Antes de sincronizar": "antes-de-sincronizar", "../x": "x", "": "manual", "ñ": "manual"} {
		if got := cleanReason(in); got != want {
			t.Errorf("cleanReason(%q) = %q, want %q", in, got, want)
		}
	}
}

// damage overwrites part of a closed database file with garbage beyond its
// first pages (its schema), the way a failing disk would.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if st.Size() < 16*4096 {
		t.Fatalf("%s too small to damage (%d bytes)", path, st.Size())
	}
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 4096*3/4))
	if _, err := f.WriteAt(junk, 6*4096); err != nil {
		t.Fatal(err)
	}
}

func TestRecoverFromBackup(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	ctx := context.Background()
	s := openTemp(t)
	fill(t, s, "Edificio Los Álamos", 300)
	want := fingerprint(t, s.Reader())
	good, err := s.Backup(ctx, ReasonManual)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, "Condominio Las Brisas", 10)
	newer, err := s.Backup(ctx, ReasonSync)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	damage(t, path)
	damage(t, newer.Path) // the newest backup is damaged too

	// The damaged database opens (its schema is intact) but fails the check.
	if d, err := Open(ctx, path); err == nil {
		if d.IntegrityCheck(ctx) == nil {
			t.Fatal("integrity check passed on a damaged file")
		}
		d.Close()
	}
	list, err := ListBackups(ctx, path)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListBackups = %v, %v", list, err)
	}
	latest, err := LatestGoodBackup(ctx, path)
	if err != nil || latest.Path != good.Path {
		t.Fatalf("LatestGoodBackup = %s, %v; want %s", latest.Path, err, good.Path)
	}
	before, _ := os.ReadFile(path)
	aside, err := RecoverFromBackup(ctx, path, latest.Path)
	if err != nil {
		t.Fatal(err)
	}
	if kept, _ := os.ReadFile(aside); string(kept) != string(before) {
		t.Fatal("the damaged file was not kept aside as it was")
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, s2.Reader()); got != want {
		t.Fatal("recovered database differs from the backup")
	}
	// A damaged backup is never restored over the live database.
	if _, err := s2.Restore(ctx, newer.Path); err == nil {
		t.Fatal("restored a damaged backup")
	}
	if got := fingerprint(t, s2.Reader()); got != want {
		t.Fatal("a refused restore changed the database")
	}
	if _, err := LatestGoodBackup(ctx, filepath.Join(t.TempDir(), "x.db")); err != ErrNoBackup {
		t.Fatalf("no backups: %v", err)
	}
}

// The kill test's helper: run as a subprocess, it opens the database, starts
// one long write transaction, says "writing" once it has written far more
// than SQLite's page cache holds (so uncommitted pages are in the WAL file),
// and keeps writing until it is killed.
func TestKillHelperLongTransaction(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	path := os.Getenv("COMUNIDAD_KILL_HELPER_DB")
	if path == "" {
		t.Skip("helper process for TestKilledMidTransaction")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	err = s.Tx(ctx, func(tx *DBTx) error {
		c, err := EnsureCommunity(ctx, tx, "Comunidad a medio escribir")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM units WHERE code LIKE 'U00%'`); err != nil {
			return err
		}
		pad := strings.Repeat("x", 2000)
		for i := 0; ; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO units (community_id, code, name, assigned) VALUES (?, ?, ?, ?)`, c.ID, fmt.Sprintf("K%07d", i), "Depto", pad); err != nil {
				return err
			}
			if i == 20000 { // ~40 MB: well past the page cache
				fmt.Println("writing")
			}
			if i > 20000 {
				time.Sleep(time.Millisecond)
			}
		}
	})
	fmt.Println("error:", err)
	os.Exit(3)
}

func TestKilledMidTransaction(t *testing.T) {
	enginetest.SQLiteOnly(t, "copias de seguridad del archivo")
	if testing.Short() {
		t.Skip("writes ~40 MB")
	}
	ctx := context.Background()
	s := openTemp(t)
	fill(t, s, "Edificio Los Álamos", 100)
	want := fingerprint(t, s.Reader())
	path := s.Path()
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelperLongTransaction$", "-test.count=1")
	cmd.Env = append(os.Environ(), "COMUNIDAD_KILL_HELPER_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	started := false
	for lines.Scan() {
		if lines.Text() == "writing" {
			started = true
			break
		}
		if strings.HasPrefix(lines.Text(), "error:") {
			break
		}
	}
	if !started {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper never reached the middle of its transaction (last line %q)", lines.Text())
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() < 8<<20 {
		t.Errorf("the WAL should hold the uncommitted pages: %v", err)
	}
	// Process.Kill is SIGKILL on Unix: no chance to roll back or clean up.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t, s2.Reader()); got != want {
		t.Fatal("the database changed: a killed transaction left part of its work")
	}
	// And it takes writes again.
	fill(t, s2, "Después del corte", 1)
}

// On the office database the file's backups refuse, saying why, and write
// nothing anywhere (a relative «backups» folder was made in the current
// directory before).
func TestOfficeDatabaseKeepsNoBackups(t *testing.T) {
	enginetest.PostgresOnly(t)
	dir := t.TempDir()
	t.Chdir(dir)
	s := openTemp(t)
	ctx := context.Background()
	fill(t, s, "Edificio Los Álamos", 3)
	if _, err := s.Backup(ctx, ReasonManual); !errors.Is(err, ErrServerBackup) {
		t.Fatalf("Backup: %v", err)
	}
	if _, _, err := s.BackupIfDue(ctx, ReasonDaily, 0); !errors.Is(err, ErrServerBackup) {
		t.Fatalf("BackupIfDue: %v", err)
	}
	if _, err := s.Backups(ctx); !errors.Is(err, ErrServerBackup) {
		t.Fatalf("Backups: %v", err)
	}
	if _, err := s.Restore(ctx, filepath.Join(dir, "x.db")); !errors.Is(err, ErrServerBackup) {
		t.Fatalf("Restore: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the office database's backups wrote %v", left)
	}
}
