package kastor

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"comunidad/app/kastor/internal/fixture"
)

// The import reads .xlsx sheets with its own tokenizer (xlsxbook.go) for
// speed. These tests hold it to excelize's row iterator: on every workbook
// below, each sheet's non-blank rows must come out the same, number and
// cells, as excelize's Rows/Columns with RawCellValue give them.

// rowsByBook reads every sheet of in with xlsxBook into "sheet!row" ->
// cells, blank rows left out; rowsByExcelize does the same with excelize.
func rowsByBook(t *testing.T, in *input) (map[string][]string, []string) {
	t.Helper()
	bk, err := openBook(in)
	if err != nil {
		t.Fatalf("openBook: %v", err)
	}
	defer bk.close()
	got := map[string][]string{}
	for _, sheet := range bk.names() {
		rows, err := bk.rows(sheet)
		if err != nil {
			t.Fatalf("rows(%q): %v", sheet, err)
		}
		collectRows(t, sheet, rows, got)
	}
	return got, bk.names()
}

func rowsByExcelize(t *testing.T, in *input) (map[string][]string, []string) {
	t.Helper()
	f, err := openXLSX(in)
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	got := map[string][]string{}
	for _, sheet := range f.GetSheetList() {
		rows, err := sheetRows(f, in, sheet, 0)
		if err != nil {
			t.Fatalf("excelize rows(%q): %v", sheet, err)
		}
		collectRows(t, sheet, rows, got)
	}
	return got, f.GetSheetList()
}

func collectRows(t *testing.T, sheet string, rows rowReader, into map[string][]string) {
	t.Helper()
	defer rows.close()
	for {
		num, cells, err := rows.next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", sheet, err)
		}
		if len(cells) > 0 {
			into[fmt.Sprintf("%s!%d", sheet, num)] = cells
		}
	}
}

// sameAsExcelize checks the two readers agree on a workbook, and returns
// what they read.
func sameAsExcelize(t *testing.T, in *input) map[string][]string {
	t.Helper()
	want, wantSheets := rowsByExcelize(t, in)
	got, gotSheets := rowsByBook(t, in)
	if !reflect.DeepEqual(gotSheets, wantSheets) {
		t.Fatalf("sheets: got %q, excelize %q", gotSheets, wantSheets)
	}
	for k, w := range want {
		if g := got[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s: got %q, excelize %q", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: got %q, excelize has no such row", k, g)
		}
	}
	return got
}

// tricky are cell texts that XML, Office's escapes or Excel make special.
var tricky = []string{
	"Ñuñoa", "José Pérez-Muñoz", "a & b", "<tag>", `"comillas" y 'apóstrofos'`,
	"  espacios  ", "línea 1\nlínea 2", "cr\r\nlf", "_x000D_", "_x005F_x000D_", "tab\tuno",
	"emoji 😀", "0012345", "12.345.678-5", "=no es fórmula", "]]>", "&amp;", "€ ¿¡",
}

func TestBookReadsLikeExcelizeShared(t *testing.T) {
	// excelize's ordinary writer: shared strings, numbers, booleans,
	// formulas, rich text, gaps in rows and columns, two sheets.
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range tricky {
		must(f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i+1), s))
		must(f.SetCellValue("Sheet1", fmt.Sprintf("C%d", i+1), i*7))
		must(f.SetCellValue("Sheet1", fmt.Sprintf("E%d", i+3), s+" "+s))
	}
	must(f.SetCellValue("Sheet1", "B40", 3.25))
	must(f.SetCellValue("Sheet1", "D40", true))
	must(f.SetCellValue("Sheet1", "F40", false))
	must(f.SetCellFormula("Sheet1", "G40", "SUM(C1:C5)"))
	must(f.SetCellFormula("Sheet1", "H41", "A1&\"x\""))
	must(f.SetCellRichText("Sheet1", "A45", []excelize.RichTextRun{
		{Text: "Torre ", Font: &excelize.Font{Bold: true}}, {Text: "Ñandú & Cía"},
	}))
	must(f.SetCellValue("Sheet1", "XFD50", "última columna"))
	_, err := f.NewSheet("Otra hoja & más")
	must(err)
	must(f.SetCellValue("Otra hoja & más", "B2", "código"))
	must(f.SetCellValue("Otra hoja & más", "B1000", "lejos"))
	var buf bytes.Buffer
	must(f.Write(&buf))
	got := sameAsExcelize(t, &input{name: "x.xlsx", data: buf.Bytes()})
	if g := got["Sheet1!45"]; len(g) != 1 || g[0] != "Torre Ñandú & Cía" {
		t.Errorf("rich text: %q", g)
	}
	if g := got["Otra hoja & más!1000"]; len(g) != 2 || g[1] != "lejos" {
		t.Errorf("second sheet: %q", g)
	}
}

