package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
)

// usersDB is a database with one community: unit 101 with a Kastor owner,
// 102 with a secondary email, 103 empty.
func usersDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.db")
	ctx := context.Background()
	st := openDB(t, path)
	defer st.Close()
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO units (id, community_id, code, name) VALUES (1, %[1]d, '101', 'Depto 101'), (2, %[1]d, '102', 'Depto 102'), (3, %[1]d, '103', 'Depto 103')`, c.ID),
		fmt.Sprintf(`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, email, origin) VALUES (1, %d, 'k1', 'José', 'Núñez', 'jose@example.cl', 'kastor')`, c.ID),
		`INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 1, 'main', 'kastor')`,
		`INSERT INTO secondary_emails (unit_id, email) VALUES (2, 'conserje@example.cl')`,
	} {
		if _, err := st.Writer().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return onEngine(t, path)
}

func dbState(t *testing.T, path string) string {
	t.Helper()
	st := openDB(t, path)
	defer st.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id || ' ' || first_names || ' ' || last_names || ' ' || rut || ' ' || email || ' ' || phone || ' ' || user_type || ' ' || origin FROM people ORDER BY id`,
		`SELECT unit_id || ' ' || person_id || ' ' || role || ' ' || origin FROM memberships ORDER BY unit_id, person_id`,
		`SELECT unit_id || ' ' || email FROM secondary_emails ORDER BY id`,
		`SELECT kind || ' ' || dedupe_key || ' ' || to_addr || ' ' || to_name || ' ' || state FROM outbox ORDER BY id`,
	} {
		rows, err := st.Reader().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s + "\n")
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func TestUsersAdd(t *testing.T) {
	db := usersDB(t)
	code, out, errOut := runCLI(t, "", "--db", db, "users", "add", "--unit", "101", "--first-names", " Ana  María ",
		"--last-names", "Soto", "--email", "Ana@Example.cl", "--rut", "7.654.321-6", "--phone", "+56 9 1234 5678", "--type", "Arrendatario")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "Agregado Ana María Soto <ana@example.cl> a la unidad 101 (1 de 5 usuarios adicionales); su aviso de nuevo usuario quedó pendiente de envío.\n"; out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	got := dbState(t, db)
	for _, want := range []string{
		"2 Ana María Soto 7654321-6 ana@example.cl +56 9 1234 5678 arrendatario local\n",
		"1 2 additional local\n",
		"new_user new_user:1:2 ana@example.cl Ana María Soto pending\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("database lacks %q:\n%s", want, got)
		}
	}
}

func TestUsersAddRefusals(t *testing.T) {
	db := usersDB(t)
	for i := 1; i <= data.MaxLocalUsers; i++ {
		if code, _, errOut := runCLI(t, "", "--db", db, "users", "add", "--unit", "103", "--first-names", "Ana",
			"--last-names", "Soto", "--email", fmt.Sprintf("ana%d@example.cl", i)); code != 0 {
			t.Fatalf("user %d: %s", i, errOut)
		}
	}
	base := []string{"--db", db, "users", "add", "--unit", "101", "--first-names", "Luis", "--last-names", "Vera", "--email", "luis@example.cl"}
	with := func(extra ...string) []string {
		args := append([]string{}, base...)
		for i := 0; i < len(extra); i += 2 {
			replaced := false
			for j := 3; j < len(args); j += 2 {
				if args[j] == extra[i] {
					args[j+1], replaced = extra[i+1], true
				}
			}
			if !replaced {
				args = append(args, extra[i], extra[i+1])
			}
		}
		return args
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no unit", with("--unit", " "), "falta --unit"},
		{"unknown unit", with("--unit", "999"), `no tiene la unidad "999"`},
		{"unknown community", with("--community", "Otra"), `no existe la comunidad "Otra"`},
		{"empty names", with("--first-names", ""), "Faltan los nombres"},
		{"whitespace surnames", with("--last-names", "   "), "Faltan los apellidos"},
		{"no email", with("--email", ""), "Falta el correo"},
		{"invalid email", with("--email", "luis@"), `Correo inválido "luis@"`},
		{"bad rut", with("--rut", "12.345.678-9"), "RUT inválido"},
		{"bad phone", with("--phone", "abc"), "Teléfono inválido"},
		{"bad type", with("--type", "dueño"), `Tipo de usuario inválido "dueño"`},
		{"kastor email", with("--unit", "102", "--email", "JOSE@example.cl"), "ya es de José Núñez, que viene de Kastor (la unidad 101)"},
		{"already in the unit", with("--email", "jose@example.cl"), "José Núñez (jose@example.cl) ya es usuario de la unidad 101"},
		{"another person's email", with("--email", "ana1@example.cl"), "ya es de Ana Soto (la unidad 103)"},
		{"secondary email", with("--email", "conserje@example.cl"), "correo secundario de la unidad 102"},
		{"sixth user", with("--unit", "103"), "La unidad 103 ya tiene 5 usuarios adicionales, el máximo"},
		{"unknown flag", with("--correo", "x"), "opción desconocida: -correo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dbState(t, db)
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 1 || out != "" {
				t.Fatalf("exit %d, stdout %q", code, out)
			}
			if !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("stderr %q, want one line with %q", errOut, tt.want)
			}
			if dbState(t, db) != before {
				t.Fatal("a refused add changed the database")
			}
		})
	}
}

func TestUsersRemove(t *testing.T) {
	db := usersDB(t)
	if code, _, errOut := runCLI(t, "", "--db", db, "users", "add", "--unit", "101", "--first-names", "Ana",
		"--last-names", "Soto", "--email", "ana@example.cl"); code != 0 {
		t.Fatal(errOut)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "jose@example.cl", "--unit", "101"}, "José Núñez viene de Kastor: cámbielo allí y use «Importar datos»"},
		{[]string{"--email", "ana@example.cl", "--unit", "102"}, "la unidad 102 no tiene un usuario ni un correo secundario ana@example.cl"},
		{[]string{"--email", "ana@", "--unit", "101"}, "Correo inválido"},
		{[]string{"--email", "ana@example.cl"}, "falta --unit"},
	} {
		before := dbState(t, db)
		code, _, errOut := runCLI(t, "", append([]string{"--db", db, "users", "remove"}, tt.args...)...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, errOut, tt.want)
		}
		if dbState(t, db) != before {
			t.Errorf("%v changed the database", tt.args)
		}
	}
	code, out, errOut := runCLI(t, "", "--db", db, "users", "remove", "--email", "ANA@example.cl", "--unit", "101")
	if code != 0 || out != "Quitado Ana Soto <ana@example.cl> de la unidad 101.\n" {
		t.Fatalf("remove: %d %q %q", code, out, errOut)
	}
	got := dbState(t, db)
	if strings.Contains(got, "ana@example.cl local") || !strings.Contains(got, "new_user:1:2 ana@example.cl Ana Soto cancelled") {
		t.Fatalf("after removing:\n%s", got)
	}
	code, out, _ = runCLI(t, "", "--db", db, "users", "remove", "--email", "conserje@example.cl", "--unit", "102")
	if code != 0 || out != "Quitado el correo secundario conserje@example.cl de la unidad 102.\n" {
		t.Fatalf("remove secondary: %d %q", code, out)
	}
	if strings.Contains(dbState(t, db), "conserje") {
		t.Fatal("secondary email still there")
	}
}
