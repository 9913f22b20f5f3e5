package data

import (
	"context"
	"errors"
	"testing"

	"comunidad/internal/enginetest"
	"comunidad/internal/pgtest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// Both engines' migrations reach the same version: a schema change made for
// one engine and not the other fails here.
func TestPostgresMigrationsMatchSQLite(t *testing.T) {
	enginetest.PostgresOnly(t)
	if got, want := LatestPostgresVersion(), LatestVersion(); got != want {
		t.Fatalf("PostgreSQL's migrations reach version %d, SQLite's %d", got, want)
	}
}

func TestPostgresSchemaMigratesOnceAndRefusesNewer(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, pool, err := openPostgresSchema(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := postgresSchemaVersion(ctx, db); err != nil || v != LatestVersion() {
		t.Fatalf("version = %d, %v; want %d", v, err, LatestVersion())
	}
	// The schema's rules, as SQLite has them.
	if _, err := db.ExecContext(ctx, `INSERT INTO communities (name) VALUES ('Parque Los Aromos')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO communities (name) VALUES ('PARQUE los aromos')`); err == nil {
		t.Fatal("a community name differing only in case was accepted")
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO communities (name) VALUES ('  ')`); err == nil {
		t.Fatal("a blank community name was accepted")
	}
	var created string
	if err := db.QueryRowContext(ctx, `SELECT created_at FROM communities`).Scan(&created); err != nil || ParseTime(created).IsZero() {
		t.Fatalf("created_at = %q, %v: not in the stored form", created, err)
	}
	db.Close()
	pool.Close()

	// Opening again applies nothing and keeps the data.
	db, pool, err = openPostgresSchema(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM communities`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("communities after reopening = %d, %v", n, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&n); err != nil || n != len(migrationsIn(pgMigrationsDir)) {
		t.Fatalf("schema_version rows = %d, %v; want one a migration, applied once", n, err)
	}
	// A newer build's schema is refused and left as it is.
	if _, err := db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pool.Close()
	if _, _, err := openPostgresSchema(ctx, dsn, ""); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("newer schema: err = %v, want ErrNewerSchema", err)
	}
}

func TestPostgresServerDownIsAnError(t *testing.T) {
	enginetest.PostgresOnly(t)
	// A port nobody listens on: an error, wrapped, not a panic.
	_, _, err := openPostgresSchema(context.Background(), "postgres://postgres@127.0.0.1:1/comunidad?sslmode=disable&connect_timeout=5", "")
	if err == nil {
		t.Fatal("opened a server that is not there")
	}
}

func TestEngineOfAFileIsSQLite(t *testing.T) {
	enginetest.SQLiteOnly(t, "abre un archivo")
	if got := openTemp(t).Engine(); got != EngineSQLite {
		t.Fatalf("Engine() = %q, want %q", got, EngineSQLite)
	}
}

// Every connection says which desktop it is (application_name): the server
// lists it so, and another desktop reads who holds an import from it.
func TestPostgresConnectionsNameTheDesktop(t *testing.T) {
	enginetest.PostgresOnly(t)
	s := openTemp(t)
	var app string
	if err := s.r.QueryRow(`SELECT current_setting('application_name')`).Scan(&app); err != nil {
		t.Fatal(err)
	}
	u, h := parseAppName(app)
	wu, wh := Who()
	if u != wu || h != wh || u == "" || h == "" {
		t.Fatalf("application_name %q: %q@%q, want %q@%q", app, u, h, wu, wh)
	}
}
