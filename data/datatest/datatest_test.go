package datatest_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// TestFactoryRowsReadBack: what the factory writes is what the store's own
// listing reads, with the defaults it documents.
func TestFactoryRowsReadBack(t *testing.T) {
	f := datatest.New(t, nil)
	c := f.Community("Edificio Ñuñoa")
	u := f.Unit(c, data.Unit{Code: "101", Name: "Depto 101", Sector: "Torre A"})
	archived := f.Unit(c, data.Unit{ID: 7, Code: "999", Archived: true})
	ana := f.Person(c, data.Person{FirstNames: "Ana", LastNames: "Rojas", Email: "ana@example.cl"})
	luis := f.Person(c, data.Person{FirstNames: "Luis", Email: "luis@example.cl", Origin: data.OriginLocal, Type: data.Residente})
	f.Member(u, ana, data.RoleMain)
	f.Members(data.Membership{UnitID: u.ID, PersonID: luis.ID, Role: data.RoleAdditional, Origin: data.OriginLocal, Position: 1})
	f.SecondaryEmails(data.SecondaryEmail{UnitID: u.ID, Email: "conserje@example.cl"})
	if archived.ID != 7 || ana.Origin != data.OriginKastor || ana.KastorKey == "" || ana.Type != data.Propietario || luis.KastorKey != "" {
		t.Fatalf("defaults: %+v %+v %+v", archived, ana, luis)
	}
	rows, err := f.Store.UserRows(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %v", r.UnitCode, r.Role, r.Origin, r.FullName(), r.Email, r.UnitArchived))
	}
	want := []string{
		"101 main kastor Ana Rojas ana@example.cl false",
		"101 additional local Luis luis@example.cl false",
		"101 secondary_email local  conserje@example.cl false",
		"999     true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
}
