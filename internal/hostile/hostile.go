// Package hostile generates the corpus of hostile Kastor "exports" the
// import is held to (app/kastor's TestHostileCorpus, and the command line's
// end-to-end TestHostileFilesEndToEnd): zip bombs, XML nested millions of
// levels deep, damaged and foreign files, CSV that would merge rows, fields
// of megabytes, invisible characters. Every file is built here by code; none
// is a committed blob.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode/utf16"
)

// File is one hostile input and what the import must do with it.
type File struct {
	Family string // the family ("zip bomb", "deep nesting"...)
	Name   string // file name, its extension as a user would have it
	Data   []byte
	// Refused is a part of the one-line message a refusal must carry; ""
	// when the file is valid and must import cleanly.
	Refused string
	// Problem, for a valid file, is a part of an observation the report
	// must carry ("" for none required).
	Problem string
	// Sheet, for a valid workbook, is the sheet the import must read.
	Sheet string
	// Units, for a valid file, is how many units the import must find (0:
	// not checked).
	Units int
}

// Header rows and a few good data rows of Kastor's set-up sheet.
var (
	header = []string{"Código", "Unidad", "Torre", "RUT", "Nombres", "Apellido paterno", "Apellido materno", "Correo", "Tipo", "Responsable"}
	rows   = [][]string{
		{"A-101", "Depto 101", "Torre A", "12.345.678-5", "María José", "Núñez", "Peña", "mj@example.cl", "Propietario", "Sí"},
		{"A-102", "Depto 102", "Torre A", "", "Rosa", "Ibáñez", "Soto", "rosa@example.cl", "Propietario", "Sí"},
		{"A-103", "Depto 103", "Torre A", "", "Pedro", "Lagos", "Vera", "pedro@example.cl", "Arrendatario", "Sí"},
	}
)

// Title is the title row above the header in the generated workbooks.
const Title = "Condominio Prueba Hostil"

// Corpus builds every hostile file. It takes a second or two: the bombs
// are built from repeated deflate blocks, not by compressing gigabytes.
func Corpus() []File {
	var out []File
	add := func(fs ...File) { out = append(out, fs...) }
	add(deepNesting()...)
	add(zipBombs()...)
	add(damagedZips()...)
	add(notWorkbooks()...)
	add(otherFormats()...)
	add(hiddenSheets()...)
	add(formulaErrorsAndMerges()...)
	add(dimensionsAndRefs()...)
	add(textEncodings()...)
	add(csvQuotes()...)
	add(fieldLengths()...)
	add(invisibleCharacters()...)
	return out
}

// --- building blocks -------------------------------------------------------

func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// sheetRows writes rows as inline-string cells, starting at row first.
func sheetRows(first int, rs [][]string) string {
	var b strings.Builder
	for i, r := range rs {
		n := first + i
		fmt.Fprintf(&b, `<row r="%d">`, n)
		for j, c := range r {
			if c == "" {
				continue
			}
			fmt.Fprintf(&b, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, colName(j), n, esc(c))
		}
		b.WriteString(`</row>`)
	}
	return b.String()
}

const sheetOpen = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetClose = `</sheetData></worksheet>`

// goodSheet is a valid set-up sheet: title, header, the good rows.
func goodSheet() string {
	all := append([][]string{{Title}, header}, rows...)
	return sheetOpen + sheetRows(1, all) + sheetClose
}

// sheetSpec is one worksheet of a generated workbook.
type sheetSpec struct {
	name, state, xml string
}

// part is one entry of a zip.
type part struct {
	name string
	data []byte
}

// workbook assembles an .xlsx package; extra parts are added (or replace
// the standard ones by name).
func workbook(sheets []sheetSpec, sst string, extra ...part) []byte {
	var ct, wb, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	parts := []part{}
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		state := ""
		if s.state != "" {
			state = ` state="` + s.state + `"`
		}
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, esc(s.name), n, state, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		parts = append(parts, part{fmt.Sprintf("xl/worksheets/sheet%d.xml", n), []byte(s.xml)})
	}
	if sst != "" {
		ct.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(sheets)+1)
		parts = append(parts, part{"xl/sharedStrings.xml", []byte(sst)})
	}
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	base := []part{
		{"[Content_Types].xml", []byte(ct.String())},
		{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", []byte(wb.String())},
		{"xl/_rels/workbook.xml.rels", []byte(rels.String())},
	}
	base = append(base, parts...)
	for _, e := range extra {
		replaced := false
		for i := range base {
			if base[i].name == e.name {
				base[i], replaced = e, true
			}
		}
		if !replaced {
			base = append(base, e)
		}
	}
	return zipOf(base...)
}

