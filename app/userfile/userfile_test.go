package userfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// chile is a fixed zone, so the expected dates do not depend on the machine.
var chile = time.FixedZone("CLT", -3*60*60)

func exec1(t testing.TB, st *data.Store, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := st.Writer().Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}

// seed is a small community with every case the file must show.
func seed(t testing.TB, st *data.Store) data.Community {
	t.Helper()
	c, err := st.CreateCommunity(context.Background(), "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	exec1(t, st,
		`INSERT INTO units (id, community_id, code, name, assigned, sector) VALUES
			(1, 1, '101', 'Depto 101', 'Depto 101, Bod. 12, Est. 34', 'Torre A'),
			(2, 1, '0102', 'Depto 102', 'Depto 102', 'Torre A'),
			(3, 1, '201', 'Depto 201', '', 'Torre B'),
			(4, 1, '301', 'Depto 301', '', 'Torre B')`,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin) VALUES
			(1, 1, 'k1', 'José Ignacio', 'Núñez Peña', '07.654.302-K', 'jose@example.cl', '0987654321', 'propietario', 'kastor'),
			(2, 1, 'k2', '=1+1', '=HYPERLINK("http://x.cl","clic")', '12345670-K', 'igual@example.cl', '987654321', 'propietario', 'kastor'),
			(3, 1, NULL, 'Ana', 'Soto', '', 'ana@example.cl', '+56 9 1234 5678', 'residente', 'local'),
			(4, 1, 'k4', 'Marta', 'Sin Correo', '', '', '', 'propietario', 'kastor'),
			(5, 1, 'k5', 'Tomás', 'Arriendo', '', 'tomas@', '', 'arrendatario', 'kastor')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES
			(1, 1, 'main', 'kastor', 0), (1, 3, 'additional', 'local', 0),
			(2, 1, 'main', 'kastor', 0), (2, 2, 'additional', 'kastor', 1),
			(3, 4, 'main', 'kastor', 0), (3, 5, 'additional', 'kastor', 1)`,
		`INSERT INTO secondary_emails (unit_id, email) VALUES (3, 'conserje@example.cl')`,
		// José already had his account.
		`INSERT INTO accounts (community_id, email, created_at) VALUES (1, 'jose@example.cl', '2025-03-10T15:30:00.000Z')`,
	)
	return c
}

func openBook(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestGenerateFile(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	c := seed(t, st)
	path := filepath.Join(t.TempDir(), DefaultName(c.Name, time.Now()))
	var calls []int
	before := time.Now()
	rep, err := GenerateFile(ctx, st, c.ID, nil, path, Options{Location: chile, Progress: func(done, total int) { calls = append(calls, done, total) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rep.Created, " "); got != "ana@example.cl conserje@example.cl igual@example.cl" {
		t.Fatalf("created %q", got)
	}
	if len(calls) < 4 || calls[len(calls)-2] != calls[len(calls)-1] || calls[len(calls)-1] != 9 {
		t.Fatalf("progress calls %v: want 0..total, total = 7 rows + 1 exclusion + 1 empty unit", calls)
	}

	f := openBook(t, path)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{SheetUsers, SheetNotes, SheetSummary}) {
		t.Fatalf("sheets %v", got)
	}
	// Estado and Fecha of the accounts created now.
	created := rep.GeneratedAt.In(chile).Format("02-01-2006 15:04")
	if rep.GeneratedAt.Before(before.Add(-time.Second)) {
		t.Fatalf("generated at %v", rep.GeneratedAt)
	}
	want := [][]string{
		UserColumns,
		{"Edificio Los Álamos", "101", "Depto 101", "Depto 101, Bod. 12, Est. 34", "Torre A", "Propietario", "Sí", "José Ignacio", "Núñez Peña", "07.654.302-K", "jose@example.cl", "0987654321", "Kastor", "Activa", "10-03-2025 12:30"},
		{"Edificio Los Álamos", "101", "Depto 101", "Depto 101, Bod. 12, Est. 34", "Torre A", "Residente", "No", "Ana", "Soto", "", "ana@example.cl", "+56 9 1234 5678", "Agregado", "Activa (nueva)", created},
		{"Edificio Los Álamos", "0102", "Depto 102", "Depto 102", "Torre A", "Propietario", "Sí", "José Ignacio", "Núñez Peña", "07.654.302-K", "jose@example.cl", "0987654321", "Kastor", "Activa", "10-03-2025 12:30"},
		{"Edificio Los Álamos", "0102", "Depto 102", "Depto 102", "Torre A", "Propietario", "No", "=1+1", `=HYPERLINK("http://x.cl","clic")`, "12345670-K", "igual@example.cl", "987654321", "Kastor", "Activa (nueva)", created},
		{"Edificio Los Álamos", "201", "Depto 201", "", "Torre B", "Propietario", "Sí", "Marta", "Sin Correo", "", "", "", "Kastor", "Sin cuenta: sin correo"},
		{"Edificio Los Álamos", "201", "Depto 201", "", "Torre B", "Arrendatario", "No", "Tomás", "Arriendo", "", "tomas@", "", "Kastor", "Sin cuenta: no es propietario ni cuenta principal"},
		{"Edificio Los Álamos", "201", "Depto 201", "", "Torre B", "Correo secundario", "No", "", "", "", "conserje@example.cl", "", "Agregado", "Activa (nueva)", created},
	}
	users := rowsOf(t, f, SheetUsers)
	if !reflect.DeepEqual(users, want) {
		t.Fatalf("Usuarios:\n got %q\nwant %q", users, want)
	}

	// Text stays text: RUTs, phones and names are strings with the "@"
	// format, never numbers or formulas.
	for _, cell := range []string{"J2", "L2", "H5", "I5", "J5", "L5", "B4"} {
		typ, _ := f.GetCellType(SheetUsers, cell)
		formula, _ := f.GetCellFormula(SheetUsers, cell)
		if typ != excelize.CellTypeInlineString || formula != "" {
			t.Errorf("%s: type %v, formula %q; want an inline string and no formula", cell, typ, formula)
		}
		if s := styleOf(t, f, SheetUsers, cell); s.NumFmt != 49 {
			t.Errorf("%s: number format %d, want 49 (@)", cell, s.NumFmt)
		}
	}
	// Dates are numbers with a date format.
	raw, _ := f.GetCellValue(SheetUsers, "O2", excelize.Options{RawCellValue: true})
	if raw != "45726.5208333333" && !strings.HasPrefix(raw, "45726.52083") {
		t.Errorf("O2 raw value %q, want the Excel serial of 10-03-2025 12:30", raw)
	}
	if s := styleOf(t, f, SheetUsers, "O2"); s.CustomNumFmt == nil || *s.CustomNumFmt != DateFormat {
		t.Errorf("O2 number format %+v", s)
	}
	// The header: bold, frozen, filtered.
	if s := styleOf(t, f, SheetUsers, "A1"); s.Font == nil || !s.Font.Bold || s.Font.Family != "Calibri" {
		t.Errorf("header font %+v, want bold Calibri like the body", s.Font)
	}
	panes, err := f.GetPanes(SheetUsers)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, %v", panes, err)
	}
	if !hasFilter(f, SheetUsers, "$A$1:$O$8") || !hasFilter(f, SheetNotes, "$A$1:$I$3") {
		t.Errorf("autofilters: %+v", f.GetDefinedName())
	}
	for col, min := range map[string]float64{"A": 21, "D": 29, "K": 21, "O": 18, "G": 13} {
		if w, _ := f.GetColWidth(SheetUsers, col); w < min || w > 45 {
			t.Errorf("column %s width %v, want at least %v", col, w, min)
		}
	}

	wantNotes := [][]string{
		NoteColumns,
		{"201", "Marta", "Sin Correo", "", "", "Propietario", "Kastor", "Sin correo"},
		{"301", "", "", "", "", "", "", "Unidad sin usuarios", "Depto 301"},
	}
	if got := rowsOf(t, f, SheetNotes); !reflect.DeepEqual(got, wantNotes) {
		t.Fatalf("Observaciones:\n got %q\nwant %q", got, wantNotes)
	}
	wantSummary := [][]string{
		{"Resumen"},
		{"Comunidad", "Edificio Los Álamos"},
		{"Generado", created},
		{"Unidades incluidas", "4"},
		{"Filas en Usuarios", "7"},
		{"Cuentas nuevas", "3"},
		{"Cuentas que ya existían", "1"},
		{"Personas sin cuenta: sin correo", "1"},
		{"Personas sin cuenta: correo inválido", "0"},
		{"Personas sin cuenta: correo compartido", "0"},
		{"Usuarios de Kastor que no son propietarios ni cuenta principal (sin cuenta)", "1"},
		{"Unidades sin usuarios", "1"},
		{"Usuarios archivados por Kastor (no incluidos)", "0"},
	}
	if got := rowsOf(t, f, SheetSummary); !reflect.DeepEqual(got, wantSummary) {
		t.Fatalf("Resumen:\n got %q\nwant %q", got, wantSummary)
	}
	checkLibreOffice(t, path, f)

	// A second run creates nothing and says so.
	path2 := filepath.Join(t.TempDir(), "otra vez.xlsx")
	rep2, err := GenerateFile(ctx, st, c.ID, nil, path2, Options{Location: chile})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Created) != 0 || len(rep2.Existing) != 4 {
		t.Fatalf("second run: created %v, existing %v", rep2.Created, rep2.Existing)
	}
	f2 := openBook(t, path2)
	if v, _ := f2.GetCellValue(SheetSummary, "B6"); v != "0" {
		t.Fatalf("second run: Cuentas nuevas = %q", v)
	}
	if v, _ := f2.GetCellValue(SheetSummary, "B7"); v != "4" {
		t.Fatalf("second run: Cuentas que ya existían = %q", v)
	}
	if v, _ := f2.GetCellValue(SheetUsers, "N3"); v != "Activa" {
		t.Fatalf("second run: Ana's account state = %q", v)
	}
	if v, _ := f2.GetCellValue(SheetUsers, "O3"); v != created {
		t.Fatalf("second run: Ana's account date = %q, want %q", v, created)
	}
}

func TestGenerateSelectedUnitsAndSharedEmail(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	c := seed(t, st)
	// Two people whose addresses differ only in case: neither gets an account.
	exec1(t, st,
		`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, email, user_type, origin) VALUES
			(6, 1, 'k6', 'Luis', 'Muñoz', 'Luis@Example.cl', 'propietario', 'kastor'),
			(7, 1, 'k7', 'Luisa', 'Muñoz', 'luis@example.cl', 'propietario', 'kastor')`,
		`INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES (4, 6, 'main', 'kastor', 0), (1, 7, 'additional', 'kastor', 2)`,
	)
	var buf bytes.Buffer
	rep, err := Generate(ctx, st, c.ID, []int64{4}, &buf, Options{Location: chile})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != 0 || rep.Units != 1 {
		t.Fatalf("created %v for %d units", rep.Created, rep.Units)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	users := rowsOf(t, f, SheetUsers)
	if len(users) != 2 || users[1][1] != "301" || users[1][13] != "Sin cuenta: correo compartido" || users[1][10] != "luis@example.cl" {
		t.Fatalf("Usuarios for unit 301: %q", users)
	}
	notes := rowsOf(t, f, SheetNotes)
	want := []string{"301", "Luis", "Muñoz", "", "Luis@Example.cl", "Propietario", "Kastor", "Correo compartido", "luis@example.cl también lo usa Luisa Muñoz (unidad 101)"}
	if len(notes) != 2 || !reflect.DeepEqual(notes[1], want) {
		t.Fatalf("Observaciones:\n got %q\nwant %q", notes, want)
	}
	if v, _ := f.GetCellValue(SheetSummary, "B10"); v != "1" {
		t.Fatalf("Resumen, correo compartido = %q", v)
	}
	if accts, _ := st.Accounts(ctx, c.ID); len(accts) != 1 {
		t.Fatalf("accounts: %v", accts)
	}
}

// errWriter fails like a full disk after n bytes.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("no queda espacio en el disco")
	}
	return len(p), nil
}

func TestGenerateAllOrNothing(t *testing.T) {
	st := datatest.Open(t)
	ctx := context.Background()
	c := seed(t, st)
	dir := t.TempDir()

	// The file cannot be written: no account is created.
	if _, err := Generate(ctx, st, c.ID, nil, &errWriter{n: 100}, Options{}); err == nil || !strings.Contains(err.Error(), "no queda espacio") {
		t.Fatalf("full disk: err = %v", err)
	}
	// A folder that does not exist: refused before anything.
	if _, err := GenerateFile(ctx, st, c.ID, nil, filepath.Join(dir, "no", "existe.xlsx"), Options{}); err == nil {
		t.Fatal("missing folder accepted")
	}
	// Cancelled while writing: nothing created, no file, no temporary file.
	cctx, cancel := context.WithCancel(ctx)
	out := filepath.Join(dir, "usuarios.xlsx")
	_, err := GenerateFile(cctx, st, c.ID, nil, out, Options{Progress: func(done, total int) {
		if done > 0 || total > 0 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
	if accts, _ := st.Accounts(ctx, c.ID); len(accts) != 1 {
		t.Fatalf("accounts after failures: %v", accts)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	// An existing file keeps its content when the write fails.
	os.WriteFile(out, []byte("anterior"), 0o644)
	cctx, cancel = context.WithCancel(ctx)
	cancel()
	if _, err := GenerateFile(cctx, st, c.ID, nil, out, Options{}); err == nil {
		t.Fatal("cancelled run succeeded")
	}
	if b, _ := os.ReadFile(out); string(b) != "anterior" {
		t.Fatalf("the old file changed: %q", b)
	}
}

func TestDefaultName(t *testing.T) {
	day := time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ in, want string }{
		{"Edificio Los Álamos", "usuarios-edificio-los-alamos-2026-11-27.xlsx"},
		{"Condominio Ñuñoa / Torre 2", "usuarios-condominio-nunoa-torre-2-2026-11-27.xlsx"},
		{"../../etc/passwd", "usuarios-etc-passwd-2026-11-27.xlsx"},
		{`C:\con: "x"?*`, "usuarios-c-con-x-2026-11-27.xlsx"},
		{"  ", "usuarios-comunidad-2026-11-27.xlsx"},
		{"日本", "usuarios-comunidad-2026-11-27.xlsx"},
		{strings.Repeat("Muy largo ", 20), "usuarios-muy-largo-muy-largo-muy-largo-muy-largo-muy-largo-muy-largo-m-2026-11-27.xlsx"},
	} {
		if got := DefaultName(tt.in, day); got != tt.want {
			t.Errorf("DefaultName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func styleOf(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hasFilter(f *excelize.File, sheet, ref string) bool {
	idx, _ := f.GetSheetIndex(sheet)
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet && strings.HasSuffix(d.RefersTo, "!"+ref) {
			return true
		}
		_ = idx
	}
	return false
}

// checkLibreOffice converts every sheet of path to CSV with LibreOffice and
// compares each cell with what excelize reads.
func checkLibreOffice(t *testing.T, path string, f *excelize.File) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("libreoffice"); err != nil {
			t.Skip("LibreOffice (soffice) is not installed: the file was not opened in LibreOffice (apt-get install libreoffice-calc-nogui)")
		}
	}
	out := t.TempDir()
	profile := t.TempDir() // its own profile, so parallel runs do not fight over one
	// Filter options: comma, double quotes, UTF-8, from line 1, ..., and -1:
	// cells as shown (formatted), and -1: every sheet to its own file
	// (<name>-<sheet>.csv).
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.ToSlash(profile), "--headless", "--norestore",
		"--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1`, "--outdir", out, path)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, msg)
	}
	base := strings.TrimSuffix(filepath.Base(path), ".xlsx")
	for _, sheet := range f.GetSheetList() {
		b, err := os.ReadFile(filepath.Join(out, base+"-"+sheet+".csv"))
		if err != nil {
			t.Fatalf("libreoffice wrote no %s sheet: %v\n%s", sheet, err, msg)
		}
		got, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", sheet, err)
		}
		want := rowsOf(t, f, sheet)
		for i := range max(len(got), len(want)) {
			var g, w []string
			if i < len(got) {
				g = trimRight(got[i])
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s row %d in LibreOffice:\n got %q\nwant %q", sheet, i+1, g, w)
			}
		}
	}
}