func TestBookReadsLikeExcelizeStream(t *testing.T) {
	// The stream writer (what fixture and large exports use).
	rows := [][]string{{"Título"}, {}, {"Código", "Nombre", "", "Correo"}}
	for i, s := range tricky {
		rows = append(rows, []string{fmt.Sprint(i), s, "", s + "@x.cl"})
	}
	path := filepath.Join(t.TempDir(), "s.xlsx")
	if err := fixture.WriteXLSX(path, "Usuarios", rows); err != nil {
		t.Fatal(err)
	}
	sameAsExcelize(t, &input{name: "s.xlsx", path: path})
}

func TestBookReadsLikeExcelizeDemo(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "assets", "demo", "kastor-demo.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sameAsExcelize(t, &input{name: "demo.xlsx", data: b}); len(got) < 300 {
		t.Fatalf("demo: only %d rows", len(got))
	}
}

// pkg builds an .xlsx package by hand, with XML as other writers (the
// OpenXML SDK, LibreOffice, old Excel) shape it.
func pkg(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	base := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Hoja &amp; 1" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id='rId2' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings' Target='sharedStrings.xml'/></Relationships>`,
	}
	for k, v := range parts {
		base[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range base {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:D9"/><x:sheetData>`

func TestBookReadsLikeExcelizeHandWritten(t *testing.T) {
	sst := `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">
  <si><t>Código</t></si>
  <si><t xml:space="preserve"> Nombre </t></si>
  <si><r><rPr><b/></rPr><t>Pé</t></r><r><t>rez</t></r><rPh sb="0" eb="1"><t>ペ</t></rPh><phoneticPr fontId="1"/></si>
  <si><t>a&#xD;&#10;b &lt;c&gt; &#241;</t></si>
  <si><t><![CDATA[<cdata & más>]]></t></si>
</sst>`
	sheet := sheetHead + `
  <!-- a comment -->
  <x:row r="2" spans="1:4"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="s"><x:v> 1 </x:v></x:c><x:c r='D2' t='s'><x:v>2</x:v></x:c></x:row>
  <x:row><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c><x:c/><x:c t="inlineStr"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t>line_x000D_</x:t></x:r></x:is></x:c></x:row>
  <x:row r="5"><x:c r="B5" t="b"><x:v>1</x:v></x:c><x:c r="C5" t="e"><x:v>#N/A</x:v></x:c><x:c r="D5" t="str"><x:f>A2&amp;"x"</x:f><x:v>Códigox_x000D_</x:v></x:c></x:row>
  <x:row r="6"><x:c r="A6"><x:f>1/0</x:f></x:c><x:c r="C6" s="3"><x:v>45231.5</x:v></x:c><x:c r="D6" t="s"><x:v>99</x:v></x:c></x:row>
  <x:row r="7"/>
  <x:row r="8"><x:c r="AA8" t="inlineStr"><x:is><x:t>lejos</x:t></x:is></x:c><?pi ignored?></x:row>
  <x:row r="9"><x:c r="B9" t="d"><x:v>2026-11-27T10:00:00</x:v></x:c><x:extLst><x:ext uri="x"><x:y/></x:ext></x:extLst></x:row>
</x:sheetData><x:mergeCells count="0"/></x:worksheet>`
	b := pkg(t, map[string]string{"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": sheet})
	got := sameAsExcelize(t, &input{name: "h.xlsx", data: b})
	want := map[string][]string{
		"Hoja & 1!2": {"Código", " Nombre ", "", "Pérez"},
		"Hoja & 1!3": {"a\r\nb <c> ñ", "<cdata & más>", "", "inline\r"},
		"Hoja & 1!8": append(make([]string, 26), "lejos"),
	}
	for k, w := range want {
		if g := got[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s: got %q, want %q", k, g, w)
		}
	}
}

// TestBookReadsLikeExcelizeRandom writes many random sheets (cell types,
// texts with references and escapes, gaps, with and without cell and row
// references, prefixed or not) and compares the readers on each.
func TestBookReadsLikeExcelizeRandom(t *testing.T) {
	r := rand.New(rand.NewSource(27))
	pieces := []string{"a", "Ñ", "é", " ", "&amp;", "&lt;", "&#243;", "&#x1F600;", "_x000D_", "_x005F_", "_x00", "\n", "\r\n", "x", "7", "'", `"`, "&quot;"}
	text := func() string {
		var sb strings.Builder
		for n := r.Intn(6); n > 0; n-- {
			sb.WriteString(pieces[r.Intn(len(pieces))])
		}
		return sb.String()
	}
	compared := 0
	for round := 0; round < 60; round++ {
		prefix := ""
		if round%2 == 1 {
			prefix = "x:"
		}
		var sst []string
		var sb strings.Builder
		sb.WriteString(strings.ReplaceAll(sheetHead, "x:", prefix))
		row := 0
		for n := r.Intn(30); n > 0; n-- {
			row += 1 + r.Intn(3)
			if r.Intn(4) == 0 {
				fmt.Fprintf(&sb, "<%srow>", prefix) // numbered after the row before
			} else {
				fmt.Fprintf(&sb, `<%srow r="%d">`, prefix, row)
			}
			col := 0
			for m := r.Intn(8); m > 0; m-- {
				ref := ""
				if r.Intn(3) > 0 {
					col += 1 + r.Intn(3)
					name, _ := excelize.CoordinatesToCellName(col, row)
					ref = ` r="` + name + `"`
				} else {
					col++ // placed after the cell before
				}
				switch r.Intn(6) {
				case 0:
					sst = append(sst, text())
					fmt.Fprintf(&sb, `<%[1]sc%[2]s t="s"><%[1]sv>%[3]d</%[1]sv></%[1]sc>`, prefix, ref, len(sst)-1)
				case 1:
					fmt.Fprintf(&sb, `<%[1]sc%[2]s t="inlineStr"><%[1]sis><%[1]st>%[3]s</%[1]st></%[1]sis></%[1]sc>`, prefix, ref, text())
				case 2:
					fmt.Fprintf(&sb, `<%[1]sc%[2]s t="str"><%[1]sf>X</%[1]sf><%[1]sv>%[3]s</%[1]sv></%[1]sc>`, prefix, ref, text())
				case 3:
					fmt.Fprintf(&sb, `<%[1]sc%[2]s s="1"><%[1]sv>%[3]d.%[4]d</%[1]sv></%[1]sc>`, prefix, ref, r.Intn(1000), r.Intn(100))
				case 4:
					fmt.Fprintf(&sb, `<%[1]sc%[2]s/>`, prefix, ref)
				default:
					fmt.Fprintf(&sb, `<%[1]sc%[2]s t="s"><%[1]sv>%[3]d</%[1]sv></%[1]sc>`, prefix, ref, r.Intn(len(sst)+2))
				}
			}
			fmt.Fprintf(&sb, "</%srow>", prefix)
		}
		fmt.Fprintf(&sb, "</%[1]ssheetData></%[1]sworksheet>", prefix)
		var ss strings.Builder
		ss.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		for _, s := range sst {
			fmt.Fprintf(&ss, "<si><t>%s</t></si>", s)
		}
		ss.WriteString("</sst>")
		b := pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sb.String(), "xl/sharedStrings.xml": ss.String()})
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			compared += len(sameAsExcelize(t, &input{name: "r.xlsx", data: b}))
		})
	}
	if compared < 400 {
		t.Fatalf("only %d non-blank rows compared", compared)
	}
	t.Logf("%d non-blank rows compared", compared)
}

