package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"comunidad/app/letter"
	"comunidad/data"
	"comunidad/internal/enginetest"
)

const syncCSV = "\ufeffCondominio Las Brisas de Ñuñoa\r\n" +
	"Código;Torre;Piso;RUT;Nombres;Apellido paterno;Apellido materno;Correo;Teléfono;Tipo;Responsable;Factor\r\n" +
	"A-101;Torre A;1;12.345.678-5;María José;Núñez;Peña;mj@example.cl;+56 9 1111 2222;Propietario;Sí;0,0123\r\n" +
	";;;;Pedro;Soto;;pedro@example.cl;;Arrendatario;No;\r\n" +
	"A-102;Torre A;1;;Rosa;Ibáñez;;;;Propietario;Sí;0,0100\r\n"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSyncAndListings(t *testing.T) {
	db := emptyDB(t, "c.db")
	src := writeFile(t, "brisas.csv", syncCSV)

	code, out, errOut := runCLI(t, "", "--db", db, "sync", src, "--json")
	if code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	var rep struct {
		Community string
		Layout    string
		Units     data.SyncCounts
		Users     data.SyncCounts
		Problems  []data.SyncProblem
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Community != "Condominio Las Brisas de Ñuñoa" || rep.Layout != "una fila por persona" ||
		rep.Units != (data.SyncCounts{New: 2}) || rep.Users != (data.SyncCounts{New: 3}) ||
		len(rep.Problems) != 1 || rep.Problems[0].Row != 5 {
		t.Fatalf("report: %+v", rep)
	}

	code, out, errOut = runCLI(t, "", "--db", db, "users", "--format", "csv")
	if code != 0 {
		t.Fatalf("users: %d %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"community", "unit_code", "unit_name", "role", "origin", "first_names", "last_names", "rut", "email", "phone", "user_type", "archived"}
	if !reflect.DeepEqual(recs[0], wantHeader) || len(recs) != 4 {
		t.Fatalf("users csv:\n%s", out)
	}
	if got := strings.Join(recs[1], "|"); got != "Condominio Las Brisas de Ñuñoa|A-101||main|kastor|María José|Núñez Peña|12345678-5|mj@example.cl|'+56 9 1111 2222|propietario|false" {
		t.Fatalf("first user: %s", got)
	}

	// A local user and a secondary email, added as the window would.
	st := openDB(t, db)
	for _, q := range []string{
		`INSERT INTO people (community_id, first_names, last_names, email, user_type, origin) VALUES (1, 'Camila', 'Rojas', 'camila@example.cl', 'residente', 'local')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin) SELECT u.id, p.id, 'additional', 'local' FROM units u, people p WHERE u.code = 'A-102' AND p.email = 'camila@example.cl'`,
		`INSERT INTO secondary_emails (unit_id, email) SELECT id, 'conserjeria@example.cl' FROM units WHERE code = 'A-102'`,
	} {
		if _, err := st.Writer().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	// Kastor drops Pedro and A-102 and adds B-201; the same command again.
	next := writeFile(t, "brisas-2.csv", strings.Replace(strings.Replace(syncCSV, ";;;;Pedro;Soto;;pedro@example.cl;;Arrendatario;No;\r\n", "", 1),
		"A-102;Torre A;1;;Rosa;Ibáñez;;;;Propietario;Sí;0,0100", "B-201;Torre B;2;;Inés;Muñoz;;ines@example.cl;;Propietario;Sí;0,0100", 1))
	code, out, errOut = runCLI(t, "", "--db", db, "sync", "--community", "condominio las brisas de nunoa", "--yes", next)
	if code != 0 {
		t.Fatalf("second sync: %d %s", code, errOut)
	}
	for _, want := range []string{"Unidades:  1 nuevas, 0 actualizadas, 1 sin cambios, 1 archivadas", "Usuarios:  1 nuevos, 0 actualizados, 1 sin cambios, 2 archivados"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", "--db", db, "users", "--format", "json")
	var users []map[string]any
	if err := json.Unmarshal([]byte(out), &users); err != nil || code != 0 {
		t.Fatalf("users json: %v\n%s", err, out)
	}
	var lines []string
	for _, u := range users {
		if len(u) != len(wantHeader) {
			t.Fatalf("keys: %v", u)
		}
		lines = append(lines, u["unit_code"].(string)+" "+u["role"].(string)+" "+u["origin"].(string)+" "+u["email"].(string)+" "+map[bool]string{true: "archived", false: "active"}[u["archived"].(bool)])
	}
	want := []string{
		"A-101 main kastor mj@example.cl active",
		"A-101 additional kastor pedro@example.cl archived",
		"A-102 main kastor  archived",
		"A-102 additional local camila@example.cl archived",
		"A-102 secondary_email local conserjeria@example.cl archived",
		"B-201 main kastor ines@example.cl active",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("users after the second sync:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	code, out, _ = runCLI(t, "", "--db", db, "sync", next)
	if code != 0 || !strings.Contains(out, "Sin cambios") {
		t.Fatalf("same file again: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "--db", db, "units", "--format", "json")
	var units []map[string]any
	if err := json.Unmarshal([]byte(out), &units); err != nil || code != 0 || len(units) != 3 || units[1]["archived"] != true || units[0]["factor"] != 0.0123 {
		t.Fatalf("units json: %v\n%s", err, out)
	}
	code, out, _ = runCLI(t, "", "--db", db, "units")
	if code != 0 || !strings.Contains(out, "A-102") || !strings.Contains(out, "archivada") || !strings.Contains(out, "0,0123") {
		t.Fatalf("units table:\n%s", out)
	}
	code, out, _ = runCLI(t, "", "--db", db, "users")
	if code != 0 || !strings.Contains(out, "12.345.678-5") || !strings.Contains(out, "correo secundario") || !strings.Contains(out, "6 usuarios") {
		t.Fatalf("users table:\n%s", out)
	}
}

func TestSyncRefusesBadInputWithOneLine(t *testing.T) {
	db := emptyDB(t, "c.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", writeFile(t, "ok.csv", syncCSV)); code != 0 {
		t.Fatal(errOut)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"missing column", []string{"sync", writeFile(t, "x.csv", "Código;Nombres;Apellidos\nA-1;Ana;Soto\n")}, "falta la columna «Correo»"},
		{"empty file", []string{"sync", writeFile(t, "vacio.xlsx", "")}, "está vacío"},
		{"wrong type", []string{"sync", writeFile(t, "x.pdf", "%PDF-1.4\n")}, "es un PDF"},
		{"no source", []string{"sync"}, "indique un archivo"},
		{"bad format", []string{"users", "--format", "xml"}, "formato \"xml\" desconocido"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != 1 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q, want %q", code, errOut, tt.want)
			}
		})
	}
	code, out, _ := runCLI(t, "", "--db", db, "users", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 4 {
		t.Fatalf("the database changed:\n%s", out)
	}
}

func TestSyncFromURLWithToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer abc123" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Write([]byte(syncCSV))
	}))
	defer srv.Close()
	db := emptyDB(t, "c.db")
	code, _, errOut := runCLI(t, "", "--db", db, "sync", srv.URL+"/export.csv")
	if code != 1 || !strings.Contains(errOut, "token") {
		t.Fatalf("without token: %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "--db", db, "sync", srv.URL+"/export.csv", "--token", "abc123", "--community", "Las Brisas")
	if code != 0 || !strings.Contains(out, "Comunidad: Las Brisas") {
		t.Fatalf("with --token: %d %s %s", code, out, errOut)
	}
	t.Setenv(envKastorToken, "abc123")
	code, out, errOut = runCLI(t, "", "--db", db, "sync", srv.URL+"/export.csv")
	if code != 0 || !strings.Contains(out, "Sin cambios") {
		t.Fatalf("with KASTOR_TOKEN: %d %s %s", code, out, errOut)
	}
}

func TestEnsureDemoImportsTheEmbeddedExport(t *testing.T) {
	enginetest.SQLiteOnly(t, "the demo is a file of its own")
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := ensureDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := ensureDemo(ctx, st); err != nil { // a second start changes nothing
		t.Fatal(err)
	}
	c, err := st.CommunityByName(ctx, demoCommunity)
	if err != nil {
		t.Fatal(err)
	}
	units, _ := st.Units(ctx, c.ID)
	rows, _ := st.UserRows(ctx, c.ID)
	runs, _ := st.SyncRuns(ctx, c.ID, 0)
	if len(units) != 240 || len(rows) < 300 || len(runs) != 1 || c.LastSyncAt.IsZero() {
		t.Fatalf("demo: %d units, %d rows, %d runs, %+v", len(units), len(rows), len(runs), c)
	}
	// Its letters have every detail they use: nothing left to fill in.
	set, err := letter.LoadSettings(ctx, st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range letter.Suggested() {
		comp, err := letter.Compile(tpl.Template)
		if err != nil {
			t.Fatal(err)
		}
		if missing := comp.MissingSettings(letter.SampleFields(c, set, time.Now())); len(missing) > 0 {
			t.Errorf("the demo's %q lacks %v", tpl.Name, missing)
		}
	}
}