func zipOf(parts ...part) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			panic(err)
		}
		w.Write(p.data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func oneSheet(xml string) []byte {
	return workbook([]sheetSpec{{name: "Usuarios", xml: xml}}, "")
}

// repeatedDeflate is a raw zip entry's data that inflates to prefix, then
// n copies of a 1 MiB block of fill, then suffix, without compressing n
// MiB: after a flush, the compressed bytes of one more block of the same
// byte are the same every time, so they are written n times.
func repeatedDeflate(prefix string, fill byte, n int, suffix string) (data []byte, crc uint32, size uint64) {
	block := bytes.Repeat([]byte{fill}, 1<<20)
	var out, tmp bytes.Buffer
	fw, _ := flate.NewWriter(&tmp, flate.BestCompression)
	fw.Write([]byte(prefix))
	fw.Write(block)
	fw.Flush()
	out.Write(tmp.Bytes())
	tmp.Reset()
	fw.Write(block)
	fw.Flush()
	one := append([]byte(nil), tmp.Bytes()...)
	tmp.Reset()
	fw.Write(block)
	fw.Flush()
	if !bytes.Equal(one, tmp.Bytes()) {
		panic("hostile: deflate blocks differ")
	}
	for i := 1; i < n; i++ {
		out.Write(one)
	}
	tmp.Reset()
	fw.Write([]byte(suffix))
	fw.Close()
	out.Write(tmp.Bytes())

	crc = crc32.Update(0, crc32.IEEETable, []byte(prefix))
	for i := 0; i < n; i++ {
		crc = crc32.Update(crc, crc32.IEEETable, block)
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(suffix))
	return out.Bytes(), crc, uint64(len(prefix)) + uint64(n)<<20 + uint64(len(suffix))
}

// rawPart is a zip entry written already compressed, with the sizes it
// declares (which may lie).
type rawPart struct {
	name     string
	data     []byte
	crc      uint32
	declared uint64
}

func zipRaw(normal []part, raws ...rawPart) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range normal {
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	for _, r := range raws {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: r.name, Method: zip.Deflate, CRC32: r.crc,
			CompressedSize64: uint64(len(r.data)), UncompressedSize64: r.declared})
		if err != nil {
			panic(err)
		}
		w.Write(r.data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// workbookParts is a one-sheet workbook's parts without its sheet (the
// caller adds xl/worksheets/sheet1.xml raw).
func workbookParts(sst bool) []part {
	wb := workbook([]sheetSpec{{name: "Usuarios", xml: "x"}}, map[bool]string{true: "x", false: ""}[sst])
	zr, _ := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	var ps []part
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" || f.Name == "xl/sharedStrings.xml" {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		ps = append(ps, part{f.Name, b})
	}
	return ps
}

// --- the families ----------------------------------------------------------

func deepNesting() []File {
	const fam = "anidamiento profundo"
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "x" + strings.Repeat(close, n)
	}
	head := sheetRows(1, [][]string{{Title}, header})
	row3 := func(inner string) string {
		return `<row r="3"><c r="A3" t="inlineStr"><is><t>A-101</t></is></c><c r="E3" t="inlineStr"><is>` + inner + `</is></c><c r="H3" t="inlineStr"><is><t>a@example.cl</t></is></c></row>`
	}
	const want = "anida elementos"
	const million = 1 << 20
	latin1 := `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sst := func(inner string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>A-101</t></si><si>` + inner + `</si></sst>`
	}
	sstSheet := sheetOpen + head + `<row r="3"><c r="A3" t="s"><v>0</v></c><c r="E3" t="s"><v>1</v></c><c r="H3" t="inlineStr"><is><t>a@example.cl</t></is></c></row>` + sheetClose
	return []File{
		{Family: fam, Name: "r-anidado-en-celda.xlsx", Refused: want,
			Data: oneSheet(sheetOpen + head + row3(deep("<r>", "</r>", 3*million)) + sheetClose)},
		{Family: fam, Name: "r-anidado-en-textos-compartidos.xlsx", Refused: want,
			Data: workbook([]sheetSpec{{name: "Usuarios", xml: sstSheet}}, sst(deep("<r>", "</r>", 3*million)))},
		{Family: fam, Name: "t-anidado-en-textos-compartidos.xlsx", Refused: want,
			Data: workbook([]sheetSpec{{name: "Usuarios", xml: sstSheet}}, sst(deep("<t>", "</t>", million)))},
		{Family: fam, Name: "elementos-en-fila.xlsx", Refused: want,
			Data: oneSheet(sheetOpen + head + `<row r="3">` + deep("<x>", "</x>", million) + `</row>` + sheetClose)},
		{Family: fam, Name: "elementos-en-celda.xlsx", Refused: want,
			Data: oneSheet(sheetOpen + head + `<row r="3"><c r="A3">` + deep("<v>", "</v>", million) + `</c></row>` + sheetClose)},
		{Family: fam, Name: "antes-de-sheetData.xlsx", Refused: want,
			Data: oneSheet(`<worksheet>` + deep("<a b='1'>", "</a>", million) + `<sheetData>` + head + `</sheetData></worksheet>`)},
		{Family: fam, Name: "libro-anidado.xlsx", Refused: want,
			Data: workbook([]sheetSpec{{name: "Usuarios", xml: goodSheet()}}, "", part{"xl/workbook.xml",
				[]byte(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + deep("<x>", "</x>", million) + `<sheets><sheet name="Usuarios" sheetId="1" r:id="rId1"/></sheets></workbook>`)})},
		{Family: fam, Name: "relaciones-anidadas.xlsx", Refused: want,
			Data: workbook([]sheetSpec{{name: "Usuarios", xml: goodSheet()}}, "", part{"xl/_rels/workbook.xml.rels",
				[]byte(`<Relationships>` + deep("<x>", "</x>", million) + `</Relationships>`)})},
		{Family: fam, Name: "hoja-latin1-anidada.xlsx", Refused: want, // goes to excelize: checkDepth first
			Data: oneSheet(latin1 + head + row3(deep("<r>", "</r>", 3*million)) + sheetClose)},
		{Family: fam, Name: "libro-con-doctype-y-anidado.xlsx", Refused: want, // the tokenizer refuses DOCTYPE: excelize would get it
			Data: workbook([]sheetSpec{{name: "Usuarios", xml: sheetOpen + head + row3(deep("<r>", "</r>", million)) + sheetClose}}, "", part{"xl/workbook.xml",
				[]byte(`<?xml version="1.0"?><!DOCTYPE workbook><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Usuarios" sheetId="1" r:id="rId1"/></sheets></workbook>`)})},
		{Family: fam, Name: "65-niveles.xlsx", Refused: want,
			Data: oneSheet(sheetOpen + head + row3(deep("<r>", "</r>", 65)) + sheetClose)},
		{Family: fam, Name: "texto-enriquecido-normal.xlsx", Units: 1, // rich text as Excel nests it: read
			Data: oneSheet(sheetOpen + head + row3(`<r><rPr><b/></rPr><t>Ana </t></r><r><t>María</t></r>`) + sheetClose)},
	}
}

