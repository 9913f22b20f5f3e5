package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"comunidad/app/officedb"
	"comunidad/data"
	"comunidad/internal/enginetest"
)

// The command's tests run on SQLite and then on PostgreSQL (enginetest):
// the same commands on a file, then on an office database. The user's data
// folder (the office database's credentials, the default database) is one
// of the tests' own, never the real user's.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "comunidad-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if os.Getenv("COMUNIDAD_HELPER") == "" {
		os.Setenv("XDG_CONFIG_HOME", dir)
	}
	code := enginetest.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// onEngine is the database a test seeded in the file at path, on the pass's
// engine: the file itself on SQLite; on PostgreSQL a fresh office database
// holding the file's communities (copied as «db copy» does), by its URL.
func onEngine(t *testing.T, path string) string {
	t.Helper()
	if !enginetest.IsPostgres() {
		return path
	}
	ctx := context.Background()
	dsn := enginetest.PostgresSchemaDSN(t, data.MigratePostgres)
	src, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if cs, err := src.Communities(ctx); err != nil {
		t.Fatal(err)
	} else if len(cs) > 0 {
		if _, err := data.Copy(ctx, src, dst, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	return dsn
}

// emptyDB is a new database for a test, on the pass's engine: a file
// called name in the test's folder, or an empty office database.
func emptyDB(t *testing.T, name string) string {
	t.Helper()
	if enginetest.IsPostgres() {
		return enginetest.PostgresSchemaDSN(t, data.MigratePostgres)
	}
	return filepath.Join(t.TempDir(), name)
}

// openDB opens a test's database, a file or an office database's URL.
func openDB(t *testing.T, loc string) *data.Store {
	t.Helper()
	ctx := context.Background()
	var st *data.Store
	var err error
	if officedb.IsURL(loc) {
		st, err = data.OpenPostgres(ctx, loc)
	} else {
		st, err = data.Open(ctx, loc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}
