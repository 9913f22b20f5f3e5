package workflow

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// On the office database an import is undone for its community alone: the
// community comes back as it was (emails traded between two people
// included), while another community changed meanwhile keeps its change;
// a change in the community itself refuses the undo, saying what; an
// import that created a community is undone by removing it.
func TestUndoOnTheOfficeDatabaseIsPerCommunity(t *testing.T) {
	enginetest.PostgresOnly(t)
	s, src := newService(t)
	st := db(s)
	ctx := context.Background()
	norte := importFile(t, s, src, data.SyncTarget{})
	sur := importFile(t, s, writeExport(t, "Parque Sur", "B-1;Casa 1;Rosa;Díaz;rosa@example.cl;Propietario\n"), data.SyncTarget{})

	// Ana and Luis (the same people: their RUT) trade emails, A-105's
	// main account passes from Rosa to Pedro, A-102 leaves, A-103 comes.
	v1 := writeExportRUT(t, "Edificio Norte", "A-101;Depto 101;Ana;Soto;11.111.111-1;ana@example.cl;Propietario\n"+
		"A-102;Depto 102;Luis;Pérez;22.222.222-2;luis@example.cl;Propietario\n"+
		"A-104;Depto 104;Luis;Pérez;22.222.222-2;luis@example.cl;Propietario\n"+
		"A-105;Depto 105;Rosa;Vera;33.333.333-3;rosa@example.cl;Propietario\n"+
		"A-105;Depto 105;Pedro;Vera;44.444.444-4;pedro@example.cl;Propietario\n")
	importAccepting(t, s, v1, norte.CommunityID)
	before, err := st.CommunityFingerprint(ctx, norte.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	v2 := writeExportRUT(t, "Edificio Norte", "A-101;Depto 101;Ana;Soto;11.111.111-1;luis@example.cl;Propietario\n"+
		"A-103;Depto 103;Marta;Gil;;marta@example.cl;Arrendatario\n"+
		"A-104;Depto 104;Luis;Pérez;22.222.222-2;ana@example.cl;Propietario\n"+
		"A-105;Depto 105;Pedro;Vera;44.444.444-4;pedro@example.cl;Propietario\n"+
		"A-105;Depto 105;Rosa;Vera;33.333.333-3;rosa@example.cl;Propietario\n")
	rep := importAccepting(t, s, v2, norte.CommunityID)
	if !rep.Changed() {
		t.Fatalf("second import changed nothing: %+v", rep)
	}
	if at, ok := s.CanUndo(ctx, norte.CommunityID); !ok || at.IsZero() {
		t.Fatal("the office database offers no undo of the import")
	}
	// Meanwhile another desktop adds a user in another community.
	b1, err := st.UnitByCode(ctx, sur.CommunityID, "B-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddLocalUser(ctx, b1.ID, data.LocalUser{FirstNames: "Inés", LastNames: "Rojas", Email: "ines@example.cl", Type: data.Residente}); err != nil {
		t.Fatal(err)
	}
	surChanged, _ := st.CommunityFingerprint(ctx, sur.CommunityID)

	done, err := s.UndoLastImport(ctx, norte.CommunityID)
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if done.Units != rep.Units || done.Users != rep.Users || done.Removed || done.Before != "" {
		t.Errorf("undone %+v, the import did %+v %+v", done, rep.Units, rep.Users)
	}
	if now, _ := st.CommunityFingerprint(ctx, norte.CommunityID); !maps.Equal(now, before) {
		t.Fatalf("the community is not as before the import:\n%v\nwant\n%v", now, before)
	}
	if now, _ := st.CommunityFingerprint(ctx, sur.CommunityID); !maps.Equal(now, surChanged) {
		t.Fatal("the undo touched another community")
	}
	runs, err := st.SyncRuns(ctx, norte.CommunityID, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("the history keeps %d imports (%v), want the two before it", len(runs), err)
	}
	if _, err := s.UndoLastImport(ctx, norte.CommunityID); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("second undo: %v", err)
	}
	if _, ok := s.CanUndo(ctx, norte.CommunityID); ok {
		t.Fatal("an undone import is offered again")
	}

	// Imported again, then a user added in that community: refused.
	importAccepting(t, s, v2, norte.CommunityID)
	a101, err := st.UnitByCode(ctx, norte.CommunityID, "A-101")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddLocalUser(ctx, a101.ID, data.LocalUser{FirstNames: "Pía", LastNames: "Mora", Email: "pia@example.cl", Type: data.Residente}); err != nil {
		t.Fatal(err)
	}
	changed, _ := st.CommunityFingerprint(ctx, norte.CommunityID)
	_, err = s.UndoLastImport(ctx, norte.CommunityID)
	var refused *UndoChangedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "después cambiaron en esta comunidad las personas") || !strings.Contains(err.Error(), "los usuarios de las unidades") {
		t.Fatalf("undo after a change: %v", err)
	}
	if now, _ := st.CommunityFingerprint(ctx, norte.CommunityID); !maps.Equal(now, changed) {
		t.Fatal("a refused undo wrote")
	}

	// An import that created its community: undone, the community is gone.
	este := importFile(t, s, writeExport(t, "Torre Este", "C-1;Depto 1;Pedro;Lagos;pedro@example.cl;Propietario\n"), data.SyncTarget{})
	done, err = s.UndoLastImport(ctx, este.CommunityID)
	if err != nil || !done.Removed {
		t.Fatalf("undo of a creating import: %+v %v", done, err)
	}
	if _, err := st.Community(ctx, este.CommunityID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("the community created by the undone import: %v", err)
	}
	if cs, _ := st.Communities(ctx); len(cs) != 2 {
		t.Fatalf("%d communities left, want Edificio Norte and Parque Sur", len(cs))
	}
}

// importAccepting imports src into the community, its guard rails accepted
// (a unit of two archived).
func importAccepting(t *testing.T, s *Service, src string, community int64) data.SyncReport {
	t.Helper()
	ctx := context.Background()
	im, err := s.ReadImport(ctx, ImportRequest{Source: src, CommunityID: community, AcceptGuards: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := im.Save(ctx, data.SyncTarget{CommunityID: community})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// writeExportRUT is writeExport with a RUT column after the last names.
func writeExportRUT(t *testing.T, name, rows string) string {
	return writeCSV(t, name, "Código;Unidad;Nombres;Apellido paterno;RUT;Correo;Tipo\n"+rows)
}

// writeExport writes a Kastor export of community name with rows.
func writeExport(t *testing.T, name, rows string) string {
	return writeCSV(t, name, exportHeader+rows)
}

func writeCSV(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