func zipBombs() []File {
	const fam = "bomba zip"
	const want = "se descomprime en más de"
	prefix := sheetOpen + sheetRows(1, [][]string{{Title}, header})
	big, crc, size := repeatedDeflate(prefix, ' ', 1536, sheetClose) // 1.5 GB of spaces
	sheetBomb := zipRaw(workbookParts(false), rawPart{name: "xl/worksheets/sheet1.xml", data: big, crc: crc, declared: size})

	sstData, sstCRC, sstSize := repeatedDeflate(`<sst><si><t>`, 'a', 1024, `</t></si></sst>`)
	sstBomb := zipRaw(workbookParts(true), rawPart{name: "xl/worksheets/sheet1.xml", data: deflate(goodSheet()), crc: crc32.ChecksumIEEE([]byte(goodSheet())), declared: uint64(len(goodSheet()))},
		rawPart{name: "xl/sharedStrings.xml", data: sstData, crc: sstCRC, declared: sstSize})

	// Declares 10 KB, inflates to 300 MB: archive/zip stops at the declared size.
	lieData, lieCRC, _ := repeatedDeflate(prefix, ' ', 300, sheetClose)
	liar := zipRaw(workbookParts(false), rawPart{name: "xl/worksheets/sheet1.xml", data: lieData, crc: lieCRC, declared: 10 << 10})

	// A part the tokenizer cannot take (a DOCTYPE in the workbook) sends
	// the package to excelize: the bomb must be caught before it too.
	var excelizeParts []part
	for _, p := range workbookParts(false) {
		if p.name == "xl/workbook.xml" {
			p.data = append([]byte(`<?xml version="1.0"?><!DOCTYPE workbook>`), p.data[bytes.Index(p.data, []byte("<workbook")):]...)
		}
		excelizeParts = append(excelizeParts, p)
	}
	forExcelize := zipRaw(excelizeParts, rawPart{name: "xl/worksheets/sheet1.xml", data: big, crc: crc, declared: size})

	// Two parts whose declared sizes overflow a uint64 when added.
	overflow := zipRaw(workbookParts(false),
		rawPart{name: "xl/worksheets/sheet1.xml", data: deflate(goodSheet()), crc: crc32.ChecksumIEEE([]byte(goodSheet())), declared: 1<<64 - 1},
		rawPart{name: "xl/media/a.bin", data: deflate("a"), crc: crc32.ChecksumIEEE([]byte("a")), declared: 1 << 63})

	var many []part
	for i := 0; i < 20_000; i++ {
		many = append(many, part{fmt.Sprintf("xl/media/p%05d.xml", i), nil})
	}
	// A file of 150 MB of XML (whitespace between the rows): big, but under
	// the limits, read whole.
	padData, padCRC, padSize := repeatedDeflate(sheetOpen+sheetRows(1, [][]string{{Title}, header}), '\n', 150, sheetRows(3, rows)+sheetClose)
	padded := zipRaw(workbookParts(false), rawPart{name: "xl/worksheets/sheet1.xml", data: padData, crc: padCRC, declared: padSize})

	return []File{
		{Family: fam, Name: "hoja-de-1.5GB.xlsx", Refused: want, Data: sheetBomb},
		{Family: fam, Name: "textos-compartidos-de-1GB.xlsx", Refused: want, Data: sstBomb},
		{Family: fam, Name: "bomba-para-excelize.xlsx", Refused: want, Data: forExcelize},
		{Family: fam, Name: "tamanos-que-desbordan.xlsx", Refused: want, Data: overflow},
		{Family: fam, Name: "tamano-declarado-falso.xlsx", Refused: "dañado o incompleto", Data: liar},
		{Family: fam, Name: "20000-partes.xlsx", Refused: "partes", Data: workbook([]sheetSpec{{name: "Usuarios", xml: goodSheet()}}, "", many...)},
		{Family: fam, Name: "hoja-de-150MB.xlsx", Units: 3, Data: padded},
	}
}

