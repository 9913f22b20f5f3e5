package kastor

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"comunidad/app/kastor/internal/fixture"
	"comunidad/data"
)

func writeXLSX(t *testing.T, name string, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := fixture.WriteXLSX(path, "Hoja1", rows); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeCSV writes rows as Excel would: sep-separated, in UTF-8 (with a BOM
// when bom) or Windows-1252.
func writeCSV(t *testing.T, name string, rows [][]string, sep rune, enc string) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = sep
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	switch enc {
	case "utf8bom":
		b = append([]byte("\xef\xbb\xbf"), b...)
	case "cp1252":
		var err error
		if b, err = charmap.Windows1252.NewEncoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// describe prints a snapshot compactly: one line per unit with its people.
func describe(s *data.Snapshot) []string {
	var out []string
	for _, u := range s.Units {
		line := fmt.Sprintf("%s|%s|%s|%s|%s|%g:", u.Code, u.Name, u.Assigned, u.Sector, u.Floor, u.Factor)
		for _, m := range u.Members {
			p := s.People[m.Person]
			mark := ""
			if m.Role == data.RoleMain {
				mark = "*"
			}
			line += fmt.Sprintf(" %s%s/%s/%s/%s/%s", mark, p.FirstNames, p.LastNames, p.RUT, p.Email, p.Type)
		}
		out = append(out, line)
	}
	return out
}

func problems(s *data.Snapshot) string {
	var out []string
	for _, p := range s.Problems {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

// perUnitRows is a users report (one row per inmueble) with two title rows.
var perUnitRows = [][]string{
	{"Reporte de usuarios"},
	{"Edificio Mirador Ñuñoa"},
	{"Código", "Nombre", "Unidades asignadas", "Sector(es)", "Factor", "Nombre", "Correo", "Nombre", "Correo", "Nombre", "Correo"},
	{"101", "Depto 101", "Depto 101, Bod. 12, Est. 34", "Torre A", "0,01234", "María José Núñez Peña", "MJ.Nunez@Gmail.com", "Pedro Núñez Soto", "pedro@example.cl"},
	{"102", "Depto 102", "Depto 102", "Torre A", "0,01100", "Juan Pérez", "", "", ""},
	{"103", "Depto 103", "Depto 103, Est. 7", "Torre B", "0,01100", "María José Núñez Peña", "mj.nunez@gmail.com", "Rosa Ibáñez", "rosa@@example"},
	{"", "", "", "", "", "", ""},
	{"101", "Depto 101 bis", "", "Torre A", "0,5", "Otra Persona", "otra@example.cl"},
	{"104", "Depto 104", "", "Torre B", "0,011", "Ana de la Fuente Rojas", "pedro@example.cl", "Luis Soto", "luis@example.cl", "Carla Díaz", "carla@example.cl"},
}

func TestReadPerUnitLayout(t *testing.T) {
	path := writeXLSX(t, "reporte-usuarios.xlsx", perUnitRows)
	res, err := Read(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Layout != PerUnit || res.Title != "Reporte de usuarios" || res.Rows != 5 {
		t.Errorf("layout %v, title %q, rows %d", res.Layout, res.Title, res.Rows)
	}
	want := []string{
		"101|Depto 101|Depto 101, Bod. 12, Est. 34|Torre A||0.01234: *María José/Núñez Peña//mj.nunez@gmail.com/propietario Pedro/Núñez Soto//pedro@example.cl/residente",
		"102|Depto 102|Depto 102|Torre A||0.011: *Juan/Pérez///propietario",
		"103|Depto 103|Depto 103, Est. 7|Torre B||0.011: *María José/Núñez Peña//mj.nunez@gmail.com/propietario Rosa/Ibáñez///residente",
		"104|Depto 104||Torre B||0.011: *Ana/de la Fuente Rojas///propietario Luis/Soto//luis@example.cl/residente Carla/Díaz//carla@example.cl/residente",
	}
	if got := describe(res.Snapshot); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("snapshot:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Snapshot.People) != 7 {
		t.Errorf("people = %d, want 7 (the owner of 101 and 103 once)", len(res.Snapshot.People))
	}
	for _, want := range []string{
		"fila 5: Juan Pérez (inmueble 102) no tiene correo",
		"fila 6: el correo «rosa@@example» de Rosa Ibáñez (inmueble 103) no es válido",
		"fila 8: el código 101 ya apareció en la fila 4 con otros datos",
		"fila 9: el correo pedro@example.cl ya es de Pedro Núñez Soto (fila 4): Ana de la Fuente Rojas se importó sin correo",
	} {
		if !strings.Contains(problems(res.Snapshot), want) {
			t.Errorf("problems lack %q:\n%s", want, problems(res.Snapshot))
		}
	}
}

// perPersonRows is a set-up sheet with shuffled, oddly written headers and
// an unknown column.
var perPersonRows = [][]string{
	{"Condominio Parque Los Aromos"},
	{"  TELÉFONO ", "apellido  paterno", "Nombres", "correo electrónico", "CÓDIGO", "Observación", "Apellido Materno", "rut", "Torre", "Piso", "Unidad", "Tipo", "Responsable", "Factor"},
	{"+56 9 1111 2222", "Núñez", "María José", "mj@example.cl", "A-101", "nada", "Peña", "12.345.678-5", "Torre A", "1", "Depto 101", "Propietario", "Sí", "0,0123"},
	{"", "Soto", "Pedro", "pedro@example.cl", "", "", "Muñoz", "", "", "", "Bodega 3", "Arrendatario", "No", ""},
	{"", "", "", "", "", "", "", "", "", "", "Estacionamiento 12", "", "", ""},
	{"", "Ibáñez", "Rosa", "ROSA@example.cl", "A-102", "", "", "11.111.111-2", "Torre A", "1", "Depto 102", "residente", "", "0,0100"},
	{"", "Díaz", "Luis", "luis@example.cl", "A-102", "", "", "", "Torre B", "1", "", "inquilino", "no", ""},
	{"", "Núñez", "María José", "", "B-201", "", "Peña", "12345678-5", "Torre B", "2", "Depto 201", "Propietario", "Sí", "0,0150"},
	{"", "Rojas", "Camila", "mj@example.cl", "B-202", "", "", "", "Torre B", "2", "Depto 202", "Comodatario", "Sí", "0,0150"},
	{"", "Rojas", "Tomás", "tomas@example.cl", "B-202", "", "", "", "Torre B", "2", "", "Residente", "Sí", ""},
}

func TestReadPerPersonLayoutShuffledHeaders(t *testing.T) {
	path := writeXLSX(t, "configuracion.xlsx", perPersonRows)
	res, err := Read(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Layout != PerPerson || res.SuggestedName() != "Condominio Parque Los Aromos" {
		t.Errorf("layout %v, name %q", res.Layout, res.SuggestedName())
	}
	want := []string{
		"A-101|Depto 101|Depto 101, Bodega 3, Estacionamiento 12|Torre A|1|0.0123: *María José/Núñez Peña/12345678-5/mj@example.cl/propietario Pedro/Soto Muñoz//pedro@example.cl/arrendatario",
		"A-102|Depto 102|Depto 102|Torre A|1|0.01: *Rosa/Ibáñez//rosa@example.cl/residente Luis/Díaz//luis@example.cl/arrendatario",
		"B-201|Depto 201|Depto 201|Torre B|2|0.015: *María José/Núñez Peña/12345678-5/mj@example.cl/propietario",
		"B-202|Depto 202|Depto 202|Torre B|2|0.015: *Camila/Rojas///otro Tomás/Rojas//tomas@example.cl/residente",
	}
	if got := describe(res.Snapshot); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("snapshot:\n%s\nwant\n%s\nproblems:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), problems(res.Snapshot))
	}
	for _, want := range []string{
		"fila 6: el RUT «11.111.111-2» de Rosa Ibáñez no es válido",
		"fila 7: el inmueble A-102 tiene otros datos (sector, piso o factor) que en la fila 6",
		"fila 9: el correo mj@example.cl ya es de María José Núñez Peña (fila 3): Camila Rojas se importó sin correo",
		"fila 10: el inmueble B-202 ya tiene un responsable: Tomás Rojas queda como usuario adicional",
	} {
		if !strings.Contains(problems(res.Snapshot), want) {
			t.Errorf("problems lack %q:\n%s", want, problems(res.Snapshot))
		}
	}
	// Rosa's email in upper case is normalised, not a problem; María José's
	// second row has no email but her first one has.
	if p := problems(res.Snapshot); strings.Contains(p, "ROSA@") || strings.Contains(p, "fila 8") {
		t.Errorf("problems that are not:\n%s", p)
	}
}

func TestReadCSVEncodingsAndSeparators(t *testing.T) {
	want := ""
	for _, tt := range []struct {
		name string
		sep  rune
		enc  string
		want string
	}{
		{"utf8-bom-semicolon.csv", ';', "utf8bom", encUTF8BOM},
		{"utf8-comma.csv", ',', "utf8", encUTF8},
		{"windows-1252-semicolon.csv", ';', "cp1252", encCP1252},
		{"windows-1252-comma.csv", ',', "cp1252", encCP1252},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCSV(t, tt.name, perPersonRows, tt.sep, tt.enc)
			res, err := Read(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Encoding != tt.want {
				t.Errorf("encoding = %q, want %q", res.Encoding, tt.want)
			}
			got := strings.Join(describe(res.Snapshot), "\n") + "\n" + problems(res.Snapshot)
			if !strings.Contains(got, "María José/Núñez Peña") || !strings.Contains(got, "Ibáñez") {
				t.Fatalf("accents lost:\n%s", got)
			}
			if want == "" {
				want = got
			} else if got != want {
				t.Fatalf("differs from the first file:\n%s\nwant\n%s", got, want)
			}
		})
	}
	xlsx, err := Read(context.Background(), writeXLSX(t, "x.xlsx", perPersonRows), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(describe(xlsx.Snapshot), "\n") + "\n" + problems(xlsx.Snapshot); got != want {
		t.Fatalf("CSV and Excel read differently:\n%s\nvs\n%s", want, got)
	}
}

func TestDecodeTextRefusesUnknownEncodings(t *testing.T) {
	mixed := append([]byte("Código;Nombre\nA;Núñez\n"), []byte("B;N\xfa\xf1ez\n")...) // UTF-8 and Latin-1 in one file
	if _, _, err := decodeText("x.csv", mixed); err == nil || !strings.Contains(err.Error(), "mezcla") {
		t.Fatalf("mixed encodings: %v", err)
	}
	if _, _, err := decodeText("x.csv", []byte("C\x81digo;x\n")); err == nil || !strings.Contains(err.Error(), "codificación") {
		t.Fatalf("undefined byte: %v", err)
	}
	utf16 := []byte{0xff, 0xfe, 'C', 0, 0xf3, 0, 'd', 0}
	if s, enc, err := decodeText("x.txt", utf16); err != nil || s != "Cód" || enc != encUTF16 {
		t.Fatalf("UTF-16: %q %q %v", s, enc, err)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeXLSX(t, "bueno.xlsx", perPersonRows)
	b, _ := os.ReadFile(good)
	files := map[string][]byte{
		"vacio.xlsx":      nil,
		"blanco.csv":      []byte("\r\n \r\n"),
		"truncado.xlsx":   b[:len(b)/2],
		"antiguo.xls":     append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 600)...),
		"informe.pdf":     []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"),
		"foto.png":        append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 50)...),
		"pagina.csv":      []byte("<!DOCTYPE html><html><body>Inicie sesión</body></html>"),
		"sin-codigo.csv":  []byte("Nombres;Apellidos;Correo;RUT\nAna;Soto;ana@example.cl;\n"),
		"sin-correo.csv":  []byte("Título\nCódigo;Nombres;Apellidos;RUT\nA-1;Ana;Soto;\n"),
		"solo-titulo.csv": []byte("Condominio X\n\n"),
		"encabezado.csv":  []byte("Código;Nombres;Apellidos;Correo\n"),
	}
	want := map[string]string{
		"vacio.xlsx":      "está vacío",
		"blanco.csv":      "está vacío",
		"truncado.xlsx":   "dañado o incompleto",
		"antiguo.xls":     "Excel 97-2003 (.xls)",
		"informe.pdf":     "es un PDF",
		"foto.png":        "no es un archivo Excel (.xlsx) ni CSV",
		"pagina.csv":      "página web (HTML)",
		"sin-codigo.csv":  "falta la columna «Código» (columnas encontradas: «Nombres», «Apellidos», «Correo», «RUT»)",
		"sin-correo.csv":  "falta la columna «Correo» (columnas encontradas: «Código», «Nombres», «Apellidos», «RUT»)",
		"solo-titulo.csv": "faltan las columnas «Código», «Correo»: no se encontró una fila de encabezados",
		"encabezado.csv":  "no tiene ninguna fila de datos",
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(context.Background(), path, Options{})
			if err == nil || !strings.Contains(err.Error(), want[name]) {
				t.Fatalf("err = %v, want %q", err, want[name])
			}
			if strings.Contains(err.Error(), "zip:") || strings.Contains(err.Error(), "EOF") {
				t.Errorf("message leaks library wording: %v", err)
			}
		})
	}
	_, err := Read(context.Background(), filepath.Join(dir, "no-existe.xlsx"), Options{})
	if err == nil || !strings.Contains(err.Error(), "no existe el archivo") {
		t.Fatalf("missing file: %v", err)
	}
	var mc *MissingColumnError
	_, err = Read(context.Background(), filepath.Join(dir, "sin-codigo.csv"), Options{})
	if !errors.As(err, &mc) || mc.Missing[0] != "Código" {
		t.Fatalf("missing column error type: %#v", err)
	}
}

func TestReadCancelled(t *testing.T) {
	path := writeXLSX(t, "x.xlsx", perPersonRows)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, path, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestFactorParsing(t *testing.T) {
	for in, want := range map[string]float64{"0,0123": 0.0123, "0.0123": 0.0123, "1.234,5": 1234.5, "1,234.5": 1234.5, "1,5%": 1.5, "": 0, "1.2345E-3": 0.0012345} {
		b := newBuilder(&columns{})
		var got float64
		if !b.factor(2, in, &got) || got != want {
			t.Errorf("factor(%q) = %v, want %v", in, got, want)
		}
	}
	b := newBuilder(&columns{})
	var f float64
	if b.factor(2, "uno", &f) || len(b.snap.Problems) != 1 {
		t.Error("a factor that is not a number was accepted")
	}
}

func TestSheetRowCount(t *testing.T) {
	// A workbook as Excel saves it says its dimension.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Usuarios" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Target="worksheets/hoja.xml" Type="x"/></Relationships>`,
		"xl/worksheets/hoja.xml":     `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:Q30002"/><sheetData></sheetData></worksheet>`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	rowCount := func(in *input, sheet string) int {
		t.Helper()
		bk, err := openBook(in)
		if err != nil {
			t.Fatal(err)
		}
		defer bk.close()
		return bk.rowCount(sheet)
	}
	if n := rowCount(&input{data: buf.Bytes()}, "Usuarios"); n != 30002 {
		t.Fatalf("rows = %d, want 30002", n)
	}
	// excelize leaves it as "A1": the count is an estimate from the size.
	path := writeXLSX(t, "x.xlsx", perPersonRows)
	if n := rowCount(&input{path: path}, "Hoja1"); n < 1 || n > 100 {
		t.Fatalf("estimated rows = %d", n)
	}
	if n := rowCount(&input{path: path}, "Otra"); n != 0 {
		t.Fatalf("unknown sheet: %d", n)
	}
}
