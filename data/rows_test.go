package data

import (
	"context"
	"fmt"
	"testing"
)

func TestUserRows(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Edificio Ñuñoa")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, community_id, code, name, sector) VALUES (1, 1, '10', 'Depto 10', 'Torre A'), (2, 1, '2', 'Depto 2', 'Torre A'), (3, 1, '3', 'Depto 3', 'Torre B'), (4, 1, '4', 'Depto 4', 'Torre B')`,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, email, user_type, origin) VALUES
			(1, 1, 'k1', 'José', 'Núñez Pérez', 'jose@example.cl', 'propietario', 'kastor'),
			(2, 1, NULL, 'Ana', 'Soto', 'ana@example.cl', 'residente', 'local')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (1, 1, 'main', 'kastor'), (2, 1, 'main', 'kastor'), (1, 2, 'additional', 'local')`,
		`INSERT INTO secondary_emails (unit_id, email) VALUES (1, 'conserje@example.cl'), (4, 'solo@example.cl')`,
		`INSERT INTO accounts (community_id, email) VALUES (1, 'jose@example.cl')`,
		`INSERT INTO outbox (community_id, kind, dedupe_key, person_id, to_addr, state, sent_at) VALUES
			(1, 'letter', 'l1', 1, 'jose@example.cl', 'sent', '2026-11-20T10:00:00.000Z'),
			(1, 'letter', 'l2', 1, 'jose@example.cl', 'sent', '2026-11-21T10:00:00.000Z'),
			(1, 'letter', 'l3', 1, 'jose@example.cl', 'failed', NULL),
			(1, 'new_user', 'n1', 2, 'ana@example.cl', 'failed', NULL),
			(1, 'new_user', 'n2', 2, 'ana@example.cl', 'pending', NULL)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ResyncIDs(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.UserRows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s", r.UnitCode, r.Role, r.Origin, r.Email, r.AccountStatus))
	}
	want := []string{
		"2/main/kastor/jose@example.cl/active",
		"3////",
		"4/secondary_email/local/solo@example.cl/",
		"10/main/kastor/jose@example.cl/active",
		"10/additional/local/ana@example.cl/",
		"10/secondary_email/local/conserje@example.cl/",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	if got := rows[0].LetterSentAt.Format("2006-01-02"); got != "2026-11-21" {
		t.Errorf("letter sent at = %s, want the latest sent one", got)
	}
	if rows[4].NoticeState != "pending" || rows[0].NoticeState != "" {
		t.Errorf("notice states = %q, %q; want the newest notification's state", rows[4].NoticeState, rows[0].NoticeState)
	}
	if rows[0].FullName() != "José Núñez Pérez" || rows[0].Sector != "Torre A" || !rows[0].IsMain() || !rows[1].Empty() {
		t.Fatalf("row fields: %+v %+v", rows[0], rows[1])
	}
}

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2", "10", -1},
		{"Depto 2", "depto 10", -1},
		{"B-10", "b-2", 1},
		{"A", "a", 0},
		{"007", "7", 0},
		{"101", "101A", -1},
		{"Bod. 1", "Depto 1", -1},
	}
	for _, tt := range tests {
		if got := NaturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("NaturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNormalizeRUT(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"12.345.678-5", "12345678-5", true},
		{"12345678-5", "12345678-5", true},
		{"123456785", "12345678-5", true},
		{" 12.345.670-k ", "12345670-K", true},
		{"010.000.013-K", "10000013-K", true},
		{"7.654.321-6", "7654321-6", true},
		{"11.111.111-1", "11111111-1", true},
		{"5.126.663-3", "5126663-3", true},
		{"24.965.885-5", "24965885-5", true},
		{"7.654.321-K", "", false},
		{"", "", true},
		{"12.345.678-9", "", false},
		{"12.345.678", "", false},
		{"abc", "", false},
		{"0-0", "", false},
		{"1234567890-1", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeRUT(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeRUT(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got := FormatRUT("7654321-6"); got != "7.654.321-6" {
		t.Errorf("FormatRUT = %q", got)
	}
	if got := FormatRUT("12345678-5"); got != "12.345.678-5" {
		t.Errorf("FormatRUT = %q", got)
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{" Ana.Perez@Example.CL ", "ana.perez@example.cl", true},
		{"jose+portal@correo.uc.cl", "jose+portal@correo.uc.cl", true},
		{"", "", true},
		{"ana@", "", false},
		{"ana@localhost", "", false},
		{"ana perez@example.cl", "", false},
		{"Ana <ana@example.cl>", "", false},
		{"ana@example.c", "", false},
		{"ana@@example.cl", "", false},
		{"ana@example..cl", "", false},
		{"anaexample.cl", "", false},
		{"ana@-example.cl", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Núñez": "nunez", "ÁLAMOS": "alamos", "Pingüino": "pinguino", "abc 12": "abc 12", "Ñandú": "nandu"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldFastPathMatchesTransformer: the table and the ASCII path give what
// the text transformer gives, for every rune of the table and for text
// beyond it (Greek, combining marks).
func TestFoldFastPathMatchesTransformer(t *testing.T) {
	cases := []string{"José Núñez", "MARÍA PÉREZ", "Ñuñoa", "Çedilla Øre ÅSA", "Ǆemal", "Ελένη", "plain", "Sepúlveda-Muñoz 12",
		"Jose\u0301 Nun\u0303ez", "Ano\u0308n ÁRBOL"}
	for r := rune(0x80); r < foldTableEnd; r++ {
		cases = append(cases, "A"+string(r)+"b")
	}
	for _, s := range cases {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, the transformer says %q", s, got, want)
		}
	}
}

func TestCapitalize(t *testing.T) {
	for in, want := range map[string]string{"": "", "la persona": "La persona", "ñandú": "Ñandú", "Ya": "Ya", "élite": "Élite"} {
		if got := Capitalize(in); got != want {
			t.Errorf("Capitalize(%q) = %q, want %q", in, got, want)
		}
	}
}