func deflate(s string) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.DefaultCompression)
	io.WriteString(fw, s)
	fw.Close()
	return b.Bytes()
}

func damagedZips() []File {
	const fam = "zip truncado o al azar"
	const want = "dañado o incompleto"
	good := workbook([]sheetSpec{{name: "Usuarios", xml: goodSheet()}}, "")
	var out []File
	for _, pct := range []int{1, 10, 50, 90, 99} {
		out = append(out, File{Family: fam, Name: fmt.Sprintf("cortado-al-%d.xlsx", pct), Refused: want, Data: good[:len(good)*pct/100]})
	}
	out = append(out, File{Family: fam, Name: "sin-el-ultimo-byte.xlsx", Refused: want, Data: good[:len(good)-1]})
	rng := rand.New(rand.NewPCG(13, 13))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	out = append(out, File{Family: fam, Name: "al-azar-con-cabecera-zip.xlsx", Refused: want, Data: append([]byte("PK\x03\x04"), random...)})
	// A byte flipped inside the sheet's compressed data: CRC or inflate error.
	flipped := append([]byte(nil), good...)
	if i := bytes.Index(flipped, []byte("xl/worksheets/sheet1.xml")); i >= 0 {
		flipped[i+len("xl/worksheets/sheet1.xml")+40] ^= 0xff
	}
	out = append(out, File{Family: fam, Name: "byte-cambiado.xlsx", Refused: "dañado", Data: flipped})
	// The central directory points at the sheet, its local header is gone.
	broken := append([]byte(nil), good...)
	at := bytes.LastIndex(broken[:bytes.Index(broken, []byte("xl/worksheets/sheet1.xml"))], []byte("PK\x03\x04"))
	for i := at; i < at+30; i++ {
		broken[i] = 0xff
	}
	out = append(out, File{Family: fam, Name: "cabecera-local-rota.xlsx", Refused: "dañado", Data: broken})
	return out
}

