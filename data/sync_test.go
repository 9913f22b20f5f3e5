package data

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// snapOf builds a snapshot from a compact description: units "code:name"
// with member keys ("*key" is the main account), and people by key.
func syncSnapOf(units map[string][]string, people ...SnapshotPerson) *Snapshot {
	idx := map[string]int{}
	for i, p := range people {
		idx[p.Key] = i
	}
	s := &Snapshot{People: people}
	codes := make([]string, 0, len(units))
	for c := range units {
		codes = append(codes, c)
	}
	syncSortStrings(codes)
	for _, c := range codes {
		code, name, _ := strings.Cut(c, ":")
		u := SnapshotUnit{Code: code, Name: name, Sector: "Torre A", Factor: 0.01}
		for _, m := range units[c] {
			role := RoleAdditional
			if strings.HasPrefix(m, "*") {
				role, m = RoleMain, m[1:]
			}
			u.Members = append(u.Members, SnapshotMember{Person: idx[m], Role: role})
		}
		s.Units = append(s.Units, u)
	}
	return s
}

func syncSortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && NaturalCompare(s[j-1], s[j]) > 0; j-- {
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
}

func syncPerson(key, first, last, email string) SnapshotPerson {
	return SnapshotPerson{Key: key, FirstNames: first, LastNames: last, Email: email, Type: Propietario}
}

