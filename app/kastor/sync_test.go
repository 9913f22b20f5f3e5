package kastor

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/data/datatest"
)

// snapOf builds a snapshot from a compact description: units "code:name"
// with member keys ("*key" is the main account), and people by key.
func syncSnapOf(units map[string][]string, people ...data.SnapshotPerson) *data.Snapshot {
	idx := map[string]int{}
	for i, p := range people {
		idx[p.Key] = i
	}
	s := &data.Snapshot{People: people}
	codes := make([]string, 0, len(units))
	for c := range units {
		codes = append(codes, c)
	}
	syncSortStrings(codes)
	for _, c := range codes {
		code, name, _ := strings.Cut(c, ":")
		u := data.SnapshotUnit{Code: code, Name: name, Sector: "Torre A", Factor: 0.01}
		for _, m := range units[c] {
			role := data.RoleAdditional
			if strings.HasPrefix(m, "*") {
				role, m = data.RoleMain, m[1:]
			}
			u.Members = append(u.Members, data.SnapshotMember{Person: idx[m], Role: role})
		}
		s.Units = append(s.Units, u)
	}
	return s
}

func syncSortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && data.NaturalCompare(s[j-1], s[j]) > 0; j-- {
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
}

func syncPerson(key, first, last, email string) data.SnapshotPerson {
	return data.SnapshotPerson{Key: key, FirstNames: first, LastNames: last, Email: email, Type: data.Propietario}
}