func notWorkbooks() []File {
	const fam = "zip que no es libro"
	return []File{
		{Family: fam, Name: "fotos.xlsx", Refused: "archivo comprimido (.zip) que no es un libro de Excel",
			Data: zipOf(part{"foto1.jpg", []byte("\xff\xd8\xff")}, part{"leame.txt", []byte("hola")})},
		{Family: fam, Name: "vacio.zip.xlsx", Refused: "no es un archivo Excel", Data: zipOf()},
		{Family: fam, Name: "carta.xlsx", Refused: "documento de Word (.docx)",
			Data: zipOf(part{"[Content_Types].xml", []byte("<Types/>")}, part{"word/document.xml", []byte("<w:document/>")})},
		{Family: fam, Name: "binario.xlsx", Refused: "libro binario de Excel (.xlsb)",
			Data: zipOf(part{"[Content_Types].xml", []byte("<Types/>")}, part{"xl/workbook.bin", []byte{0, 1}})},
		{Family: fam, Name: "sin-hojas.xlsx", Refused: "no tiene hojas",
			Data: zipOf(part{"[Content_Types].xml", []byte("<Types/>")}, part{"xl/workbook.xml", []byte("<workbook><sheets/></workbook>")})},
	}
}

func otherFormats() []File {
	const fam = "ODS y .xls renombrado"
	ods := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
		io.WriteString(w, "application/vnd.oasis.opendocument.spreadsheet")
		w, _ = zw.Create("content.xml")
		io.WriteString(w, `<office:document-content><office:body><office:spreadsheet><table:table table:name="Usuarios"/></office:spreadsheet></office:body></office:document-content>`)
		w, _ = zw.Create("META-INF/manifest.xml")
		io.WriteString(w, `<manifest:manifest/>`)
		zw.Close()
		return buf.Bytes()
	}()
	cfb := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 4096)...)
	return []File{
		{Family: fam, Name: "usuarios.ods", Refused: "(.ods)", Data: ods},
		{Family: fam, Name: "usuarios-ods-renombrado.xlsx", Refused: "Guardar como", Data: ods},
		{Family: fam, Name: "antiguo-renombrado.xlsx", Refused: "Excel 97-2003 (.xls)", Data: cfb},
		{Family: fam, Name: "antiguo-renombrado.csv", Refused: "Guardar como", Data: cfb},
		{Family: fam, Name: "xml-2003.xls", Refused: "XML de Excel 2003",
			Data: []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Usuarios"/></Workbook>`)},
		{Family: fam, Name: "tabla-html.xls", Refused: "página web (HTML)",
			Data: []byte("<html><body><table><tr><td>Código</td><td>Correo</td></tr></table></body></html>")},
	}
}

