package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// generateDB is a database with one community of three units: an owner with
// an email, a main account without one, a unit with nobody.
func generateDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gen.db")
	st := openDB(t, path)
	defer st.Close()
	for _, q := range []string{
		`INSERT INTO communities (id, name) VALUES (1, 'Edificio Los Álamos')`,
		`INSERT INTO units (id, community_id, code, name) VALUES (1, 1, '101', 'Depto 101'), (2, 1, '102', 'Depto 102'), (3, 1, '103', 'Depto 103')`,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, rut, email, phone, origin) VALUES
			(1, 1, 'k1', 'José', 'Núñez', '12345670-K', 'jose@example.cl', '0987654321', 'kastor'),
			(2, 1, 'k2', 'Marta', 'Rojas', '', '', '', 'kastor')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 1, 'main', 'kastor'), (2, 2, 'main', 'kastor')`,
	} {
		if _, err := st.Writer().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return onEngine(t, path)
}

func TestUsersGenerate(t *testing.T) {
	db := generateDB(t)
	out := filepath.Join(t.TempDir(), "usuarios.xlsx")
	code, stdout, stderr := runCLI(t, "", "--db", db, "users", "generate", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Comunidad: Edificio Los Álamos",
		"Cuentas: 1 nuevas, 0 ya existían.",
		"(2 usuarios en 3 unidades)",
		"Sin cuenta (1):",
		"102  Marta Rojas  sin correo",
		"Unidades sin usuarios (1): 103",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Usuarios")
	if err != nil || len(rows) != 3 {
		t.Fatalf("Usuarios: %q, %v", rows, err)
	}
	if got := strings.Join(rows[1][:14], "|"); got != "Edificio Los Álamos|101|Depto 101|||Propietario|Sí|José|Núñez|12345670-K|jose@example.cl|0987654321|Kastor|Activa (nueva)" {
		t.Fatalf("row 2: %s", got)
	}

	// Again, for one unit: nothing new.
	code, stdout, stderr = runCLI(t, "", "--db", db, "users", "generate", "--community", "edificio los alamos", "--units", "101, 103", "--out", out)
	if code != 0 || !strings.Contains(stdout, "Cuentas: 0 nuevas, 1 ya existían.") || !strings.Contains(stdout, "(1 usuario en 2 unidades)") || strings.Contains(stdout, "Sin cuenta") {
		t.Fatalf("second run: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestUsersGenerateErrors(t *testing.T) {
	db := generateDB(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"users", "generate"}, "falta --out"},
		{"not xlsx", []string{"users", "generate", "--out", filepath.Join(dir, "u.csv")}, "debe terminar en .xlsx"},
		{"unknown unit", []string{"users", "generate", "--out", filepath.Join(dir, "u.xlsx"), "--units", "101,999"}, `no existe la unidad "999"`},
		{"unknown community", []string{"users", "generate", "--out", filepath.Join(dir, "u.xlsx"), "--community", "Otra"}, `no existe la comunidad "Otra"`},
		{"missing folder", []string{"users", "generate", "--out", filepath.Join(dir, "no", "u.xlsx")}, "no se puede escribir"},
		{"extra argument", []string{"users", "generate", "--out", filepath.Join(dir, "u.xlsx"), "sobra"}, `argumento de más "sobra"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != 1 || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want one line with %q", code, stderr, tt.want)
			}
		})
	}
	// None of them created an account or left a file.
	st := openDB(t, db)
	defer st.Close()
	if a, _ := st.Accounts(context.Background(), 1); len(a) != 0 {
		t.Fatalf("accounts: %v", a)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
}
