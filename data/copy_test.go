package data

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tableDump is every row of table as text, columns by name and rows
// sorted, so that the same content reads the same on both engines.
func tableDump(t *testing.T, s *Store, table string) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var lines []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			m[c] = fmt.Sprint(v)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var sb strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&sb, "%s=%s;", k, m[k])
		}
		lines = append(lines, sb.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// richStore is a file holding two communities with something in every table
// a copy carries.
func richStore(t *testing.T) (*Store, []Community) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "origen.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fill(t, s, "Parque Los Aromos", 30)
	fill(t, s, "Edificio Ñuñoa", 5)
	cs, err := s.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		rows, err := s.UserRows(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLocalUser(ctx, rows[0].UnitID, LocalUser{FirstNames: "Noemí", LastNames: "Díaz", Email: fmt.Sprintf("noemi%d@example.cl", c.ID), Type: Residente}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSecondaryEmail(ctx, rows[1].UnitID, fmt.Sprintf("conserjeria%d@example.cl", c.ID), "Conserjería"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: "letter", Name: "Bienvenida", Title: "Bienvenida a {comunidad}", Body: "Estimado(a) {nombre}"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSetting(ctx, c.ID, "letter.admin_email", "admin@example.cl"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.QueueOutbox(ctx, []OutboxMessage{{CommunityID: c.ID, Kind: "letter", DedupeKey: fmt.Sprintf("carta-%d", c.ID), ToAddr: "ana1@example.cl", Subject: "Bienvenida"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetSetting(ctx, Global, "backup.keep", "7"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InstallationID(ctx); err != nil {
		t.Fatal(err)
	}
	return s, cs
}

// A copy of a whole database (an office moving its file in: into
// PostgreSQL on that pass) holds every row of every table, the same ids and
// the same identity, and the ids given next follow the copied ones.
func TestCopyWholeDatabase(t *testing.T) {
	ctx := context.Background()
	src, cs := richStore(t)
	dst := openTemp(t)
	var seen []string
	rep, err := Copy(ctx, src, dst, nil, func(table string) { seen = append(seen, table) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Communities) != 2 || len(seen) != len(copyTables) || rep.Rows() < 100 {
		t.Fatalf("report %+v, progress %v", rep, seen)
	}
	for _, tb := range copyTables {
		if got, want := tableDump(t, dst, tb.name), tableDump(t, src, tb.name); got != want {
			t.Errorf("%s differs after the copy:\n got %.300s\nwant %.300s", tb.name, got, want)
		}
	}
	a, _ := src.InstallationID(ctx)
	b, _ := dst.InstallationID(ctx)
	if a != b {
		t.Errorf("a whole copy keeps the identity: %s, %s", a, b)
	}
	// New rows get new ids, after the copied ones.
	rows, err := dst.UserRows(ctx, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.AddLocalUser(ctx, rows[2].UnitID, LocalUser{FirstNames: "Rosa", LastNames: "Vera", Email: "rosa@example.cl", Type: Residente}); err != nil {
		t.Fatalf("adding after the copy: %v", err)
	}
	if _, err := dst.CreateCommunity(ctx, "Condominio Nuevo"); err != nil {
		t.Fatalf("a community after the copy: %v", err)
	}
	// Into a database with communities: refused, nothing written.
	before := tableDump(t, dst, "people")
	if _, err := Copy(ctx, src, dst, nil, nil); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("copy into a database with communities: %v", err)
	}
	if tableDump(t, dst, "people") != before {
		t.Error("a refused copy changed the destination")
	}
}

// Exporting one community (to a file, from either engine) takes it alone,
// and not the source's identity; a copy stopped half-way leaves nothing.
func TestCopyOneCommunityAndStopHalfway(t *testing.T) {
	ctx := context.Background()
	file, cs := richStore(t)
	src := openTemp(t)
	if _, err := Copy(ctx, file, src, nil, nil); err != nil {
		t.Fatal(err)
	}
	dst, err := Open(ctx, filepath.Join(t.TempDir(), "export.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	one := cs[1]
	rep, err := Copy(ctx, src, dst, []int64{one.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Communities) != 1 || rep.Communities[0] != one.Name {
		t.Fatalf("exported %v", rep.Communities)
	}
	got, err := dst.UserRows(ctx, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := src.UserRows(ctx, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the exported community reads differently:\n got %v\nwant %v", got, want)
	}
	if others, _ := dst.Communities(ctx); len(others) != 1 {
		t.Errorf("export holds %d communities", len(others))
	}
	a, _ := src.InstallationID(ctx)
	b, _ := dst.InstallationID(ctx)
	if a == b {
		t.Error("an export of one community took the source's identity")
	}

	stopped, err := Open(ctx, filepath.Join(t.TempDir(), "cortada.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer stopped.Close()
	cctx, cancel := context.WithCancel(ctx)
	_, err = Copy(cctx, src, stopped, nil, func(table string) {
		if table == "accounts" {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("a cancelled copy succeeded")
	}
	for _, tb := range copyTables {
		if tb.name == "settings" {
			continue // the new file's own identity may be there
		}
		if d := tableDump(t, stopped, tb.name); d != "" {
			t.Errorf("a stopped copy left rows in %s", tb.name)
		}
	}
}
