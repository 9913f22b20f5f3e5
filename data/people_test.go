package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// seedPeople makes a community with a Kastor owner in units 101 and 102, a
// Kastor tenant in 101, an empty unit 103 and an archived unit 104.
func seedPeople(t *testing.T) (*Store, Community) {
	t.Helper()
	s := openTemp(t)
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, community_id, code, name, sector, factor, archived) VALUES
			(1, 1, '101', 'Depto 101', 'Torre A', 0.0123, 0), (2, 1, '102', 'Depto 102', 'Torre A', 0.02, 0),
			(3, 1, '103', 'Depto 103', 'Torre B', 0.01, 0), (4, 1, '104', 'Depto 104', 'Torre B', 0.01, 1)`,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, rut, email, user_type, origin) VALUES
			(1, 1, 'k1', 'José', 'Núñez Pérez', '12345678-5', 'jose@example.cl', 'propietario', 'kastor'),
			(2, 1, 'k2', 'Marta', 'Rojas', '', 'marta@example.cl', 'arrendatario', 'kastor')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES
			(1, 1, 'main', 'kastor', 1), (2, 1, 'main', 'kastor', 1), (1, 2, 'additional', 'kastor', 2)`,
		`INSERT INTO secondary_emails (unit_id, email, label) VALUES (2, 'conserje@example.cl', 'Conserjería')`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ResyncIDs(ctx); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// dump is the database's people, memberships, secondary emails and outbox as
// text, to check that a refused write left everything as it was.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, coalesce(kastor_key, ''), first_names, last_names, rut, email, phone, user_type, origin, updated_at FROM people ORDER BY id`,
		`SELECT unit_id, person_id, role, origin, position, archived FROM memberships ORDER BY unit_id, person_id`,
		`SELECT id, unit_id, email, label FROM secondary_emails ORDER BY id`,
		`SELECT id, kind, dedupe_key, coalesce(person_id, 0), coalesce(unit_id, 0), to_addr, to_name, state, subject FROM outbox ORDER BY id`,
	} {
		rows, err := s.r.Query(q)
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

func ana(email string) LocalUser {
	return LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: email}
}