// dump is every Kastor-relevant row of the database, with timestamps, so a
// test can tell whether a sync wrote anything.
func syncDump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, code, name, assigned, sector, floor, factor, archived, updated_at FROM units ORDER BY id`,
		`SELECT id, coalesce(kastor_key,''), first_names, last_names, rut, email, phone, user_type, origin, archived, updated_at FROM people ORDER BY id`,
		`SELECT unit_id, person_id, role, origin, position, archived FROM memberships ORDER BY unit_id, person_id`,
		`SELECT id, unit_id, email FROM secondary_emails ORDER BY id`,
	} {
		rows, err := s.w.Query(q)
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
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func syncRowsOf(t *testing.T, s *Store, c int64) []string {
	t.Helper()
	rows, err := s.UserRows(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		a := ""
		if r.Archived || r.UnitArchived {
			a = " archived"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %s%s", r.UnitCode, r.Role, r.Origin, r.FullName(), r.Email, a))
	}
	return out
}

func TestApplySnapshotFirstImportAndNoOp(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	snap := syncSnapOf(map[string][]string{
		"A-101:Depto 101": {"*ana", "luis"},
		"A-102:Depto 102": {"*ana"},
		"B-201:Depto 201": {},
	},
		syncPerson("ana", "Ana María", "Núñez Peña", "ana@example.cl"),
		syncPerson("luis", "Luis", "Soto", ""),
	)
	snap.Problems = []SyncProblem{{Row: 4, Message: "Luis Soto no tiene correo"}}
	rep, err := s.ApplySnapshot(ctx, SyncTarget{CommunityName: "Edificio Ñuñoa", Source: "/tmp/x.xlsx"}, "/tmp/x.xlsx", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (SyncCounts{New: 3}) || rep.Users != (SyncCounts{New: 2}) || len(rep.Problems) != 1 {
		t.Fatalf("first import report: %+v", rep)
	}
	c, err := s.CommunityByName(ctx, "edificio nunoa")
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "/tmp/x.xlsx" || c.LastSyncSource != "/tmp/x.xlsx" || c.LastSyncAt.IsZero() {
		t.Fatalf("community after sync: %+v", c)
	}
	want := []string{
		"A-101 main kastor Ana María Núñez Peña ana@example.cl",
		"A-101 additional kastor Luis Soto ",
		"A-102 main kastor Ana María Núñez Peña ana@example.cl",
		"B-201    ",
	}
	if got := syncRowsOf(t, s, c.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}

	before := syncDump(t, s)
	rep, err = s.ApplySnapshot(ctx, SyncTarget{CommunityID: c.ID}, "/tmp/x.xlsx", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed() || rep.Units.Unchanged != 3 || rep.Users.Unchanged != 2 {
		t.Fatalf("same snapshot again: %+v", rep)
	}
	if after := syncDump(t, s); after != before {
		t.Fatalf("a no-op sync wrote rows:\nbefore\n%s\nafter\n%s", before, after)
	}
	runs, err := s.SyncRuns(ctx, c.ID, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("sync runs: %v, %v", runs, err)
	}
	if runs[0].Units.Unchanged != 3 || runs[1].Units.New != 3 || runs[1].Problems[0].Row != 4 || runs[0].Community != "Edificio Ñuñoa" {
		t.Fatalf("history (newest first): %+v", runs)
	}
}

func TestApplySnapshotArchivesUpdatesAddsAndKeepsLocal(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	first := syncSnapOf(map[string][]string{
		"101": {"*ana", "luis"},
		"102": {"*pedro"},
		"103": {"*rosa"},
	},
		syncPerson("ana", "Ana", "Núñez", "ana@example.cl"),
		syncPerson("luis", "Luis", "Soto", "luis@example.cl"),
		syncPerson("pedro", "Pedro", "Díaz", "pedro@example.cl"),
		syncPerson("rosa", "Rosa", "Peña", "rosa@example.cl"),
	)
	rep, err := s.ApplySnapshot(ctx, SyncTarget{CommunityName: "Los Aromos"}, "a.xlsx", first, nil)
	if err != nil {
		t.Fatal(err)
	}
	cid := rep.CommunityID
	// The administrator adds a local user on 101 and a secondary email on 102.
	for _, q := range []string{
		`INSERT INTO people (community_id, first_names, last_names, email, user_type, origin) VALUES (1, 'Camila', 'Rojas', 'camila@example.cl', 'residente', 'local')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin) SELECT u.id, p.id, 'additional', 'local' FROM units u, people p WHERE u.code = '101' AND p.email = 'camila@example.cl'`,
		`INSERT INTO secondary_emails (unit_id, email) SELECT id, 'conserjeria@example.cl' FROM units WHERE code = '102'`,
	} {
		if _, err := s.w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}

	// Kastor now: 103 and Rosa are gone, Pedro became 101's main account and
	// left 102, Luis changed his email to Ana's old one and Ana has a new one,
	// 104 is new with Marta, and an export lists Camila's email for Marta.
	second := syncSnapOf(map[string][]string{
		"101": {"*pedro", "ana", "luis"},
		"102": {"*ana"},
		"104": {"*marta"},
	},
		syncPerson("ana", "Ana", "Núñez", "ana.nunez@example.cl"),
		syncPerson("luis", "Luis", "Soto", "ana@example.cl"),
		syncPerson("pedro", "Pedro", "Díaz", "pedro@example.cl"),
		syncPerson("marta", "Marta", "Ñanco", "camila@example.cl"),
	)
	rep, err = s.ApplySnapshot(ctx, SyncTarget{CommunityID: cid}, "b.xlsx", second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (SyncCounts{New: 1, Unchanged: 2, Archived: 1}) {
		t.Errorf("units: %+v", rep.Units)
	}
	// ana (email, demoted on 101), luis (email), pedro (memberships) updated; marta new; rosa archived.
	if rep.Users != (SyncCounts{New: 1, Updated: 3, Archived: 1}) {
		t.Errorf("users: %+v", rep.Users)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Message, "camila@example.cl") {
		t.Errorf("problems: %+v", rep.Problems)
	}
	want := []string{
		"101 main kastor Pedro Díaz pedro@example.cl",
		"101 additional kastor Ana Núñez ana.nunez@example.cl",
		"101 additional kastor Luis Soto ana@example.cl",
		"101 additional local Camila Rojas camila@example.cl",
		"102 main kastor Ana Núñez ana.nunez@example.cl",
		"102 main kastor Pedro Díaz pedro@example.cl archived",
		"102 secondary_email local  conserjeria@example.cl",
		"103 main kastor Rosa Peña rosa@example.cl archived",
		"104 main kastor Marta Ñanco ",
	}
	if got := syncRowsOf(t, s, cid); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}

	// Kastor lists 103 and Rosa again: they come back, nothing is lost.
	third := syncSnapOf(map[string][]string{
		"101": {"*pedro", "ana", "luis"},
		"102": {"*ana"},
		"103": {"*rosa"},
		"104": {"*marta"},
	}, append(second.People, syncPerson("rosa", "Rosa", "Peña", "rosa@example.cl"))...)
	rep, err = s.ApplySnapshot(ctx, SyncTarget{CommunityID: cid}, "c.xlsx", third, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (SyncCounts{Updated: 1, Unchanged: 3}) || rep.Users != (SyncCounts{Updated: 1, Unchanged: 4}) {
		t.Errorf("restore: units %+v users %+v", rep.Units, rep.Users)
	}
	got := syncRowsOf(t, s, cid)
	if !syncContains(got, "103 main kastor Rosa Peña rosa@example.cl") || !syncContains(got, "101 additional local Camila Rojas camila@example.cl") ||
		!syncContains(got, "102 secondary_email local  conserjeria@example.cl") {
		t.Fatalf("after restore: %q", got)
	}
	var n int
	s.w.QueryRow(`SELECT count(*) FROM people`).Scan(&n)
	if n != 6 {
		t.Fatalf("people = %d, want 6 (nothing deleted, nothing duplicated)", n)
	}
}

func syncContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestApplySnapshotMatchesPersonWhenKeyChanges(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := syncSnapOf(map[string][]string{"1": {"*correo:ana@example.cl"}}, syncPerson("correo:ana@example.cl", "Ana", "Soto", "ana@example.cl"))
	rep, err := s.ApplySnapshot(ctx, SyncTarget{CommunityName: "X"}, "a", a, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := syncPerson("rut:12345678-5", "Ana", "Soto", "ana@example.cl")
	p.RUT = "12345678-5"
	b := syncSnapOf(map[string][]string{"1": {"*rut:12345678-5"}}, p)
	rep, err = s.ApplySnapshot(ctx, SyncTarget{CommunityID: rep.CommunityID}, "b", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Users != (SyncCounts{Updated: 1}) {
		t.Fatalf("users: %+v (the person must be found again by email, not archived and re-created)", rep.Users)
	}
}

func TestApplySnapshotRollsBackOnCancelAndErrors(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	snap := syncSnapOf(map[string][]string{"1": {"*a"}, "2": {"*b"}}, syncPerson("a", "A", "B", "a@example.cl"), syncPerson("b", "C", "D", "b@example.cl"))
	rep, err := s.ApplySnapshot(ctx, SyncTarget{CommunityName: "X"}, "a", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := syncDump(t, s)
	changed := syncSnapOf(map[string][]string{"3": {"*a"}}, syncPerson("a", "A", "Z", "z@example.cl"))

	cctx, cancel := context.WithCancel(ctx)
	_, err = s.ApplySnapshot(cctx, SyncTarget{CommunityID: rep.CommunityID}, "b", changed, func(f float64) {
		if f > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled sync: err = %v", err)
	}
	bad := syncSnapOf(map[string][]string{"3": {"*a"}}, syncPerson("a", "A", "Z", "z@example.cl"), syncPerson("a", "Dup", "Key", ""))
	if _, err := s.ApplySnapshot(ctx, SyncTarget{CommunityID: rep.CommunityID}, "c", bad, nil); err == nil {
		t.Fatal("a snapshot with a repeated key was applied")
	}
	if _, err := s.ApplySnapshot(ctx, SyncTarget{CommunityID: rep.CommunityID}, "d", &Snapshot{}, nil); !errors.Is(err, ErrEmptySnapshot) {
		t.Fatalf("empty snapshot: %v", err)
	}
	if after := syncDump(t, s); after != before {
		t.Fatalf("a failed sync changed the database:\n%s\n%s", before, after)
	}
	runs, _ := s.SyncRuns(ctx, rep.CommunityID, 0)
	if len(runs) != 1 {
		t.Fatalf("failed syncs left %d history rows", len(runs)-1)
	}
}

func TestSetCommunitySource(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c, _ := s.CreateCommunity(ctx, "X")
	if err := s.SetCommunitySource(ctx, c.ID, " https://kastor.example.cl/export.xlsx "); err != nil {
		t.Fatal(err)
	}
	c, _ = s.Community(ctx, c.ID)
	if c.Source != "https://kastor.example.cl/export.xlsx" {
		t.Fatalf("source = %q", c.Source)
	}
	if err := s.SetCommunitySource(ctx, 99, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown community: %v", err)
	}
}
