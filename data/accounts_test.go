package data

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// seedAccounts builds a community with every case "Generar usuarios" meets.
func seedAccounts(t *testing.T, s *Store) Community {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Edificio Ñuñoa")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, community_id, code, name, sector, archived) VALUES
			(1, 1, '101', 'Depto 101', 'Torre A', 0), (2, 1, '102', 'Depto 102', 'Torre A', 0),
			(3, 1, '201', 'Depto 201', 'Torre B', 0), (4, 1, '202', 'Depto 202', 'Torre B', 0),
			(5, 1, 'B-1', 'Bodega 1', '', 0), (6, 1, '999', 'Depto 999', '', 1)`,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin, archived) VALUES
			(1, 1, 'k1', 'José', 'Núñez Pérez', '12345670-K', 'jose@example.cl', '0987654321', 'propietario', 'kastor', 0),
			(2, 1, 'k2', 'Pedro', 'Soto', '', '  Pedro@Example.CL ', '', 'propietario', 'kastor', 0),
			(3, 1, 'k3', 'Marta', 'Rojas', '', '', '', 'propietario', 'kastor', 0),
			(4, 1, 'k4', 'María', 'Díaz', '', 'maria@', '', 'propietario', 'kastor', 0),
			(5, 1, 'k5', 'Luis', 'Muñoz', '', 'Luis@example.cl', '', 'propietario', 'kastor', 0),
			(6, 1, 'k6', 'Luisa', 'Muñoz', '', 'luis@example.cl', '', 'propietario', 'kastor', 0),
			(7, 1, 'k7', 'Tomás', 'Arriendo', '', 'tomas@example.cl', '', 'arrendatario', 'kastor', 0),
			(8, 1, NULL, 'Ana', 'Local', '', 'ana@example.cl', '', 'residente', 'local', 0),
			(9, 1, 'k9', 'Ido', 'Archivado', '', 'ido@example.cl', '', 'propietario', 'kastor', 1),
			(10, 1, 'k10', 'Rosa', 'Vieja', '', 'rosa@example.cl', '', 'propietario', 'kastor', 0)`,
		`INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES
			(1, 1, 'main', 'kastor', 0), (2, 1, 'main', 'kastor', 0),
			(1, 7, 'additional', 'kastor', 1), (1, 8, 'additional', 'local', 0),
			(3, 2, 'main', 'kastor', 0), (3, 4, 'additional', 'kastor', 1),
			(4, 3, 'main', 'kastor', 0), (4, 5, 'additional', 'kastor', 1), (4, 9, 'additional', 'kastor', 2),
			(2, 6, 'additional', 'kastor', 1), (6, 10, 'main', 'kastor', 0)`,
		`INSERT INTO secondary_emails (unit_id, email) VALUES (3, 'conserje@example.cl'), (3, 'mal correo@x')`,
		`INSERT INTO accounts (community_id, email, created_at) VALUES (1, 'jose@example.cl', '2025-01-02T03:04:05.000Z')`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ResyncIDs(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func summary(rep AccountsReport) string {
	var ex []string
	for _, e := range rep.Excluded {
		ex = append(ex, fmt.Sprintf("%s[%s]=%s", e.FullName()+e.Email, strings.Join(e.Units, ","), e.Reason))
	}
	return fmt.Sprintf("units=%d new=%v existing=%v excluded=%v noteligible=%d empty=%d archived=%d",
		rep.Units, rep.Created, rep.Existing, ex, rep.NotEligible, len(rep.EmptyUnits), rep.Archived)
}

func TestCreateAccounts(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := seedAccounts(t, s)

	plan, err := s.PlanAccounts(ctx, c.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Accounts(ctx, c.ID); len(got) != 1 {
		t.Fatalf("planning wrote accounts: %v", got)
	}

	now := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	var rep AccountsReport
	if err := s.Tx(ctx, func(tx *DBTx) error {
		rep, err = CreateAccountsTx(ctx, tx, c.ID, nil, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := "units=5 new=[ana@example.cl conserje@example.cl pedro@example.cl] existing=[jose@example.cl] " +
		"excluded=[Luisa Muñozluis@example.cl[102]=correo compartido María Díazmaria@[201]=correo inválido " +
		"mal correo@x[201]=correo inválido Marta Rojas[202]=sin correo Luis MuñozLuis@example.cl[202]=correo compartido] " +
		"noteligible=1 empty=1 archived=1"
	if got := summary(rep); got != want {
		t.Fatalf("report:\n got %s\nwant %s", got, want)
	}
	if got := summary(plan); got != want {
		t.Fatalf("the plan differs from what was done:\n plan %s\n done %s", got, want)
	}
	if rep.Count(ReasonInvalidEmail) != 2 || rep.Count(ReasonSharedEmail) != 2 || rep.Count(ReasonNoEmail) != 1 {
		t.Fatalf("counts by reason: %+v", rep.Excluded)
	}
	if d := rep.Excluded[0].Detail; d != "luis@example.cl también lo usa Luis Muñoz (unidad 202)" {
		t.Fatalf("shared email detail = %q", d)
	}
	if m := rep.Excluded[1].Message(); m != "correo inválido" {
		t.Fatalf("invalid email message = %q", m)
	}

	accts, err := s.Accounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range accts {
		got = append(got, a.Email+"/"+a.Status+"/"+FormatTime(a.CreatedAt))
	}
	wantAccts := []string{
		"ana@example.cl/active/2026-11-27T14:05:00.000Z",
		"conserje@example.cl/active/2026-11-27T14:05:00.000Z",
		"jose@example.cl/active/2025-01-02T03:04:05.000Z",
		"pedro@example.cl/active/2026-11-27T14:05:00.000Z",
	}
	if !reflect.DeepEqual(got, wantAccts) {
		t.Fatalf("accounts:\n got %v\nwant %v", got, wantAccts)
	}

	// Rows: every user of the covered units, archived ones left out, with
	// the login and the account behind it.
	var lines []string
	for _, r := range rep.Rows {
		lines = append(lines, fmt.Sprintf("%s %s %q %s new=%v %q", r.UnitCode, r.Role, r.Login, r.AccountStatus, r.New, r.Reason))
	}
	wantLines := []string{
		`101 main "jose@example.cl" active new=false ""`,
		`101 additional "tomas@example.cl"  new=false "no es propietario ni cuenta principal"`,
		`101 additional "ana@example.cl" active new=true ""`,
		`102 main "jose@example.cl" active new=false ""`,
		`102 additional "luis@example.cl"  new=false "correo compartido"`,
		`201 main "pedro@example.cl" active new=true ""`,
		`201 additional ""  new=false "correo inválido"`,
		`201 secondary_email "conserje@example.cl" active new=true ""`,
		`201 secondary_email ""  new=false "correo inválido"`,
		`202 main ""  new=false "sin correo"`,
		`202 additional "luis@example.cl"  new=false "correo compartido"`,
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Fatalf("rows:\n got %s\nwant %s", strings.Join(lines, "\n     "), strings.Join(wantLines, "\n     "))
	}
	if !rep.Rows[0].AccountCreatedAt.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) || !rep.Rows[2].AccountCreatedAt.Equal(now) {
		t.Fatalf("account dates: %v, %v", rep.Rows[0].AccountCreatedAt, rep.Rows[2].AccountCreatedAt)
	}

	// Again: nothing new, the same people left out.
	again, err := s.CreateAccounts(ctx, c.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Created) != 0 || len(again.Existing) != 4 || len(again.Excluded) != 5 {
		t.Fatalf("second run: %s", summary(again))
	}
	if after, _ := s.Accounts(ctx, c.ID); len(after) != 4 {
		t.Fatalf("second run changed the accounts: %v", after)
	}
}

func TestCreateAccountsSelectedUnits(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := seedAccounts(t, s)
	// Unit 102 only: José's account exists; Luisa shares an address with
	// Luis, who is in another unit, and is still left out.
	rep, err := s.CreateAccounts(ctx, c.ID, []int64{2})
	if err != nil {
		t.Fatal(err)
	}
	want := "units=1 new=[] existing=[jose@example.cl] excluded=[Luisa Muñozluis@example.cl[102]=correo compartido] noteligible=0 empty=0 archived=0"
	if got := summary(rep); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// Unit 201 creates Pedro's and the secondary email's accounts, nothing else.
	rep, err = s.CreateAccounts(ctx, c.ID, []int64{3})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rep.Created) != "[conserje@example.cl pedro@example.cl]" || len(rep.Rows) != 4 {
		t.Fatalf("unit 201: %s", summary(rep))
	}
	if got, _ := s.Accounts(ctx, c.ID); len(got) != 3 {
		t.Fatalf("accounts after unit 201: %v", got)
	}
	// An archived unit chosen explicitly is covered by nothing.
	rep, err = s.CreateAccounts(ctx, c.ID, []int64{6})
	if err != nil || rep.Units != 0 || len(rep.Rows) != 0 {
		t.Fatalf("archived unit: %s, %v", summary(rep), err)
	}
}

func TestCreateAccountsAllOrNothing(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := seedAccounts(t, s)

	// A unit of another community is refused before anything is written.
	other, _ := s.CreateCommunity(ctx, "Otra")
	if _, err := s.w.ExecContext(ctx, `INSERT INTO units (id, community_id, code) VALUES (50, ?, 'X')`, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAccounts(ctx, c.ID, []int64{1, 50}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("foreign unit: err = %v", err)
	}
	// A failure after the inserts (here: the caller's own work in the same
	// transaction) leaves no account behind.
	boom := errors.New("disco lleno")
	err := s.Tx(ctx, func(tx *DBTx) error {
		if _, err := CreateAccountsTx(ctx, tx, c.ID, nil, time.Now()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	// So does a cancel.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.CreateAccounts(cctx, c.ID, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
	if got, _ := s.Accounts(ctx, c.ID); len(got) != 1 {
		t.Fatalf("accounts after failures: %v", got)
	}
	if _, err := s.CreateAccounts(ctx, 99, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown community: err = %v", err)
	}
}

// BenchmarkCreateAccounts creates 30,000 accounts (10,000 units with three
// users each) in one transaction.
func BenchmarkCreateAccounts(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, b.TempDir()+"/bench.db")
		if err != nil {
			b.Fatal(err)
		}
		if err := seedBenchUsers(ctx, s, "Condominio Grande", 10000, 3); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := s.CreateAccounts(ctx, 1, nil)
		if err != nil || len(rep.Created) != 30000 {
			b.Fatalf("%d created, %v", len(rep.Created), err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// seedBenchUsers fills a community with units units of perUnit owners each,
// every one with an email, in one transaction.
func seedBenchUsers(ctx context.Context, s *Store, name string, units, perUnit int) error {
	return s.Tx(ctx, func(tx *DBTx) error {
		c, err := EnsureCommunity(ctx, tx, name)
		if err != nil {
			return err
		}
		unit, err := tx.PrepareContext(ctx, `INSERT INTO units (community_id, code, name, assigned, sector) VALUES (?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		person, err := tx.PrepareContext(ctx, `INSERT INTO people (community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'propietario', 'kastor') RETURNING id`)
		if err != nil {
			return err
		}
		member, err := tx.PrepareContext(ctx, `INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES (?, ?, ?, 'kastor', ?)`)
		if err != nil {
			return err
		}
		n := 0
		for u := 1; u <= units; u++ {
			code := fmt.Sprintf("%d", 1000+u)
			var uid int64
			if err := unit.QueryRowContext(ctx, c.ID, code, "Depto "+code, "Depto "+code+", Bod. "+code, fmt.Sprintf("Torre %c", 'A'+u%4)).Scan(&uid); err != nil {
				return err
			}
			for p := 0; p < perUnit; p++ {
				n++
				var pid int64
				if err := person.QueryRowContext(ctx, c.ID, fmt.Sprintf("k%d", n), "Nombre", fmt.Sprintf("Apellido %d", n),
					fmt.Sprintf("%d-%d", 10000000+n, n%10), fmt.Sprintf("persona%d@example.cl", n), fmt.Sprintf("09%08d", n)).Scan(&pid); err != nil {
					return err
				}
				role := "additional"
				if p == 0 {
					role = "main"
				}
				if _, err := member.ExecContext(ctx, uid, pid, role, p); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