func TestAddLocalUserQueuesNotification(t *testing.T) {
	s, c := seedPeople(t)
	ctx := context.Background()
	id, err := s.AddLocalUser(ctx, 1, LocalUser{FirstNames: "  Ana   María ", LastNames: "Soto Díaz", Email: " Ana.Soto@Example.CL ",
		RUT: "7.654.321-6", Phone: " +56 9 1234 5678 ", Type: "Arrendatario"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PersonByEmail(ctx, c.ID, "ana.soto@example.cl")
	if err != nil || p.ID != id {
		t.Fatalf("person by email: %+v %v", p, err)
	}
	if p.FirstNames != "Ana María" || p.LastNames != "Soto Díaz" || p.RUT != "7654321-6" || p.Phone != "+56 9 1234 5678" ||
		p.Type != Arrendatario || p.Origin != OriginLocal || p.KastorKey != "" {
		t.Fatalf("stored person: %+v", p)
	}
	var kind, key, to, name, state, subject string
	var person, unit int64
	if err := s.r.QueryRow(`SELECT kind, dedupe_key, person_id, unit_id, to_addr, to_name, state, subject FROM outbox`).
		Scan(&kind, &key, &person, &unit, &to, &name, &state, &subject); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("new_user new_user:%d:%d %d 1 ana.soto@example.cl Ana María Soto Díaz pending ", c.ID, id, id)
	if got := fmt.Sprint(kind, " ", key, " ", person, " ", unit, " ", to, " ", name, " ", state, " ", subject); got != want {
		t.Fatalf("outbox row:\n got %q\nwant %q", got, want)
	}
	d, err := s.UnitDetail(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range d.Members {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s", m.FirstNames, m.Role, m.MemberOrigin, m.NoticeState))
	}
	if w := "[José/main/kastor/ Marta/additional/kastor/ Ana María/additional/local/pending]"; fmt.Sprint(got) != w {
		t.Fatalf("members = %v, want %s", got, w)
	}
	if m, ok := d.Main(); !ok || m.ID != 1 || d.LocalCount() != 1 || d.Unit.Sector != "Torre A" {
		t.Fatalf("detail: main %+v %v, local %d", m, ok, d.LocalCount())
	}
	// The listing shows the new user with the pending notice.
	rows, err := s.UserRows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.PersonID == id {
			found = r.Origin == OriginLocal && r.NoticeState == "pending" && r.UnitCode == "101"
		}
	}
	if !found {
		t.Fatal("the new user is not in UserRows with a pending notice")
	}
}

func TestAddLocalUserRefusals(t *testing.T) {
	s, c := seedPeople(t)
	ctx := context.Background()
	if _, err := s.AddLocalUser(ctx, 2, LocalUser{FirstNames: "Luis", LastNames: "Vera", Email: "luis@example.cl"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		unit  int64
		in    LocalUser
		field string
		want  string
	}{
		{"empty names", 1, LocalUser{FirstNames: "", LastNames: "Soto", Email: "a@example.cl"}, FieldFirstNames, "Faltan los nombres"},
		{"whitespace names", 1, LocalUser{FirstNames: " \t ", LastNames: "Soto", Email: "a@example.cl"}, FieldFirstNames, "Faltan los nombres"},
		{"whitespace surnames", 1, LocalUser{FirstNames: "Ana", LastNames: "   ", Email: "a@example.cl"}, FieldLastNames, "Faltan los apellidos"},
		{"digits in name", 1, LocalUser{FirstNames: "Ana2", LastNames: "Soto", Email: "a@example.cl"}, FieldFirstNames, "no pueden llevar '2'"},
		{"email in surname", 1, LocalUser{FirstNames: "Ana", LastNames: "ana@example.cl", Email: "a@example.cl"}, FieldLastNames, "no pueden llevar '@'"},
		{"empty email", 1, ana("  "), FieldEmail, "Falta el correo"},
		{"invalid email", 1, ana("ana@example"), FieldEmail, `Correo inválido "ana@example"`},
		{"email with spaces", 1, ana("ana soto@example.cl"), FieldEmail, "Correo inválido"},
		{"bad rut", 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "a@example.cl", RUT: "12.345.678-9"}, FieldRUT, "dígito verificador"},
		{"rut letters", 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "a@example.cl", RUT: "abc"}, FieldRUT, "RUT inválido"},
		{"bad phone", 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "a@example.cl", Phone: "12ab"}, FieldPhone, "Teléfono inválido"},
		{"short phone", 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "a@example.cl", Phone: "1234"}, FieldPhone, "entre 8 y 15"},
		{"bad type", 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "a@example.cl", Type: "dueño"}, FieldType, "Tipo de usuario inválido"},
		{"kastor email", 3, ana("JOSE@example.cl"), FieldEmail, "El correo jose@example.cl ya es de José Núñez Pérez, que viene de Kastor (las unidades 101, 102)"},
		{"kastor email same unit", 1, ana("marta@example.cl"), FieldEmail, "ya es usuario de la unidad 101"},
		{"local email other person", 1, ana("luis@example.cl"), FieldEmail, "ya es de Luis Vera (la unidad 102)"},
		{"secondary email", 1, ana("conserje@example.cl"), FieldEmail, "correo secundario de la unidad 102"},
		{"archived unit", 4, ana("nuevo@example.cl"), "", "la unidad 104 está archivada"},
		{"no unit", 99, ana("nuevo@example.cl"), "", "no encontrado"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dump(t, s)
			_, err := s.AddLocalUser(ctx, tt.unit, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			var fe *FieldError
			if tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field) {
				t.Fatalf("err = %#v, want a FieldError on %s", err, tt.field)
			}
			if after := dump(t, s); after != before {
				t.Fatalf("a refused add changed the database:\n%s\n%s", before, after)
			}
		})
	}
	_ = c
}