// TestBookReadsLikeExcelizeLibreOffice has LibreOffice Calc write the
// workbook, as an administrator's re-saved export would be.
func TestBookReadsLikeExcelizeLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("libreoffice"); err != nil {
			t.Skip("LibreOffice (soffice) is not installed (apt-get install libreoffice-calc-nogui)")
		}
	}
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("Código;Nombre;Correo;Factor\n")
	for i, s := range tricky {
		if strings.ContainsAny(s, "\r\n;\"") {
			s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		fmt.Fprintf(&csv, "D-%d;%s;;%d,5\n", i, s, i)
	}
	src := filepath.Join(dir, "exportacion.csv")
	if err := os.WriteFile(src, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")), "--headless", "--norestore",
		"--infilter=CSV:59,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", dir, src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, msg)
	}
	got := sameAsExcelize(t, &input{name: "exportacion.xlsx", path: filepath.Join(dir, "exportacion.xlsx")})
	if len(got) != len(tricky)+1 {
		t.Fatalf("LibreOffice's workbook: %d rows, want %d", len(got), len(tricky)+1)
	}
}

func TestBookDamagedSheet(t *testing.T) {
	// Well-formed zip, broken sheet XML: a clear message, no rows.
	b := pkg(t, map[string]string{
		"xl/sharedStrings.xml":     `<sst/>`,
		"xl/worksheets/sheet1.xml": sheetHead + `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Código</x:t></x:is></x:c><x:c r="B1"><x:v>&bogus;</x:v></x:c></x:row>`,
	})
	_, err := ReadBytes(context.Background(), "roto.xlsx", b, Options{})
	if err == nil || !strings.Contains(err.Error(), "dañado") {
		t.Fatalf("err = %v", err)
	}
}

