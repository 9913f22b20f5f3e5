package data

import (
	"errors"
	"testing"
)

// The rules for adding a user to a unit, from the facts alone: no database.
func TestCheckAddLocalUser(t *testing.T) {
	unit := Unit{ID: 1, CommunityID: 1, Code: "101"}
	ana := LocalUser{FirstNames: "Ana", LastNames: "Rojas", Email: "ana@example.cl", Type: Residente}
	localAna := &Person{ID: 7, FirstNames: "Ána", LastNames: "ROJAS", Email: "ana@example.cl", Origin: OriginLocal}
	tests := []struct {
		name    string
		in      LocalUser
		facts   LocalUserFacts
		link    int64  // the person linked instead of created
		field   string // the field a FieldError names
		want    string // the message, "" for none
		isLimit bool
	}{
		{name: "a free email: a new person", in: ana, facts: LocalUserFacts{Unit: unit}},
		{name: "the fifth is fine", in: ana, facts: LocalUserFacts{Unit: unit, LocalCount: MaxLocalUsers - 1}},
		{name: "not a sixth", in: ana, facts: LocalUserFacts{Unit: unit, LocalCount: MaxLocalUsers}, isLimit: true,
			want: "La unidad 101 ya tiene 5 usuarios adicionales, el máximo: quite uno para agregar otro"},
		{name: "not on an archived unit", in: ana, facts: LocalUserFacts{Unit: Unit{Code: "999", Archived: true}},
			want: "la unidad 999 está archivada: ya no viene en Kastor"},
		{name: "the same person added here holds another unit", in: ana,
			facts: LocalUserFacts{Unit: unit, Email: EmailUse{Person: localAna, Units: []string{"102"}}}, link: 7},
		{name: "already on this unit", in: ana,
			facts: LocalUserFacts{Unit: unit, Email: EmailUse{Person: localAna, Units: []string{"101", "102"}}},
			field: FieldEmail, want: "Ána ROJAS (ana@example.cl) ya es usuario de la unidad 101"},
		{name: "a Kastor person's email", in: ana,
			facts: LocalUserFacts{Unit: unit, Email: EmailUse{Person: &Person{FirstNames: "Ana", LastNames: "Rojas", Email: "ana@example.cl", Origin: OriginKastor}, Units: []string{"102", "103"}}},
			field: FieldEmail, want: "El correo ana@example.cl ya es de Ana Rojas, que viene de Kastor (las unidades 102, 103): no se puede usar para otro usuario agregado"},
		{name: "another person's email", in: ana,
			facts: LocalUserFacts{Unit: unit, Email: EmailUse{Person: &Person{FirstNames: "Luis", Email: "ana@example.cl", Origin: OriginLocal}, Units: []string{"102"}}},
			field: FieldEmail, want: "El correo ana@example.cl ya es de Luis (la unidad 102): cada correo es el acceso de una sola persona"},
		{name: "the same names with another RUT",
			in:    LocalUser{FirstNames: "Ana", LastNames: "Rojas", Email: "ana@example.cl", RUT: "12345678-5"},
			facts: LocalUserFacts{Unit: unit, Email: EmailUse{Person: &Person{FirstNames: "Ana", LastNames: "Rojas", RUT: "11111111-1", Origin: OriginLocal}, Units: []string{"102"}}},
			field: FieldRUT, want: "Ana Rojas ya está registrado con el RUT 11.111.111-1 (la unidad 102), no 12.345.678-5"},
		{name: "a secondary email", in: ana, facts: LocalUserFacts{Unit: unit, Email: EmailUse{SecondaryOn: "B-1"}},
			field: FieldEmail, want: "El correo ana@example.cl ya está registrado como correo secundario de la unidad B-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link, err := CheckAddLocalUser(tt.in, tt.facts)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got := int64(0); link != nil {
					got = link.ID
					if got != tt.link {
						t.Fatalf("linked person %d, want %d", got, tt.link)
					}
				} else if tt.link != 0 {
					t.Fatalf("a new person, want person %d linked", tt.link)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			var fe *FieldError
			if errors.As(err, &fe) != (tt.field != "") || fe != nil && fe.Field != tt.field {
				t.Fatalf("field error %+v, want field %q", fe, tt.field)
			}
			var ua *UnitArchivedError
			if errors.As(err, &ua) != tt.facts.Unit.Archived || ua != nil && ua.Code != tt.facts.Unit.Code {
				t.Fatalf("UnitArchivedError = %+v", ua)
			}
			if errors.Is(err, ErrLimit) != tt.isLimit {
				t.Fatalf("errors.Is(ErrLimit) = %v", !tt.isLimit)
			}
		})
	}
}