func TestSyncFirstImportAndNoOp(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	snap := syncSnapOf(map[string][]string{
		"A-101:Depto 101": {"*ana", "luis"},
		"A-102:Depto 102": {"*ana"},
		"B-201:Depto 201": {},
	},
		syncPerson("ana", "Ana María", "Núñez Peña", "ana@example.cl"),
		syncPerson("luis", "Luis", "Soto", ""),
	)
	snap.Problems = []data.SyncProblem{{Row: 4, Message: "Luis Soto no tiene correo"}}
	rep, err := applySnap(ctx, st, data.SyncTarget{CommunityName: "Edificio Ñuñoa", Source: "/tmp/x.xlsx"}, "/tmp/x.xlsx", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (data.SyncCounts{New: 3}) || rep.Users != (data.SyncCounts{New: 2}) || len(rep.Problems) != 1 {
		t.Fatalf("first import report: %+v", rep)
	}
	c, err := st.CommunityByName(ctx, "edificio nunoa")
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "/tmp/x.xlsx" || c.LastSyncSource != "/tmp/x.xlsx" || c.LastSyncAt.IsZero() {
		t.Fatalf("community after sync: %+v", c)
	}
	want := []string{
		"A-101 main kastor Ana María Núñez Peña <ana@example.cl>",
		"A-101 additional kastor Luis Soto <>",
		"A-102 main kastor Ana María Núñez Peña <ana@example.cl>",
		"B-201    <>",
	}
	if got := userLines(t, st, c.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}

	before := syncDump(t, st)
	rep, err = applySnap(ctx, st, data.SyncTarget{CommunityID: c.ID}, "/tmp/x.xlsx", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed() || rep.Units.Unchanged != 3 || rep.Users.Unchanged != 2 {
		t.Fatalf("same snapshot again: %+v", rep)
	}
	if after := syncDump(t, st); after != before {
		t.Fatalf("a no-op sync wrote rows:\nbefore\n%s\nafter\n%s", before, after)
	}
	runs, err := st.SyncRuns(ctx, c.ID, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("sync runs: %v, %v", runs, err)
	}
	if runs[0].Units.Unchanged != 3 || runs[1].Units.New != 3 || runs[1].Problems[0].Row != 4 || runs[0].Community != "Edificio Ñuñoa" {
		t.Fatalf("history (newest first): %+v", runs)
	}
}

func TestSyncArchivesUpdatesAddsAndKeepsLocal(t *testing.T) {
	st := datatest.Open(t)
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
	rep, err := applySnap(ctx, st, data.SyncTarget{CommunityName: "Los Aromos"}, "a.xlsx", first, nil)
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
		if _, err := st.Writer().Exec(q); err != nil {
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
	rep, err = applySnap(ctx, st, data.SyncTarget{CommunityID: cid}, "b.xlsx", second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (data.SyncCounts{New: 1, Unchanged: 2, Archived: 1}) {
		t.Errorf("units: %+v", rep.Units)
	}
	// ana (email, demoted on 101), luis (email), pedro (memberships) updated; marta new; rosa archived.
	if rep.Users != (data.SyncCounts{New: 1, Updated: 3, Archived: 1}) {
		t.Errorf("users: %+v", rep.Users)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Message, "camila@example.cl") {
		t.Errorf("problems: %+v", rep.Problems)
	}
	want := []string{
		"101 main kastor Pedro Díaz <pedro@example.cl>",
		"101 additional kastor Ana Núñez <ana.nunez@example.cl>",
		"101 additional kastor Luis Soto <ana@example.cl>",
		"101 additional local Camila Rojas <camila@example.cl>",
		"102 main kastor Ana Núñez <ana.nunez@example.cl>",
		"102 main kastor Pedro Díaz <pedro@example.cl> (archivado)",
		"102 secondary_email local  <conserjeria@example.cl>",
		"103 main kastor Rosa Peña <rosa@example.cl> (archivado)",
		"104 main kastor Marta Ñanco <>",
	}
	if got := userLines(t, st, cid); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}

	// Kastor lists 103 and Rosa again: they come back, nothing is lost.
	third := syncSnapOf(map[string][]string{
		"101": {"*pedro", "ana", "luis"},
		"102": {"*ana"},
		"103": {"*rosa"},
		"104": {"*marta"},
	}, append(second.People, syncPerson("rosa", "Rosa", "Peña", "rosa@example.cl"))...)
	rep, err = applySnap(ctx, st, data.SyncTarget{CommunityID: cid}, "c.xlsx", third, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (data.SyncCounts{Updated: 1, Unchanged: 3}) || rep.Users != (data.SyncCounts{Updated: 1, Unchanged: 4}) {
		t.Errorf("restore: units %+v users %+v", rep.Units, rep.Users)
	}
	got := userLines(t, st, cid)
	if !has(got, "103 main kastor Rosa Peña <rosa@example.cl>") || !has(got, "101 additional local Camila Rojas <camila@example.cl>") ||
		!has(got, "102 secondary_email local  <conserjeria@example.cl>") {
		t.Fatalf("after restore: %q", got)
	}
	var n int
	st.Writer().QueryRow(`SELECT count(*) FROM people`).Scan(&n)
	if n != 6 {
		t.Fatalf("people = %d, want 6 (nothing deleted, nothing duplicated)", n)
	}
}

func TestSyncMatchesPersonWhenKeyChanges(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	a := syncSnapOf(map[string][]string{"1": {"*correo:ana@example.cl"}}, syncPerson("correo:ana@example.cl", "Ana", "Soto", "ana@example.cl"))
	rep, err := applySnap(ctx, st, data.SyncTarget{CommunityName: "X"}, "a", a, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := syncPerson("rut:12345678-5", "Ana", "Soto", "ana@example.cl")
	p.RUT = "12345678-5"
	b := syncSnapOf(map[string][]string{"1": {"*rut:12345678-5"}}, p)
	rep, err = applySnap(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, "b", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Users != (data.SyncCounts{Updated: 1}) {
		t.Fatalf("users: %+v (the person must be found again by email, not archived and re-created)", rep.Users)
	}
}

func TestSyncRollsBackOnCancelAndErrors(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	snap := syncSnapOf(map[string][]string{"1": {"*a"}, "2": {"*b"}}, syncPerson("a", "A", "B", "a@example.cl"), syncPerson("b", "C", "D", "b@example.cl"))
	rep, err := applySnap(ctx, st, data.SyncTarget{CommunityName: "X"}, "a", snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := syncDump(t, st)
	changed := syncSnapOf(map[string][]string{"3": {"*a"}}, syncPerson("a", "A", "Z", "z@example.cl"))

	cctx, cancel := context.WithCancel(ctx)
	_, err = applySnap(cctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, "b", changed, func(f float64) {
		if f > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled sync: err = %v", err)
	}
	bad := syncSnapOf(map[string][]string{"3": {"*a"}}, syncPerson("a", "A", "Z", "z@example.cl"), syncPerson("a", "Dup", "Key", ""))
	if _, err := applySnap(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, "c", bad, nil); err == nil {
		t.Fatal("a snapshot with a repeated key was applied")
	}
	if _, err := applySnap(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, "d", &data.Snapshot{}, nil); !errors.Is(err, data.ErrEmptySnapshot) {
		t.Fatalf("empty snapshot: %v", err)
	}
	if after := syncDump(t, st); after != before {
		t.Fatalf("a failed sync changed the database:\n%s\n%s", before, after)
	}
	runs, _ := st.SyncRuns(ctx, rep.CommunityID, 0)
	if len(runs) != 1 {
		t.Fatalf("failed syncs left %d history rows", len(runs)-1)
	}
}

// applySnap is kastor.Apply without a file: the snapshot's plan on the
// community's state, written in one transaction.
func applySnap(ctx context.Context, st *data.Store, target data.SyncTarget, source string, snap *data.Snapshot, progress func(float64)) (data.SyncReport, error) {
	return st.Sync(ctx, target, source, func(state *data.SyncState) (*data.SyncPlan, error) { return Plan(snap, state) }, progress)
}

// syncDump is every Kastor-relevant row, with timestamps, so a test can tell
// whether a sync wrote anything.
func syncDump(t *testing.T, st *data.Store) string {
	t.Helper()
	return dbDump(t, st, "units", "people", "memberships", "secondary_emails")
}

// TestPreviewThenApplyPlan: a preview writes nothing and says what the
// import will do; applying that plan writes exactly it; a plan whose
// community changed since is refused and writes nothing.
func TestPreviewThenApplyPlan(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	first := &Result{Snapshot: syncSnapOf(map[string][]string{"101": {"*ana"}, "102": {"*luis"}},
		syncPerson("ana", "Ana", "Núñez", "ana@example.cl"), syncPerson("luis", "Luis", "Soto", "luis@example.cl"))}
	target := data.SyncTarget{CommunityName: "Los Aromos"}

	plan, err := Preview(ctx, st, target, "a.xlsx", first)
	if err != nil {
		t.Fatal(err)
	}
	if cs, _ := st.Communities(ctx); len(cs) != 0 {
		t.Fatalf("a preview created %d communities", len(cs))
	}
	if plan.UnitCounts != (data.PlanCounts{New: 2}) || plan.PeopleCounts != (data.PlanCounts{New: 2}) {
		t.Fatalf("preview of a first import: %+v %+v", plan.UnitCounts, plan.PeopleCounts)
	}
	rep, err := ApplyPlan(ctx, st, target, "a.xlsx", first, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Units != (data.SyncCounts{New: 2}) || rep.Users != (data.SyncCounts{New: 2}) {
		t.Fatalf("applied plan: %+v", rep)
	}
	target = data.SyncTarget{CommunityID: rep.CommunityID}

	// Kastor drops 102 and Luis; the preview says so and writes nothing.
	second := &Result{Snapshot: syncSnapOf(map[string][]string{"101": {"*ana"}}, syncPerson("ana", "Ana", "Núñez", "ana@example.cl"))}
	before := dbDump(t, st)
	plan, err = Preview(ctx, st, target, "b.xlsx", second)
	if err != nil {
		t.Fatal(err)
	}
	if plan.UnitCounts != (data.PlanCounts{Unchanged: 1, Archived: 1}) || len(plan.ArchivedUnits) != 1 || plan.ArchivedUnits[0].Code != "102" ||
		len(plan.ArchivedPeople) != 1 || plan.ArchivedPeople[0].FullName() != "Luis Soto" {
		t.Fatalf("preview: %+v, archived %+v %+v", plan.UnitCounts, plan.ArchivedUnits, plan.ArchivedPeople)
	}
	if dbDump(t, st) != before {
		t.Fatal("a preview wrote to the database")
	}

	// Meanwhile the administrator edits the community: the plan is stale.
	if _, err := st.Writer().Exec(`UPDATE people SET phone = '+56 9 1234 5678' WHERE kastor_key = 'ana'`); err != nil {
		t.Fatal(err)
	}
	before = dbDump(t, st)
	if _, err := ApplyPlan(ctx, st, target, "b.xlsx", second, plan, Options{}); !errors.Is(err, data.ErrStalePlan) {
		t.Fatalf("stale plan: err = %v", err)
	}
	if _, err := ApplyPlan(ctx, st, target, "b.xlsx", second, &data.SyncPlan{}, Options{}); !errors.Is(err, data.ErrStalePlan) {
		t.Fatalf("a plan that was never previewed: err = %v", err)
	}
	if dbDump(t, st) != before {
		t.Fatal("a refused plan wrote to the database")
	}

	// A fresh preview applies, and the result is what it said.
	if plan, err = Preview(ctx, st, target, "b.xlsx", second); err != nil {
		t.Fatal(err)
	}
	if rep, err = ApplyPlan(ctx, st, target, "b.xlsx", second, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	if rep.Units != plan.UnitCounts.Report() || rep.Users != plan.PeopleCounts.Report() {
		t.Fatalf("report %+v %+v, plan %+v %+v", rep.Units, rep.Users, plan.UnitCounts, plan.PeopleCounts)
	}
	if got := userLines(t, st, rep.CommunityID); !has(got, "102 main kastor Luis Soto <luis@example.cl> (archivado)") {
		t.Fatalf("after the plan: %q", got)
	}
}