func hiddenSheets() []File {
	const fam = "hojas ocultas"
	decoy := sheetOpen + sheetRows(1, [][]string{{"Copia antigua"}, header, {"Z-999", "Depto 999", "Torre Z", "", "Viejo", "Dato", "", "viejo@example.cl", "Propietario", "Sí"}}) + sheetClose
	return []File{
		{Family: fam, Name: "oculta-primero.xlsx", Sheet: "Usuarios", Units: 3,
			Data: workbook([]sheetSpec{{name: "Respaldo", state: "hidden", xml: decoy}, {name: "Usuarios", xml: goodSheet()}}, "")},
		{Family: fam, Name: "muy-oculta-primero.xlsx", Sheet: "Usuarios", Units: 3,
			Data: workbook([]sheetSpec{{name: "Datos", state: "veryHidden", xml: decoy}, {name: "Usuarios", xml: goodSheet()}}, "")},
		{Family: fam, Name: "solo-la-oculta-tiene-datos.xlsx", Sheet: "Exportación", Units: 3,
			Data: workbook([]sheetSpec{{name: "Portada", xml: sheetOpen + sheetRows(1, [][]string{{"Portada"}}) + sheetClose}, {name: "Exportación", state: "hidden", xml: goodSheet()}}, "")},
	}
}

func formulaErrorsAndMerges() []File {
	const fam = "errores de fórmula y celdas combinadas"
	head := sheetRows(1, [][]string{{Title}, header})
	errs := `<row r="3"><c r="A3" t="inlineStr"><is><t>A-101</t></is></c><c r="E3" t="e"><f>VLOOKUP(X1,Y:Z,2,0)</f><v>#N/A</v></c><c r="H3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` +
		sheetRows(4, rows[1:])
	merged := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		sheetRows(1, [][]string{{Title}, header}) +
		sheetRows(3, [][]string{rows[0], {"", "Bodega 3", "", "", "Pedro", "Soto", "", "pedro.soto@example.cl", "Arrendatario", "No"}, rows[1]}) +
		`</sheetData><mergeCells count="2"><mergeCell ref="A1:J1"/><mergeCell ref="A3:A4"/></mergeCells></worksheet>`
	csvErr := "Código;Nombres;Apellidos;Correo\r\nA-1;#¡VALOR!;Soto;#N/A\r\nA-2;Ana;Rojas;ana@example.cl\r\n"
	return []File{
		{Family: fam, Name: "errores-de-formula.xlsx", Problem: "error de fórmula #N/A", Units: 3, Data: oneSheet(sheetOpen + head + errs + sheetClose)},
		{Family: fam, Name: "errores-de-formula.csv", Problem: "error de fórmula #¡VALOR!", Units: 2, Data: []byte(csvErr)},
		{Family: fam, Name: "celdas-combinadas.xlsx", Units: 2, Data: oneSheet(merged)},
	}
}

func dimensionsAndRefs() []File {
	const fam = "dimensiones y referencias"
	head := sheetRows(1, [][]string{{Title}, header})
	withDim := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>` + head + sheetRows(3, rows) + sheetClose
	var far strings.Builder
	far.WriteString(sheetOpen + head)
	for i := 0; i < 20_000; i++ {
		n := i + 3
		fmt.Fprintf(&far, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>U-%d</t></is></c><c r="H%d" t="inlineStr"><is><t>u%d@example.cl</t></is></c><c r="XFD%d"><v>1</v></c></row>`, n, n, i, n, i, n)
	}
	far.WriteString(sheetClose)
	ref := func(r string) []byte {
		return oneSheet(sheetOpen + head + `<row r="3"><c r="` + r + `" t="inlineStr"><is><t>A-1</t></is></c></row>` + sheetClose)
	}
	return []File{
		{Family: fam, Name: "dimension-enorme.xlsx", Units: 3, Data: oneSheet(withDim)},
		{Family: fam, Name: "fila-mas-alla-de-excel.xlsx", Refused: "más allá de la última fila",
			Data: oneSheet(sheetOpen + head + `<row r="1048577"><c r="A1048577"><v>1</v></c></row>` + sheetClose)},
		{Family: fam, Name: "celdas-en-la-columna-XFD.xlsx", Units: 20_000, Data: oneSheet(far.String())},
		{Family: fam, Name: "numero-de-fila-gigante.xlsx", Units: 1,
			Data: oneSheet(sheetOpen + head + `<row r="99999999999999999999999"><c t="inlineStr"><is><t>A-1</t></is></c></row>` + sheetClose)},
		{Family: fam, Name: "referencia-1A.xlsx", Refused: "referencia de celda inválida", Data: ref("1A")},
		{Family: fam, Name: "referencia-sin-fila.xlsx", Refused: "referencia de celda inválida", Data: ref("B")},
		{Family: fam, Name: "referencia-columna-inexistente.xlsx", Refused: "referencia de celda inválida", Data: ref("ZZZZ3")},
		{Family: fam, Name: "referencia-de-100KB.xlsx", Refused: "referencia de celda inválida", Data: ref(strings.Repeat("A", 100<<10) + "3")},
	}
}

