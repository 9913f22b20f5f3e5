package kastor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/data/datatest"
)

// dbDump is every row of tables (by default every table a sync may touch),
// for "nothing changed" checks.
func dbDump(t *testing.T, st *data.Store, tables ...string) string {
	t.Helper()
	if len(tables) == 0 {
		tables = []string{"communities", "units", "people", "memberships", "secondary_emails", "sync_runs"}
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := st.Writer().Query("SELECT * FROM " + table + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, table, vals)
		}
		rows.Close()
	}
	return b.String()
}

func userLines(t *testing.T, st *data.Store, community int64) []string {
	t.Helper()
	rows, err := st.UserRows(context.Background(), community)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		a := ""
		if r.Archived || r.UnitArchived {
			a = " (archivado)"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s <%s>%s", r.UnitCode, r.Role, r.Origin, r.FullName(), r.Email, a))
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestImportTwiceArchivesUpdatesAddsAndKeepsLocalUsers(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	first := writeXLSX(t, "reporte.xlsx", perUnitRows)
	var last float64
	rep, res, err := Import(ctx, st, data.SyncTarget{}, first, Options{Progress: func(f float64) {
		if f < last {
			t.Errorf("progress went back: %v after %v", f, last)
		}
		last = f
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last != 1 {
		t.Errorf("progress ended at %v", last)
	}
	if rep.Community != "Reporte de usuarios" || res.Layout != PerUnit {
		t.Errorf("community %q (from the title row), layout %v", rep.Community, res.Layout)
	}
	if rep.Units != (data.SyncCounts{New: 4}) || rep.Users != (data.SyncCounts{New: 7}) || len(rep.Problems) != 4 {
		t.Fatalf("first import: %+v", rep)
	}
	c, _ := st.Community(ctx, rep.CommunityID)
	if c.Source != first || c.LastSyncSource != first {
		t.Errorf("source %q, last %q", c.Source, c.LastSyncSource)
	}

	// The administrator adds a user and a secondary email on 101.
	for _, q := range []string{
		`INSERT INTO people (community_id, first_names, last_names, email, user_type, origin) VALUES (1, 'Camila', 'Rojas', 'camila@example.cl', 'residente', 'local')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin) SELECT u.id, p.id, 'additional', 'local' FROM units u, people p WHERE u.code = '101' AND p.email = 'camila@example.cl'`,
		`INSERT INTO secondary_emails (unit_id, email) SELECT id, 'conserjeria@example.cl' FROM units WHERE code = '101'`,
	} {
		if _, err := st.Writer().Exec(q); err != nil {
			t.Fatal(err)
		}
	}

	// The same file again: nothing changes.
	before := dbDump(t, st)
	rep, _, err = Import(ctx, st, data.SyncTarget{CommunityID: c.ID}, first, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed() || rep.Units.Unchanged != 4 || rep.Users.Unchanged != 7 {
		t.Fatalf("re-import: %+v", rep)
	}
	after := dbDump(t, st)
	strip := func(s string) string { // only the history and the last import time may change
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "sync_runs") && !strings.HasPrefix(l, "communities") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(before) != strip(after) {
		t.Fatalf("the re-import wrote:\n%s\n---\n%s", before, after)
	}

	// Kastor changed: 103 is gone, 102 got its email and a new user, 105 is new.
	rows := [][]string{
		{"Código", "Nombre", "Unidades asignadas", "Sector(es)", "Factor", "Nombre", "Correo", "Nombre", "Correo"},
		{"101", "Depto 101", "Depto 101, Bod. 12, Est. 34", "Torre A", "0,01234", "María José Núñez Peña", "mj.nunez@gmail.com", "Pedro Núñez Soto", "pedro@example.cl"},
		{"102", "Depto 102", "Depto 102", "Torre A", "0,01100", "Juan Pérez", "juan.perez@example.cl", "Inés Muñoz", "ines@example.cl"},
		{"104", "Depto 104", "", "Torre B", "0,011", "Ana de la Fuente Rojas", "", "Luis Soto", "luis@example.cl", "Carla Díaz", "carla@example.cl"},
		{"105", "Depto 105", "Depto 105", "Torre B", "0,011", "Begoña Ñanco", "begona@example.cl"},
	}
	second := writeXLSX(t, "reporte-2.xlsx", rows)
	rep, _, err = Import(ctx, st, data.SyncTarget{CommunityID: c.ID}, second, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Juan (email) updated; Inés, Begoña new; Rosa archived; María José
	// updated (lost 103); Carla left 104 (the slot beyond the file's columns).
	if rep.Units != (data.SyncCounts{New: 1, Updated: 0, Unchanged: 3, Archived: 1}) {
		t.Errorf("units: %+v", rep.Units)
	}
	if rep.Users.New != 2 || rep.Users.Archived != 2 || rep.Users.Updated < 2 {
		t.Errorf("users: %+v", rep.Users)
	}
	got := userLines(t, st, c.ID)
	for _, want := range []string{
		"101 main kastor María José Núñez Peña <mj.nunez@gmail.com>",
		"101 additional local Camila Rojas <camila@example.cl>",
		"101 secondary_email local  <conserjeria@example.cl>",
		"102 main kastor Juan Pérez <juan.perez@example.cl>",
		"102 additional kastor Inés Muñoz <ines@example.cl>",
		"103 main kastor María José Núñez Peña <mj.nunez@gmail.com> (archivado)",
		"103 additional kastor Rosa Ibáñez <> (archivado)",
		"105 main kastor Begoña Ñanco <begona@example.cl>",
	} {
		if !has(got, want) {
			t.Errorf("missing %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	runs, err := st.SyncRuns(ctx, c.ID, 0)
	if err != nil || len(runs) != 3 || runs[0].Source != second {
		t.Fatalf("history: %+v %v", runs, err)
	}
}

func TestBadFilesLeaveTheDatabaseUnchanged(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	rep, _, err := Import(ctx, st, data.SyncTarget{CommunityName: "Edificio Mirador"}, writeXLSX(t, "ok.xlsx", perUnitRows), Options{})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(writeXLSX(t, "ok2.xlsx", perUnitRows))
	dir := t.TempDir()
	bad := map[string][]byte{
		"truncado.xlsx":    good[:len(good)*2/3],
		"vacio.csv":        {},
		"foto.xlsx":        append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...),
		"sin-columna.csv":  []byte("Código;Nombre;Unidades asignadas;Sector(es);Factor\n101;Depto 101;;Torre A;0,1\n"),
		"sin-columna.xlsx": nil,
	}
	for name, content := range bad {
		path := filepath.Join(dir, name)
		if content == nil {
			path = writeXLSX(t, name, [][]string{{"Nombre", "Unidades asignadas", "Sector(es)", "Nombre", "Correo"}, {"Depto 101", "", "Torre A", "Ana", "ana@example.cl"}})
		} else if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			before := dbDump(t, st)
			_, _, err := Import(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, path, Options{})
			if err == nil {
				t.Fatal("imported")
			}
			t.Log(err)
			if after := dbDump(t, st); after != before {
				t.Fatal("the database changed")
			}
		})
	}
	// And a new community is not created by a failed first import.
	if _, _, err := Import(ctx, st, data.SyncTarget{CommunityName: "Otra"}, filepath.Join(dir, "vacio.csv"), Options{}); err == nil {
		t.Fatal("imported an empty file")
	}
	if cs, _ := st.Communities(ctx); len(cs) != 1 {
		t.Fatalf("communities = %d", len(cs))
	}
}
