// Package enginetest is the table of database engines the tests run on:
// a package whose tests open their stores through it (data's own tests, and
// every package through datatest.Open) runs its whole suite once per engine,
// SQLite first and then PostgreSQL on a throwaway cluster (pgtest), from
// one TestMain:
//
//	func TestMain(m *testing.M) { enginetest.Main(m) }
//
// The tests are the same for both engines, not copies. A test of what only
// a file can do (backups of the file, its lock, its integrity check) says
// so with SQLiteOnly and is skipped on PostgreSQL with that reason.
//
// Where PostgreSQL is not installed the PostgreSQL pass is left out with a
// line saying so, unless COMUNIDAD_REQUIRE_PG=1 (CI), where its tests fail.
// COMUNIDAD_TEST_ENGINE=sqlite or =postgres runs one pass only.
package enginetest

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"comunidad/internal/pgtest"
)

// The engines, by the names data.Store.Engine uses.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Env chooses one engine's pass.
const Env = "COMUNIDAD_TEST_ENGINE"

var current = SQLite

// Current is the engine of the pass running now.
func Current() string { return current }

// IsPostgres reports whether the pass running now is PostgreSQL's.
func IsPostgres() bool { return current == Postgres }

// Engines lists the passes this run makes, in order.
func Engines() []string {
	switch os.Getenv(Env) {
	case SQLite:
		return []string{SQLite}
	case Postgres:
		return []string{Postgres}
	}
	if runtime.GOOS == "windows" {
		// As pgtest: no test cluster under Windows (a desktop there reaches
		// the office's server, it never runs one).
		return []string{SQLite}
	}
	if pgtest.Available() || os.Getenv(pgtest.RequireEnv) == "1" {
		return []string{SQLite, Postgres}
	}
	return []string{SQLite}
}

// Main runs the package's tests once per engine and exits with the worst
// code; the PostgreSQL cluster, if started, is stopped at the end.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain with work of its own after the tests: it
// returns the code instead of exiting.
func Run(m *testing.M) int {
	code := 0
	engines := Engines()
	if len(engines) == 1 && engines[0] == SQLite && os.Getenv(Env) == "" {
		fmt.Fprintln(os.Stderr, "enginetest: PostgreSQL no está disponible aquí: las pruebas corren solo en SQLite")
	}
	for _, e := range engines {
		current = e
		if len(engines) > 1 {
			fmt.Printf("=== enginetest: %s\n", e)
		}
		if c := m.Run(); c != 0 {
			if len(engines) > 1 {
				fmt.Printf("=== enginetest: FAIL on %s\n", e)
			}
			code = c
		}
	}
	if err := pgtest.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "enginetest:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// PostgresDSN is a fresh, empty database of the pass's cluster, dropped
// when the test ends.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	return pgtest.DSN(tb)
}

// PostgresSchemaDSN is a fresh database of the pass's cluster holding the
// application's schema: schema (given a DSN) migrates a template once per
// test binary, and each test gets a copy of it. Dropped when the test ends.
func PostgresSchemaDSN(tb testing.TB, schema func(dsn string) error) string {
	tb.Helper()
	return pgtest.DSNFrom(tb, "comunidad_schema", schema)
}

// SQLiteOnly skips the test on the PostgreSQL pass: what it tests is a
// file's (why says what, in a few words).
func SQLiteOnly(tb testing.TB, why string) {
	tb.Helper()
	if IsPostgres() {
		tb.Skipf("solo SQLite: %s", why)
	}
}

// PostgresOnly skips the test on SQLite's pass: it tests PostgreSQL itself
// (its schema, its connection), and runs once, on PostgreSQL's pass.
func PostgresOnly(tb testing.TB) {
	tb.Helper()
	if !IsPostgres() {
		tb.Skip("solo PostgreSQL: corre en la pasada de PostgreSQL")
	}
}