func utf16NoBOM(s string, big bool) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(u))
	for i, c := range u {
		if big {
			binary.BigEndian.PutUint16(out[2*i:], c)
		} else {
			binary.LittleEndian.PutUint16(out[2*i:], c)
		}
	}
	return out
}

func csvOf(sep string, rs ...[]string) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(strings.Join(r, sep))
		b.WriteString("\r\n")
	}
	return b.String()
}

func textEncodings() []File {
	const fam = "codificación, NUL y fin de línea"
	plain := csvOf("\t", append([][]string{{Title}, header}, rows...)...)
	semi := csvOf(";", append([][]string{header}, rows...)...)
	nul := strings.Replace(semi, "Rosa", "Ro\x00sa", 1)
	return []File{
		{Family: fam, Name: "texto-unicode-sin-bom.csv", Units: 3, Data: utf16NoBOM(plain, false)},
		{Family: fam, Name: "texto-unicode-big-endian-sin-bom.csv", Units: 3, Data: utf16NoBOM(plain, true)},
		{Family: fam, Name: "byte-nulo.csv", Refused: "bytes nulos en la línea 3", Data: []byte(nul)},
		{Family: fam, Name: "solo-nulos.csv", Refused: "no es un archivo Excel (.xlsx) ni CSV", Data: make([]byte, 5000)},
		{Family: fam, Name: "nulo-en-excel.xlsx", Units: 3, Problem: "caracteres de control",
			Data: oneSheet(sheetOpen + sheetRows(1, [][]string{{Title}, header, rows[0], rows[1]}) + strings.Replace(sheetRows(5, rows[2:]), "Pedro", "Pe&#0;dro", 1) + sheetClose)},
		{Family: fam, Name: "solo-cr.csv", Units: 3, Data: []byte(strings.ReplaceAll(semi, "\r\n", "\r"))},
		{Family: fam, Name: "cr-y-crlf-mezclados.csv", Units: 3, Data: []byte(strings.Replace(semi, "\r\n", "\r", 2))},
	}
}

func csvQuotes() []File {
	const fam = "comillas desbalanceadas"
	lines := []string{
		"Código;Nombres;Apellidos;Correo",
		"A-1;Ana;Soto;ana@example.cl",
		`A-2;"Juan;Pérez;juan@example.cl`,
		"A-3;Rosa;Lagos;rosa@example.cl",
		"A-4;Eva;Mora;eva@example.cl",
	}
	join := func(ls []string) []byte { return []byte(strings.Join(ls, "\r\n") + "\r\n") }
	closedLater := append([]string(nil), lines...)
	closedLater[4] = `A-4;Eva";Mora;eva@example.cl`
	trailing := append([]string(nil), lines...)
	trailing[2] = `A-2;"Juan" Pérez;Pérez;juan@example.cl`
	bare := append([]string(nil), lines...)
	bare[2] = `A-2;Juan "Pepe";Pérez;juan@example.cl`
	multiline := append([]string(nil), lines...)
	multiline[2] = "A-2;\"Juan\nAntonio\";Pérez;juan@example.cl"
	return []File{
		{Family: fam, Name: "comilla-sin-cerrar.csv", Refused: "la línea 3", Data: join(lines)},
		{Family: fam, Name: "comilla-cerrada-filas-despues.csv", Refused: "la línea 3", Data: join(closedLater)},
		{Family: fam, Name: "texto-tras-comilla.csv", Refused: "la línea 3", Data: join(trailing)},
		{Family: fam, Name: "comillas-dentro-del-texto.csv", Units: 4, Data: join(bare)},
		{Family: fam, Name: "celda-de-dos-lineas.csv", Units: 4, Data: join(multiline)},
	}
}

