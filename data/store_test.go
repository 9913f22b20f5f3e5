package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"comunidad/internal/enginetest"
)

// openTemp opens a fresh database of the pass's engine (enginetest): a file
// in the test's temporary folder, or a new database on the test cluster.
func openTemp(t testing.TB) *Store {
	t.Helper()
	var s *Store
	var err error
	if enginetest.IsPostgres() {
		s, err = OpenPostgres(context.Background(), enginetest.PostgresSchemaDSN(t, MigratePostgres))
	} else {
		s, err = Open(context.Background(), filepath.Join(t.TempDir(), "comunidad.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenCreatesSchemaInWAL(t *testing.T) {
	enginetest.SQLiteOnly(t, "el archivo de la base de datos")
	s := openTemp(t)
	ctx := context.Background()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != LatestVersion() {
		t.Fatalf("schema version = %d, %v; want %d", v, err, LatestVersion())
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.r.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys on reader = %d, %v", fk, err)
	}
	if _, err := s.r.ExecContext(ctx, `INSERT INTO communities (name) VALUES ('x')`); err == nil {
		t.Fatal("the reader pool accepted a write")
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	enginetest.SQLiteOnly(t, "el archivo de la base de datos")
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCommunity(ctx, "Edificio Los Álamos"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.CommunityByName(ctx, "edificio los álamos")
	if err != nil || c.Name != "Edificio Los Álamos" {
		t.Fatalf("after reopen: %+v, %v", c, err)
	}
}

func TestOpenUpgradesOlderSchemaInPlace(t *testing.T) {
	enginetest.SQLiteOnly(t, "el archivo de la base de datos")
	path := filepath.Join(t.TempDir(), "old.db")
	ctx := context.Background()
	// A database as version 1 left it, before any later migration.
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	first := migrations()[0]
	if _, err := db.Exec(first.sql); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 1; INSERT INTO communities (name) VALUES ('Antigua')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != LatestVersion() {
		t.Fatalf("version after upgrade = %d", v)
	}
	if _, err := s.CommunityByName(ctx, "Antigua"); err != nil {
		t.Fatalf("data lost in upgrade: %v", err)
	}
}

func TestOpenRefusesWithoutTouching(t *testing.T) {
	enginetest.SQLiteOnly(t, "el archivo de la base de datos")
	dir := t.TempDir()
	ctx := context.Background()

	newer := filepath.Join(dir, "newer.db")
	db, err := sql.Open("sqlite3", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x); PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	text := filepath.Join(dir, "notas.db")
	os.WriteFile(text, []byte("esto no es una base de datos, son notas de la reunión\n"), 0o644)

	short := filepath.Join(dir, "short.db")
	os.WriteFile(short, []byte("SQLite"), 0o644)

	ro := filepath.Join(dir, "ro.db")
	s, err := Open(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Remove(ro + "-wal")
	os.Remove(ro + "-shm")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		want error
	}{
		{"newer schema", newer, ErrNewerSchema},
		{"text file", text, ErrNotDatabase},
		{"short file", short, ErrNotDatabase},
		{"read-only file", ro, ErrReadOnly},
		{"folder", dir, ErrNotDatabase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			infoBefore, _ := os.Stat(tt.path)
			_, err := Open(ctx, tt.path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open(%s) = %v, want %v", tt.name, err, tt.want)
			}
			after, _ := os.ReadFile(tt.path)
			infoAfter, _ := os.Stat(tt.path)
			if !bytes.Equal(before, after) || infoBefore.ModTime() != infoAfter.ModTime() {
				t.Fatal("the refused file was modified")
			}
			if _, err := os.Stat(tt.path + "-wal"); err == nil && tt.path != dir {
				t.Fatal("a -wal file was created beside the refused file")
			}
		})
	}
}

func TestFailedTransactionLeavesNothing(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Tx(ctx, func(tx *DBTx) error {
		if _, err := EnsureCommunity(ctx, tx, "A medias"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	err = s.Tx(cctx, func(tx *DBTx) error {
		if _, err := EnsureCommunity(cctx, tx, "Cancelada"); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Tx = %v", err)
	}
	func() {
		defer func() { recover() }()
		s.Tx(ctx, func(tx *DBTx) error {
			EnsureCommunity(ctx, tx, "Pánico")
			panic("boom")
		})
	}()
	cs, err := s.Communities(ctx)
	if err != nil || len(cs) != 0 {
		t.Fatalf("communities after failed transactions: %v, %v", cs, err)
	}
	// The writer is usable again afterwards.
	if _, err := s.CreateCommunity(ctx, "Después"); err != nil {
		t.Fatal(err)
	}
}

func TestConstraints(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Condominio Las Brisas")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) error {
		_, err := s.w.ExecContext(ctx, q, args...)
		return err
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(exec(`INSERT INTO units (id, community_id, code) VALUES (1, ?, '101')`, c.ID))
	must(exec(`INSERT INTO people (id, community_id, email, origin, kastor_key) VALUES (1, ?, 'ana@example.cl', 'kastor', 'k1')`, c.ID))
	must(exec(`INSERT INTO people (id, community_id, email, origin, kastor_key) VALUES (2, ?, 'beto@example.cl', 'kastor', 'k2')`, c.ID))
	must(exec(`INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 1, 'main', 'kastor')`))
	must(s.ResyncIDs(ctx))

	bad := []struct {
		name string
		q    string
		args []any
	}{
		{"duplicate unit code", `INSERT INTO units (community_id, code) VALUES (?, '101')`, []any{c.ID}},
		{"blank unit code", `INSERT INTO units (community_id, code) VALUES (?, '  ')`, []any{c.ID}},
		{"unit of a missing community", `INSERT INTO units (community_id, code) VALUES (99, 'X')`, nil},
		{"email used twice", `INSERT INTO people (community_id, email, origin) VALUES (?, 'ana@example.cl', 'local')`, []any{c.ID}},
		{"unknown user type", `INSERT INTO people (community_id, user_type, origin) VALUES (?, 'dueño', 'local')`, []any{c.ID}},
		{"local person with a kastor key", `INSERT INTO people (community_id, origin, kastor_key) VALUES (?, 'local', 'k9')`, []any{c.ID}},
		{"second main account", `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 2, 'main', 'kastor')`, nil},
		{"local main account", `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 2, 'main', 'local')`, nil},
		{"membership of a missing person", `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 99, 'additional', 'local')`, nil},
		{"unknown outbox state", `INSERT INTO outbox (community_id, kind, dedupe_key, to_addr, state) VALUES (?, 'letter', 'x', 'a@b.cl', 'lost')`, []any{c.ID}},
	}
	for _, b := range bad {
		if err := exec(b.q, b.args...); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
	// Emails are unique only when present: many people may have none.
	must(exec(`INSERT INTO people (community_id, email, origin) VALUES (?, '', 'local')`, c.ID))
	must(exec(`INSERT INTO people (community_id, email, origin) VALUES (?, '', 'local')`, c.ID))
}
