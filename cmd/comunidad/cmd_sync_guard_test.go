package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// brisas is an export of n units (one person each) under a title row.
func brisas(t *testing.T, title string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(title + "\nCódigo;Nombres;Apellidos;Correo\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "A-%03d;Nombre%d;Apellido%d;p%d@example.cl\n", i, i, i, i)
	}
	return writeFile(t, fmt.Sprintf("brisas-%d.csv", n), b.String())
}

func backupCount(t *testing.T, db string) int {
	if enginetest.IsPostgres() {
		return 0 // the office database's copies are its server's
	}
	m, _ := filepath.Glob(filepath.Join(data.BackupDir(db), "*.db"))
	return len(m)
}

// stateOf fingerprints the whole database, on either engine: its content
// and the imports it recorded.
func stateOf(t *testing.T, db string) string {
	t.Helper()
	st := openDB(t, db)
	defer st.Close()
	h, err := st.ContentHashes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var runs int
	if err := st.Reader().QueryRow(`SELECT count(*) FROM sync_runs`).Scan(&runs); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(h, runs)
}

// «sync --dry-run» prints the plan and writes nothing; each guard rail
// stops «sync» with its own message (exit 1, nothing written) unless
// --yes; «sync --undo» puts the community back, and refuses after a later
// change, saying what changed.
func TestSyncDryRunGuardRailsAndUndo(t *testing.T) {
	db := emptyDB(t, "c.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", brisas(t, "Condominio Las Brisas", 10)); code != 0 {
		t.Fatal(errOut)
	}
	base := stateOf(t, db)
	backups := backupCount(t, db)

	// The dry run: the plan, nothing written (not even a backup).
	moved := brisas(t, "Reporte de usuarios — CONDOMINIO LAS BRISAS", 9)
	code, out, errOut := runCLI(t, "", "--db", db, "sync", moved, "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: %d %s", code, errOut)
	}
	for _, want := range []string{"Vista previa (no se escribió nada): se actualizaría la comunidad Condominio Las Brisas",
		"Unidades:  0 nuevas, 0 actualizadas, 9 sin cambios, 1 archivadas, 0 restauradas",
		"Personas:  0 nuevas, 0 actualizadas, 9 sin cambios, 1 archivadas, 0 restauradas"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Atención") {
		t.Errorf("a tenth archived, its own name in capitals: no guard rail, got:\n%s", out)
	}
	code, out, _ = runCLI(t, "", "--db", db, "sync", brisas(t, "Condominio Las Brisas", 12), "--dry-run", "--json")
	var pv previewOutput
	if code != 0 || json.Unmarshal([]byte(out), &pv) != nil || pv.Units.New != 2 || pv.Units.Unchanged != 10 || len(pv.Warnings) != 0 {
		t.Fatalf("dry run json: %d %s", code, out)
	}
	if stateOf(t, db) != base || backupCount(t, db) != backups {
		t.Fatal("a dry run wrote")
	}

	// Each guard rail, with its own message; nothing written.
	other := brisas(t, "Reporte de usuarios — Condominio Los Aromos", 10)
	half := brisas(t, "Condominio Las Brisas", 6)
	two := brisas(t, "Condominio Las Brisas", 2)
	for _, tt := range []struct {
		file string
		want []string
	}{
		{other, []string{"la exportación es de «Condominio Los Aromos»", "no de «Condominio Las Brisas»"}},
		{half, []string{"archivaría 4 de 10 unidades (40 %) y 4 de 10 personas (40 %)"}},
		{two, []string{"archivaría 8 de 10 unidades", "tiene 2 filas de datos y la comunidad «Condominio Las Brisas» tiene 10 unidades"}},
	} {
		code, out, errOut := runCLI(t, "", "--db", db, "sync", tt.file)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "no se importó nada") || !strings.Contains(errOut, "--yes") {
			t.Errorf("%s: %d %q %q", filepath.Base(tt.file), code, out, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: %q lacks %q", filepath.Base(tt.file), errOut, w)
			}
		}
		if stateOf(t, db) != base {
			t.Fatalf("%s: a refused import wrote", filepath.Base(tt.file))
		}
		code, out, _ = runCLI(t, "", "--db", db, "sync", tt.file, "--dry-run")
		if code != 0 || !strings.Contains(out, "Atención: ") || !strings.Contains(out, tt.want[0]) {
			t.Errorf("%s: the dry run does not warn:\n%s", filepath.Base(tt.file), out)
		}
	}

	// --yes imports it; --undo puts it back.
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", half, "--yes"); code != 0 {
		t.Fatal(errOut)
	}
	if stateOf(t, db) == base {
		t.Fatal("--yes imported nothing")
	}
	code, out, errOut = runCLI(t, "", "--db", db, "sync", "--undo")
	if code != 0 || !strings.Contains(out, "Se deshizo la importación") || !strings.Contains(out, "4 archivadas") {
		t.Fatalf("undo: %d %q %q", code, out, errOut)
	}
	if got := stateOf(t, db); got != base {
		t.Fatalf("after the undo the database is not as before the import:\n%s\n---\n%s", base, got)
	}
	if code, _, errOut = runCLI(t, "", "--db", db, "sync", "--undo"); code != 1 || !strings.Contains(errOut, "no hay una importación que deshacer") {
		t.Fatalf("second undo: %d %q", code, errOut)
	}

	// A change after the import: the undo refuses and says what changed.
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", half, "--yes"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", db, "users", "add", "--unit", "A-001", "--first-names", "Inés", "--last-names", "Rojas", "--email", "ines@example.cl"); code != 0 {
		t.Fatal(errOut)
	}
	changed := stateOf(t, db)
	code, _, errOut = runCLI(t, "", "--db", db, "sync", "--undo")
	if code != 1 || !strings.Contains(errOut, "no se deshizo") || !strings.Contains(errOut, "las personas") || !strings.Contains(errOut, "los usuarios de las unidades") {
		t.Fatalf("undo after a change: %d %q", code, errOut)
	}
	if stateOf(t, db) != changed {
		t.Fatal("a refused undo wrote")
	}
	os.Remove(db + ".lock")
}