func trimRight(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return row
}

// A time a second short of the next minute reads as the minute the app
// shows, in the Usuarios and Resumen sheets alike: a date cell holding
// 10:14:59.7 is shown by spreadsheets as 10:15.
func TestDateCellsKeepTheMinute(t *testing.T) {
	at := time.Date(2026, 12, 2, 13, 14, 59, 700_000_000, time.UTC) // 10:14:59.7 in Chile
	rep := data.AccountsReport{
		Community:   data.Community{Name: "Edificio Los Álamos"},
		GeneratedAt: at,
		Rows: []data.AccountRow{{
			UserRow: data.UserRow{Community: "Edificio Los Álamos", UnitCode: "101", UnitName: "Depto 101", Role: data.RoleMain, Type: data.Propietario,
				Origin: data.OriginKastor, FirstNames: "Ana", Email: "ana@example.cl", AccountStatus: "active", AccountCreatedAt: at},
			Login: "ana@example.cl", New: true,
		}},
		Created: []string{"ana@example.cl"},
	}
	path := filepath.Join(t.TempDir(), "u.xlsx")
	if err := WriteFile(context.Background(), path, rep, Options{Location: chile}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, path)
	users := rowsOf(t, f, SheetUsers)
	if got := users[1][len(users[1])-1]; got != "02-12-2026 10:14" {
		t.Errorf("Fecha de creación %q, want 02-12-2026 10:14", got)
	}
	found := false
	for _, r := range rowsOf(t, f, SheetSummary) {
		if len(r) > 1 && r[0] == "Generado" {
			found = true
			if r[1] != "02-12-2026 10:14" {
				t.Errorf("Generado %q, want 02-12-2026 10:14", r[1])
			}
		}
	}
	if !found {
		t.Error("no «Generado» line in Resumen")
	}
}
