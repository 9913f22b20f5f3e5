package letter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"comunidad/data"
)

func TestSelectRecipients(t *testing.T) {
	rows := []data.UserRow{
		{UnitID: 1, UnitCode: "101", PersonID: 1, Role: data.RoleMain, FirstNames: "Ana"},
		{UnitID: 1, UnitCode: "101", PersonID: 2, Role: data.RoleAdditional, FirstNames: "Beto"},
		{UnitID: 1, UnitCode: "101", Role: data.RoleSecondaryEmail, SecondaryEmailID: 9, Email: "x@y.cl"},
		{UnitID: 2, UnitCode: "102"}, // no users
		{UnitID: 3, UnitCode: "103", PersonID: 3, Role: data.RoleMain, FirstNames: "Caro", Archived: true},
		{UnitID: 3, UnitCode: "103", PersonID: 4, Role: data.RoleAdditional, FirstNames: "Dani"},
		{UnitID: 4, UnitCode: "104", PersonID: 5, Role: data.RoleMain, FirstNames: "Eli", UnitArchived: true},
	}
	names := func(rs []data.UserRow) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.UnitCode+":"+r.FirstNames)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		units         []int64
		who           Recipients
		want, skipped string
	}{
		{nil, MainAccount, "101:Ana", "102:,103:Caro"},
		{nil, AllUsers, "101:Ana,101:Beto,103:Dani", "102:"},
		{[]int64{1}, AllUsers, "101:Ana,101:Beto", ""},
		{[]int64{2}, MainAccount, "", "102:"},
	}
	for _, tt := range tests {
		sel := SelectRecipients(rows, tt.units, tt.who)
		if got := names(sel.Rows); got != tt.want {
			t.Errorf("%v %s: rows %s, want %s", tt.units, tt.who, got, tt.want)
		}
		if got := names(sel.Skipped); got != tt.skipped {
			t.Errorf("%v %s: skipped %s, want %s", tt.units, tt.who, got, tt.skipped)
		}
	}
}

func TestFileNamesAreSafe(t *testing.T) {
	tests := []struct {
		code, first, last, want string
	}{
		{"101", "José", "Núñez", "101 - José Núñez.pdf"},
		{"../../etc", "passwd", "", "etc - passwd.pdf"},
		{"A/B", "Ana", "Pérez", "A-B - Ana Pérez.pdf"},
		{`C:\Windows`, "x", "y", "C-Windows - x y.pdf"},
		{"..", "..", "", "carta.pdf"},
		{"CON", "", "", "_CON.pdf"},
		{"1\x00\n2", "a:b*c?", `d"<e>|`, "1 2 - a-b-c- d-e.pdf"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		got := FileName(data.UserRow{UnitCode: tt.code, FirstNames: tt.first, LastNames: tt.last})
		if got != tt.want {
			t.Errorf("FileName(%q, %q %q) = %q, want %q", tt.code, tt.first, tt.last, got, tt.want)
		}
		if filepath.Base(got) != got || strings.ContainsAny(got, `/\`) {
			t.Errorf("%q can name a path", got)
		}
		if p := filepath.Join(dir, got); filepath.Dir(p) != dir {
			t.Errorf("%q leaves the folder", got)
		}
	}
	long := FileName(data.UserRow{UnitCode: strings.Repeat("ñ", 200)})
	if len(long) > 90 {
		t.Errorf("long name kept %d bytes", len(long))
	}
}

func TestBatchWritesAFolderAndACombinedPDF(t *testing.T) {
	rows := []data.UserRow{
		testRow("101", "José", "Núñez", "jose@ejemplo.cl"),
		testRow("../../etc", "Ana", "Pérez", "ana@ejemplo.cl"),
		testRow("A/B", "Íñigo", "Muñoz", ""),
		testRow("A/B", "Íñigo", "Muñoz", "otro@ejemplo.cl"), // same file name: numbered
	}
	b := Batch{Template: Suggested()[0].Template, Settings: testSettings(), Community: testCommunity, Rows: rows, Now: novDate}
	var progress []int
	b.OnProgress = func(done, total int) { progress = append(progress, done*10+total) }

	dir := filepath.Join(t.TempDir(), "cartas")
	paths, err := b.WriteFolder(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	want := []string{"101 - José Núñez.pdf", "A-B - Íñigo Muñoz (2).pdf", "A-B - Íñigo Muñoz.pdf", "etc - Ana Pérez.pdf"}
	if strings.Join(names, "|") != strings.Join(want, "|") || len(paths) != 4 {
		t.Fatalf("files: %q (paths %q)", names, paths)
	}
	if len(progress) != 4 || progress[3] != 44 {
		t.Fatalf("progress: %v", progress)
	}
	text := flat(pdfText(t, filepath.Join(dir, "A-B - Íñigo Muñoz.pdf")))
	if !strings.Contains(text, "Estimado(a) Íñigo Muñoz:") || !strings.Contains(text, "Usuario: "+NoLogin) {
		t.Fatalf("letter text:\n%s", text)
	}

	combined := filepath.Join(t.TempDir(), "todas.pdf")
	progress = nil
	if err := b.WriteCombined(context.Background(), combined); err != nil {
		t.Fatal(err)
	}
	if got := pdfInfo(t, combined)["Pages"]; got != "4" {
		t.Fatalf("combined pages = %s", got)
	}
	for i, r := range rows {
		p := flat(pdfText(t, combined, i+1, i+1))
		if !strings.Contains(p, "Estimado(a) "+r.FullName()+":") {
			t.Errorf("page %d is not %s's letter:\n%s", i+1, r.FullName(), p)
		}
	}
	if info := pdfInfo(t, combined); info["Title"] != "Cartas de bienvenida — Edificio Los Álamos" {
		t.Errorf("title %q", info["Title"])
	}

	// Cancelled: the combined file is not written, nothing is left behind.
	ctx, cancel := context.WithCancel(context.Background())
	b.OnProgress = func(done, total int) { cancel() }
	out := filepath.Join(t.TempDir(), "cancelada.pdf")
	if err := b.WriteCombined(ctx, out); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}

	// A broken template writes nothing either.
	b.Template = Template{"T", "Hola {nombres}"}
	b.OnProgress = nil
	if err := b.WriteCombined(context.Background(), out); err == nil || !strings.Contains(err.Error(), "campo desconocido {nombres}") {
		t.Fatalf("err = %v", err)
	}
}
