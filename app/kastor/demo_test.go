package kastor

import (
	"context"
	"testing"

	"comunidad/assets"
	"comunidad/data"
)

// The embedded demo export is what `make run` shows: it must read cleanly,
// with the variety the issue asks for.
func TestDemoExport(t *testing.T) {
	res, err := ReadBytes(context.Background(), assets.DemoExportName, assets.DemoExport, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Snapshot
	if res.Layout != PerPerson || res.SuggestedName() != "Condominio Parque Los Aromos" {
		t.Fatalf("layout %v, name %q", res.Layout, res.SuggestedName())
	}
	if len(s.Units) < 230 || len(s.Units) > 250 {
		t.Fatalf("%d inmuebles, want about 240", len(s.Units))
	}
	towers := map[string]int{}
	var storage, parking, twoUnits, noEmail, tenants, accents int
	seen := map[int]int{}
	for _, u := range s.Units {
		towers[u.Sector]++
		if contains(u.Assigned, "Bodega") {
			storage++
		}
		if contains(u.Assigned, "Estacionamiento") {
			parking++
		}
		for _, m := range u.Members {
			seen[m.Person]++
		}
	}
	for i, p := range s.People {
		if seen[i] > 1 {
			twoUnits++
		}
		if p.Email == "" {
			noEmail++
		}
		if p.Type == data.Arrendatario {
			tenants++
		}
		if contains(p.FirstNames+p.LastNames, "ñ") || contains(p.FirstNames+p.LastNames, "á") {
			accents++
		}
	}
	if len(towers) != 2 || storage == 0 || parking == 0 || twoUnits != 1 || noEmail == 0 || tenants == 0 || accents == 0 {
		t.Fatalf("towers %v, storage %d, parking %d, owners of two %d, without email %d, tenants %d, accented %d",
			towers, storage, parking, twoUnits, noEmail, tenants, accents)
	}
	t.Logf("%d inmuebles, %d people, %d problems", len(s.Units), len(s.People), len(s.Problems))
}
