package workflow

import (
	"strings"
	"testing"

	"comunidad/app/kastor"
	"comunidad/data"
)

func TestOtherCommunityGuard(t *testing.T) {
	aromos := data.Community{ID: 1, Name: "Condominio Parque Los Aromos"}
	all := []data.Community{aromos, {ID: 2, Name: "Edificio Los Álamos"}, {ID: 3, Name: "Las Brisas"}}
	tests := []struct {
		title, sheet string
		named        string // "" when the export is the community's own
	}{
		{"Reporte de usuarios — Condominio Parque Los Aromos", "", ""},
		{"CONDOMINIO PARQUE LOS AROMOS — Listado de copropietarios", "", ""},
		{"Reporte de usuarios — parque los aromos", "", ""},
		{"Listado de copropietarios 2026", "Usuarios", ""}, // names no community
		{"", "Parque Los Aromos", ""},
		{"Reporte de usuarios — Condominio Las Brisas", "", "Las Brisas"},
		{"Edificio los alamos - Listado de copropietarios", "", "Edificio Los Álamos"},
		{"Reporte de usuarios — Condominio Vista Hermosa", "", "Condominio Vista Hermosa"},
		{"Usuarios", "Condominio Vista Hermosa", "Condominio Vista Hermosa"},
		{"Reporte — Condominio Parque", "", ""}, // a shorter form of its own name
	}
	for _, tt := range tests {
		g, ok := otherCommunity(aromos, all, &kastor.Result{Title: tt.title, Sheet: tt.sheet})
		if ok != (tt.named != "") {
			t.Errorf("%q / %q: guard %v (%s), want named %q", tt.title, tt.sheet, ok, g.Message, tt.named)
			continue
		}
		if ok && (!strings.Contains(g.Message, "«"+tt.named+"»") || !strings.Contains(g.Message, "no de «Condominio Parque Los Aromos»") ||
			!strings.Contains(g.Confirm, tt.named)) {
			t.Errorf("%q: message %q, confirm %q", tt.title, g.Message, g.Confirm)
		}
	}
}

func TestArchivesManyGuard(t *testing.T) {
	for _, tt := range []struct {
		units, ofUnits, people, ofPeople int
		want                             string
	}{
		{2, 10, 2, 10, ""}, // a fifth: not more
		{3, 10, 0, 10, "3 de 10 unidades (30 %)"},
		{0, 10, 30, 100, "30 de 100 personas (30 %)"},
		{180, 240, 352, 500, "180 de 240 unidades (75 %) y 352 de 500 personas (70 %)"},
	} {
		g, ok := archivesMany(tt.units, tt.ofUnits, tt.people, tt.ofPeople)
		if ok != (tt.want != "") || ok && (!strings.Contains(g.Message, tt.want) || !strings.Contains(g.Confirm, tt.want)) {
			t.Errorf("%+v: %v %q", tt, ok, g.Message)
		}
	}
}