func fieldLengths() []File {
	const fam = "largo de los campos"
	big := strings.Repeat("Nombre", 10<<20/6)
	csvBig := "Código;Nombres;Apellidos;Correo\r\nA-1;" + big + ";Soto;ana@example.cl\r\nA-2;Eva;Mora;eva@example.cl\r\n"
	sstBig := `<sst><si><t>` + big + `</t></si></sst>`
	sheet := sheetOpen + sheetRows(1, [][]string{{Title}, header}) + `<row r="3"><c r="A3" t="inlineStr"><is><t>A-1</t></is></c><c r="E3" t="s"><v>0</v></c><c r="H3" t="inlineStr"><is><t>a@example.cl</t></is></c></row>` + sheetClose
	var manyRows strings.Builder
	manyRows.WriteString("Código;Nombres;Apellidos;Correo\n")
	for i := 0; i < 150_000; i++ {
		fmt.Fprintf(&manyRows, "U%d;N;A;u%d@example.cl\n", i, i)
	}
	var badRows strings.Builder
	badRows.WriteString("Código;Nombres;Apellidos;Correo\n")
	for i := 0; i < 90_000; i++ {
		badRows.WriteString(";x;y;z\n")
	}
	badRows.WriteString("A-1;Ana;Soto;ana@example.cl\n")
	return []File{
		{Family: fam, Name: "nombre-de-10MB.csv", Units: 2, Problem: "se guardaron los primeros 300", Data: []byte(csvBig)},
		{Family: fam, Name: "nombre-de-10MB.xlsx", Units: 1, Problem: "se guardaron los primeros 300", Data: workbook([]sheetSpec{{name: "Usuarios", xml: sheet}}, sstBig)},
		{Family: fam, Name: "un-millon-de-columnas.csv", Refused: "más de 16384 columnas",
			Data: []byte("Código;Nombres;Apellidos;Correo\nA-1" + strings.Repeat(";", 1<<20) + "\n")},
		{Family: fam, Name: "150000-filas.csv", Refused: "más de 100000 filas", Data: []byte(manyRows.String())},
		{Family: fam, Name: "90000-filas-malas.csv", Units: 1, Problem: "observaciones más", Data: []byte(badRows.String())},
	}
}

func invisibleCharacters() []File {
	const fam = "caracteres de control y bidi"
	rtl := [][]string{header,
		{"A-101", "Depto 101", "", "", "Ana\u202egnolA", "Soto", "", "ana@example.cl", "", "Sí"},
		{"A-102", "Depto 102", "", "", "Be\u0007l\u0008", "Ro\u200bjas", "", "bel@example.cl", "", "Sí"},
		{"A-103", "Depto 103", "", "", "Car\u2066los\u2069", "Ve\u0085ra", "", "car\u200flos@example.cl", "", "Sí"},
	}
	return []File{
		{Family: fam, Name: "bidi-y-control.csv", Units: 3, Problem: "caracteres de control o de dirección", Data: []byte("\ufeff" + csvOf(";", rtl...))},
		{Family: fam, Name: "bidi-y-control.xlsx", Units: 3, Problem: "caracteres de control o de dirección", Data: oneSheet(sheetOpen + sheetRows(1, rtl) + sheetClose)},
		{Family: fam, Name: "codigo-con-escape-ansi.csv", Units: 1, Problem: "caracteres de control",
			Data: []byte("Código;Nombres;Apellidos;Correo\nA-1\x1b[31m;Ana;Soto;ana@example.cl\n")},
	}
}

// Families lists the families in the corpus's order, for reports.
func Families(files []File) []string {
	seen := map[string]int{}
	for i, f := range files {
		if _, ok := seen[f.Family]; !ok {
			seen[f.Family] = i
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return seen[out[i]] < seen[out[j]] })
	return out
}