func TestBookBigSheetFallsBackToExcelize(t *testing.T) {
	// A sheet larger than what is read into memory goes through excelize's
	// streaming iterator, with the same result.
	path := writeXLSX(t, "x.xlsx", perPersonRows)
	fast, err := Read(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func(old int64) { maxSheetXML = old }(maxSheetXML)
	maxSheetXML = 64
	slow, err := Read(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast.Snapshot, slow.Snapshot) || fast.Rows != slow.Rows || fast.Sheet != slow.Sheet {
		t.Fatalf("fallback differs:\n%v\n%v", describe(fast.Snapshot), describe(slow.Snapshot))
	}
}

// FuzzBookRows feeds the reader arbitrary sheet XML and shared strings: it
// must return rows or an error, never panic or loop. Run it with
// go test -tags migrated_fynedo -run '^$' -fuzz FuzzBookRows -fuzztime 2m ./app/kastor/
func FuzzBookRows(f *testing.F) {
	f.Add(sheetHead+`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:r><x:t>a&amp;b</x:t></x:r></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
		`<sst><si><t>Código</t></si><si><r><t>x</t></r><rPh><t>y</t></rPh></si></sst>`)
	f.Add(`<worksheet><sheetData><row><c><v><![CDATA[1]]></v></c><c t="s"><v>9</v></c></row><!-- c --><?pi?></sheetData></worksheet>`, `<sst/>`)
	f.Add(`<worksheet><sheetData><row r="3"><c r="ZZ3" t="str"><f>1</f><v>_x000D_</v></c></row>`, `<sst><si><t>&#241;</t></si>`)
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"xl/workbook.xml":            `<workbook><sheets><sheet name="H" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   sheet,
			"xl/sharedStrings.xml":       sst,
		} {
			w, _ := zw.Create(name)
			io.WriteString(w, body)
		}
		zw.Close()
		bk, err := openBook(&input{name: "f.xlsx", data: buf.Bytes()})
		if err != nil {
			return
		}
		defer bk.close()
		rows, err := bk.rows("H")
		if err != nil {
			return
		}
		for n := 0; n <= len(sheet); n++ { // each row consumes at least one byte
			_, cells, err := rows.next()
			if err != nil {
				return
			}
			if len(cells) > 16384 {
				t.Fatalf("%d cells in a row", len(cells))
			}
		}
		t.Fatal("the reader did not stop")
	})
}

func TestBookLeavesOtherEncodingsToExcelize(t *testing.T) {
	// A sheet declared ISO-8859-1 (old generators write them): excelize
	// decodes it, and the import reads it through excelize.
	sheet := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + strings.Join([]string{
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`,
		`<row r="1"><c r="A1" t="inlineStr"><is><t>C` + "\xf3" + `digo</t></is></c><c r="B1" t="inlineStr"><is><t>Nombres</t></is></c><c r="C1" t="inlineStr"><is><t>Apellidos</t></is></c><c r="D1" t="inlineStr"><is><t>Correo</t></is></c></row>`,
		`<row r="2"><c r="A2" t="inlineStr"><is><t>101</t></is></c><c r="B2" t="inlineStr"><is><t>Mar` + "\xed" + `a</t></is></c><c r="C2" t="inlineStr"><is><t>Mu` + "\xf1" + `oz</t></is></c><c r="D2" t="inlineStr"><is><t>maria@example.cl</t></is></c></row>`,
		`</sheetData></worksheet>`}, "")
	b := pkg(t, map[string]string{"xl/sharedStrings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`, "xl/worksheets/sheet1.xml": sheet})
	bk, err := openBook(&input{name: "l.xlsx", data: b})
	if err != nil {
		t.Fatal(err)
	}
	defer bk.close()
	if _, err := bk.rows("Hoja & 1"); !errors.Is(err, errUseExcelize) {
		t.Fatalf("a Latin-1 sheet was not left to excelize: %v", err)
	}
	res, err := ReadBytes(context.Background(), "l.xlsx", b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(res.Snapshot); len(got) != 1 || !strings.Contains(got[0], "María/Muñoz") {
		t.Fatalf("read: %q", got)
	}
}