func TestAddLocalUserLimit(t *testing.T) {
	s, _ := seedPeople(t)
	ctx := context.Background()
	for i := 1; i <= MaxLocalUsers; i++ {
		if _, err := s.AddLocalUser(ctx, 1, ana(fmt.Sprintf("ana%d@example.cl", i))); err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
	}
	before := dump(t, s)
	_, err := s.AddLocalUser(ctx, 1, ana("ana6@example.cl"))
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "La unidad 101 ya tiene 5 usuarios adicionales, el máximo") {
		t.Fatalf("sixth user: %v", err)
	}
	if dump(t, s) != before {
		t.Fatal("the refused sixth user changed the database")
	}
	// Kastor's own additional users and secondary emails do not count; other units have their own five.
	if _, err := s.AddLocalUser(ctx, 3, ana("ana6@example.cl")); err != nil {
		t.Fatal(err)
	}
	// Removing one makes room again.
	d, _ := s.UnitDetail(ctx, 1)
	if err := s.RemoveLocalUser(ctx, 1, d.Members[len(d.Members)-1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddLocalUser(ctx, 1, ana("ana7@example.cl")); err != nil {
		t.Fatal(err)
	}
}

func TestLocalPersonHoldsSeveralUnits(t *testing.T) {
	s, c := seedPeople(t)
	ctx := context.Background()
	id1, err := s.AddLocalUser(ctx, 1, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana@example.cl"})
	if err != nil {
		t.Fatal(err)
	}
	// Same person (names spelled without accents and case), another unit: linked, RUT filled in.
	id2, err := s.AddLocalUser(ctx, 3, LocalUser{FirstNames: "ANA", LastNames: "soto", Email: "ana@example.cl", RUT: "76543216"})
	if err != nil || id2 != id1 {
		t.Fatalf("second unit: id %d (want %d), %v", id2, id1, err)
	}
	p, _ := s.PersonByEmail(ctx, c.ID, "ana@example.cl")
	if p.RUT != "7654321-6" || p.FirstNames != "Ana" {
		t.Fatalf("person after linking: %+v", p)
	}
	var n int
	s.r.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'new_user'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d notifications queued, want one per person", n)
	}
	// A different RUT for the same email is refused.
	if _, err := s.AddLocalUser(ctx, 2, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana@example.cl", RUT: "12.345.678-5"}); err == nil ||
		!strings.Contains(err.Error(), "ya está registrado con el RUT 7.654.321-6") {
		t.Fatalf("conflicting RUT: %v", err)
	}
	// Removing from one unit keeps the person; from the last one deletes them and cancels the notice.
	if err := s.RemoveLocalUser(ctx, 1, id1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PersonByEmail(ctx, c.ID, "ana@example.cl"); err != nil {
		t.Fatal("person deleted while still in unit 103")
	}
	if err := s.RemoveLocalUser(ctx, 3, id1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PersonByEmail(ctx, c.ID, "ana@example.cl"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("person still there: %v", err)
	}
	var state string
	s.r.QueryRow(`SELECT state FROM outbox WHERE kind = 'new_user'`).Scan(&state)
	if state != "cancelled" {
		t.Fatalf("notice state = %q, want cancelled", state)
	}
}

func TestKastorRowsAreNotTouched(t *testing.T) {
	s, _ := seedPeople(t)
	ctx := context.Background()
	before := dump(t, s)
	for name, err := range map[string]error{
		"update main":              s.UpdateLocalUser(ctx, 1, 1, ana("otra@example.cl")),
		"update kastor additional": s.UpdateLocalUser(ctx, 1, 2, ana("otra@example.cl")),
		"remove main":              s.RemoveLocalUser(ctx, 1, 1),
		"remove kastor additional": s.RemoveLocalUser(ctx, 1, 2),
	} {
		if !errors.Is(err, ErrKastor) || !strings.Contains(err.Error(), "viene de Kastor: cámbielo allí y use «Importar datos»") {
			t.Errorf("%s: %v", name, err)
		}
	}
	var nm *NotMemberError
	if err := s.RemoveLocalUser(ctx, 3, 1); !errors.As(err, &nm) || nm.Unit != "103" || !strings.Contains(err.Error(), "no es usuario de la unidad 103") {
		t.Errorf("remove from a unit they are not in: %v", err)
	}
	if dump(t, s) != before {
		t.Fatal("Kastor rows changed")
	}
}

func TestUpdateLocalUser(t *testing.T) {
	s, c := seedPeople(t)
	ctx := context.Background()
	id, err := s.AddLocalUser(ctx, 1, ana("ana@example.cl"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddLocalUser(ctx, 1, LocalUser{FirstNames: "Luis", LastNames: "Vera", Email: "luis@example.cl"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	for _, tt := range []struct {
		in   LocalUser
		want string
	}{
		{ana("luis@example.cl"), "ya es de Luis Vera (la unidad 101)"},
		{ana("jose@example.cl"), "ya es de José Núñez Pérez, que viene de Kastor (las unidades 101, 102)"},
		{LocalUser{FirstNames: "Ana", LastNames: "", Email: "ana@example.cl"}, "Faltan los apellidos"},
		{LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana@example.cl", RUT: "1-1"}, "RUT inválido"},
	} {
		if err := s.UpdateLocalUser(ctx, 1, id, tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("update with %+v: %v, want %q", tt.in, err, tt.want)
		}
	}
	if dump(t, s) != before {
		t.Fatal("refused updates changed the database")
	}
	if err := s.UpdateLocalUser(ctx, 1, id, LocalUser{FirstNames: "Ana", LastNames: "Soto Ruiz", Email: "ana.soto@example.cl",
		RUT: "76543216", Type: Propietario}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PersonByEmail(ctx, c.ID, "ana.soto@example.cl")
	if err != nil || p.LastNames != "Soto Ruiz" || p.RUT != "7654321-6" || p.Type != Propietario {
		t.Fatalf("after update: %+v %v", p, err)
	}
	var to string
	s.r.QueryRow(`SELECT to_addr FROM outbox WHERE person_id = ?`, id).Scan(&to)
	if to != "ana.soto@example.cl" {
		t.Fatalf("pending notice still addressed to %q", to)
	}
}

func TestSecondaryEmails(t *testing.T) {
	s, _ := seedPeople(t)
	ctx := context.Background()
	id, err := s.AddSecondaryEmail(ctx, 1, " Familia@Example.cl ", " Familia ")
	if err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	for _, tt := range []struct{ email, want string }{
		{"", "Falta el correo"},
		{"familia@", "Correo inválido"},
		{"familia@example.cl", "correo secundario de la unidad 101"},
		{"conserje@example.cl", "correo secundario de la unidad 102"},
		{"jose@example.cl", "ya es de José Núñez Pérez"},
	} {
		if _, err := s.AddSecondaryEmail(ctx, 1, tt.email, ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("add %q: %v, want %q", tt.email, err, tt.want)
		}
	}
	if err := s.UpdateSecondaryEmail(ctx, id, "conserje@example.cl", ""); err == nil {
		t.Error("update to another unit's secondary email accepted")
	}
	if dump(t, s) != before {
		t.Fatal("refused secondary emails changed the database")
	}
	// Saving it unchanged, or with a new label, is fine.
	if err := s.UpdateSecondaryEmail(ctx, id, "familia@example.cl", "Familia Núñez"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSecondaryEmail(ctx, id, "casa@example.cl", "Casa"); err != nil {
		t.Fatal(err)
	}
	d, _ := s.UnitDetail(ctx, 1)
	if len(d.SecondaryEmails) != 1 || d.SecondaryEmails[0].Email != "casa@example.cl" || d.SecondaryEmails[0].Label != "Casa" {
		t.Fatalf("secondary emails: %+v", d.SecondaryEmails)
	}
	// An email used as a secondary address cannot become a user's login, nor the reverse.
	if _, err := s.AddLocalUser(ctx, 3, ana("casa@example.cl")); err == nil {
		t.Fatal("a secondary email became a user's login")
	}
	if err := s.RemoveSecondaryEmail(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSecondaryEmail(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
	if _, err := s.AddLocalUser(ctx, 3, ana("casa@example.cl")); err != nil {
		t.Fatal(err)
	}
}

func TestValidatePhoneAndType(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+56 9 1234 5678", "+56 9 1234 5678"},
		{"(2) 2345-6789", "(2) 2345-6789"},
		{"  ", ""},
	} {
		if got, err := ValidatePhone(tt.in); err != nil || got != tt.want {
			t.Errorf("ValidatePhone(%q) = %q, %v", tt.in, got, err)
		}
	}
	for _, in := range []string{"9+1234 5678", "123", "1234567890123456", "fono"} {
		if _, err := ValidatePhone(in); err == nil {
			t.Errorf("ValidatePhone(%q) accepted", in)
		}
	}
	if typ, err := ParseUserType(" Propietario "); err != nil || typ != Propietario {
		t.Errorf("ParseUserType: %v %v", typ, err)
	}
	if typ, err := ParseUserType(""); err != nil || typ != Residente {
		t.Errorf("ParseUserType empty: %v %v", typ, err)
	}
}
