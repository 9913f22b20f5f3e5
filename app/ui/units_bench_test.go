package ui

import (
	"fmt"
	"strings"
	"testing"

	"comunidad/data"
)

// bigListing is a community of 30,000 users: 10,000 units with a Kastor
// owner, a tenant and a resident each, names with accents as Chile has them.
func bigListing(n int) []data.UserRow {
	first := []string{"José", "María", "Ana", "Pedro", "Martín", "Sofía", "Ignacio", "Valentina", "Matías", "Agustín"}
	last := []string{"Núñez", "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda", "Morales"}
	types := []data.UserType{data.Propietario, data.Arrendatario, data.Residente}
	rows := make([]data.UserRow, 0, n)
	for i := 0; len(rows) < n; i++ {
		unit := i/3 + 1
		r := data.UserRow{
			CommunityID: 1, UnitID: int64(unit), UnitCode: fmt.Sprint(unit), UnitName: fmt.Sprintf("Depto %d", unit),
			Sector: fmt.Sprintf("Torre %c", 'A'+unit%6), PersonID: int64(i + 1), Origin: data.OriginKastor,
			FirstNames: first[i%len(first)] + " " + first[(i/7)%len(first)],
			LastNames:  last[i%len(last)] + " " + last[(i/5)%len(last)],
			RUT:        fmt.Sprintf("%d-%d", 10000000+i*7, i%10),
			Email:      fmt.Sprintf("usuario%d@example.cl", i),
			Type:       types[i%3],
			Role:       data.RoleAdditional,
		}
		if i%3 == 0 {
			r.Role = data.RoleMain
		}
		rows = append(rows, r)
	}
	return rows
}

// BenchmarkUnitsFilter is one keystroke in the search box over 30,000
// users: filter, count (what the tab does on each keystroke, before the
// table redraws its visible cells). Target: at most 50 ms.
func BenchmarkUnitsFilter(b *testing.B) {
	s := newUnitsSnapshot(bigListing(30000))
	s.order(sortLast) // sorting is computed once per column, not per keystroke
	for _, tc := range []struct {
		name string
		f    unitsFilter
	}{
		{"empty", unitsFilter{}},
		{"n", unitsFilter{query: "n"}},
		{"nunez", unitsFilter{query: "nunez"}},
		{"Núñez_maría", unitsFilter{query: "Núñez maría"}},
		{"rut", unitsFilter{query: "10.000.070"}},
		{"nomatch", unitsFilter{query: "zzzz"}},
		{"sorted_sector", unitsFilter{query: "gonzalez", sortKey: sortLast, desc: true, sector: "Torre B"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				shown := s.filter(tc.f)
				s.counts(shown)
			}
		})
	}
}

// BenchmarkUnitsSnapshot is building the snapshot after a load (off the UI
// goroutine) for 30,000 users.
func BenchmarkUnitsSnapshot(b *testing.B) {
	rows := bigListing(30000)
	for b.Loop() {
		newUnitsSnapshot(rows)
	}
}

// BenchmarkUnitsSort is the first click on a column header (later clicks
// on it reuse the order).
func BenchmarkUnitsSort(b *testing.B) {
	rows := bigListing(30000)
	for b.Loop() {
		s := newUnitsSnapshot(rows)
		s.order(sortLast)
	}
}

func TestFilterFindsAccentedNamesInBigListing(t *testing.T) {
	s := newUnitsSnapshot(bigListing(3000))
	shown := s.filter(unitsFilter{query: "nunez"})
	want := 0
	for _, r := range s.rows {
		if strings.Contains(r.LastNames, "Núñez") {
			want++
		}
	}
	if len(shown) != want || want == 0 {
		t.Fatalf("nunez finds %d rows, want %d", len(shown), want)
	}
	if users, units := s.counts(shown); users != len(shown) || units == 0 {
		t.Fatalf("counts %d %d", users, units)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -4500: "-4.500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
