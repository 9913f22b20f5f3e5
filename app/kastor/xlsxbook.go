package kastor

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxSheetXML is the largest worksheet part read into memory. A larger one
// (more than half a million export rows) goes through excelize's streaming
// iterator, which is slower but keeps memory flat.
var maxSheetXML int64 = 192 << 20

// errUseExcelize sends a sheet to excelize's iterator: it is too big to
// hold in memory, or its XML is not in UTF-8 (a declared ISO-8859-1, which
// excelize decodes).
var errUseExcelize = errors.New("hoja para excelize")

// xlsxBook reads an .xlsx package's sheets with the tokenizer in
// sheetxml.go, giving the same cells excelize's row iterator gives with
// RawCellValue (the differential test holds it to that) in a fraction of
// the time. Opening it fails on anything it does not recognise (not a zip,
// encrypted, no workbook part): read then opens the file with excelize,
// whose errors become the user's messages.
type xlsxBook struct {
	files   map[string]*zip.File
	closer  io.Closer
	sheets  []bookSheet
	sstPath string
	sst     []string
	sstRead bool
}

type bookSheet struct {
	name   string
	path   string // the part's name in the package
	hidden bool   // state="hidden" or "veryHidden"
}

func openBook(in *input) (*xlsxBook, error) {
	zr, closer, err := openZip(in)
	if err != nil {
		return nil, err
	}
	bk, err := newBook(zr, closer)
	if err != nil {
		closer.Close()
		return nil, err
	}
	return bk, nil
}

// newBook reads a package's workbook part; closer is the package's, closed
// by close.
func newBook(zr *zip.Reader, closer io.Closer) (*xlsxBook, error) {
	bk := &xlsxBook{files: make(map[string]*zip.File, len(zr.File)), closer: closer}
	for _, f := range zr.File {
		bk.files[f.Name] = f
	}
	if err := bk.readWorkbook(); err != nil {
		return nil, err
	}
	return bk, nil
}

func (bk *xlsxBook) close() {
	if bk.closer != nil {
		bk.closer.Close()
	}
}

// names lists the worksheets in the workbook's order, the visible ones
// first: a hidden or very hidden sheet (a lookup table, an old copy) is
// read only when no visible sheet holds the export.
func (bk *xlsxBook) names() []string {
	out := make([]string, 0, len(bk.sheets))
	for _, hidden := range []bool{false, true} {
		for _, s := range bk.sheets {
			if s.hidden == hidden {
				out = append(out, s.name)
			}
		}
	}
	return out
}

// part reads one part of the package, up to limit bytes.
func (bk *xlsxBook) part(name string, limit int64) ([]byte, error) {
	f := bk.files[name]
	if f == nil {
		return nil, fmt.Errorf("falta la parte %s", name)
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errUseExcelize
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, int(f.UncompressedSize64)+bytes.MinRead))
	n, err := buf.ReadFrom(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit || !utf8XML(buf.Bytes()) {
		return nil, errUseExcelize
	}
	return buf.Bytes(), nil
}

// utf8XML reports whether a part is UTF-8, as Office writes it: no UTF-16
// byte order mark, and no XML declaration naming another encoding.
func utf8XML(b []byte) bool {
	if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) {
		return false
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return true
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return true // not a declaration the tokenizer will accept either
	}
	enc, ok := xmlAttr(b[len("<?xml"):end], "encoding")
	return !ok || strings.EqualFold(string(enc), "utf-8") || strings.EqualFold(string(enc), "utf8")
}

// relationships reads a .rels part: Id -> target part name, and the target
// of the first relationship whose type ends in "/"+typ.
func (bk *xlsxBook) relationships(relsPath, base, typ string) (map[string]string, string, error) {
	if bk.files[relsPath] == nil {
		return map[string]string{}, "", nil // then no sheet is found, and that is said
	}
	b, err := bk.part(relsPath, 8<<20)
	if err != nil {
		return nil, "", err
	}
	byID := map[string]string{}
	ofType := ""
	s := xmlScan{b: b}
	var t xmlTok
	for {
		ok, err := s.next(&t)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			return byID, ofType, nil
		}
		if t.kind != xmlStart || string(t.name) != "Relationship" {
			continue
		}
		target := xmlAttrString(t.attrs, "Target")
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(base, target)
		}
		byID[xmlAttrString(t.attrs, "Id")] = target
		if ofType == "" && typ != "" && strings.HasSuffix(xmlAttrString(t.attrs, "Type"), "/"+typ) {
			ofType = target
		}
	}
}

// readWorkbook finds the workbook part, its sheets and the shared strings.
func (bk *xlsxBook) readWorkbook() error {
	_, wbPath, err := bk.relationships("_rels/.rels", "", "officeDocument")
	if err != nil || wbPath == "" {
		wbPath = "xl/workbook.xml"
	}
	dir := path.Dir(wbPath)
	rels, sst, err := bk.relationships(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), dir, "sharedStrings")
	if err != nil {
		return err
	}
	if sst == "" {
		sst = "xl/sharedStrings.xml"
	}
	bk.sstPath = sst
	b, err := bk.part(wbPath, 8<<20)
	if err != nil {
		return err
	}
	s := xmlScan{b: b}
	var t xmlTok
	for {
		ok, err := s.next(&t)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if t.kind != xmlStart || string(t.name) != "sheet" {
			continue
		}
		p := rels[xmlAttrString(t.attrs, "id")]
		if p == "" || bk.files[p] == nil {
			return fmt.Errorf("no se encuentra la hoja %q", xmlAttrString(t.attrs, "name"))
		}
		state := xmlAttrString(t.attrs, "state")
		bk.sheets = append(bk.sheets, bookSheet{name: xmlAttrString(t.attrs, "name"), path: p,
			hidden: state == "hidden" || state == "veryHidden"})
	}
	if len(bk.sheets) == 0 {
		return errors.New("el libro no tiene hojas")
	}
	return nil
}

// sharedStrings reads the shared strings table once: each <si>'s text is
// its <t> and its rich-text runs' <t>, not the phonetic guides (<rPh>).
func (bk *xlsxBook) sharedStrings() ([]string, error) {
	if bk.sstRead {
		return bk.sst, nil
	}
	bk.sstRead = true
	if bk.files[bk.sstPath] == nil {
		return nil, nil
	}
	b, err := bk.part(bk.sstPath, maxSheetXML)
	if err != nil {
		return nil, err
	}
	s := xmlScan{b: b}
	var t xmlTok
	var buf []byte
	for {
		ok, err := s.next(&t)
		if err != nil {
			return nil, err
		}
		if !ok {
			return bk.sst, nil
		}
		if t.kind != xmlStart {
			continue
		}
		if string(t.name) == "sst" {
			if v, ok := xmlAttr(t.attrs, "uniqueCount"); ok {
				if n, err := strconv.Atoi(string(v)); err == nil && n > 0 && n < len(b)/8 {
					bk.sst = make([]string, 0, n)
				}
			}
		}
		if string(t.name) != "si" {
			continue
		}
		if buf, err = s.richText(buf[:0], &t); err != nil {
			return nil, err
		}
		bk.sst = append(bk.sst, decodeOOXMLEscapes(string(buf)))
	}
}

// richText appends the text of a string item (<si> or a cell's <is>) whose
// start tag was just read: its <t> and its runs' <t>, skipping phonetic
// runs and run properties.
func (s *xmlScan) richText(dst []byte, start *xmlTok) ([]byte, error) {
	if start.empty {
		return dst, nil
	}
	var t xmlTok
	for {
		if err := s.child(&t); err != nil {
			return dst, err
		}
		var err error
		switch t.kind {
		case xmlEnd:
			return dst, nil
		case xmlStart:
			switch string(t.name) {
			case "t":
				dst, err = s.textUntilEnd(dst, &t)
			case "r":
				dst, err = s.richText(dst, &t)
			default:
				err = s.skip(&t)
			}
			if err != nil {
				return dst, err
			}
		}
	}
}

// sheet finds a worksheet by name.
func (bk *xlsxBook) sheet(name string) (bookSheet, bool) {
	for _, sh := range bk.sheets {
		if sh.name == name {
			return sh, true
		}
	}
	return bookSheet{}, false
}

// rows opens one worksheet's rows.
func (bk *xlsxBook) rows(sheet string) (rowReader, error) {
	sh, ok := bk.sheet(sheet)
	if !ok {
		return nil, fmt.Errorf("no existe la hoja %q", sheet)
	}
	sst, err := bk.sharedStrings()
	if err != nil {
		return nil, err
	}
	b, err := bk.part(sh.path, maxSheetXML)
	if err != nil {
		return nil, err
	}
	return &bookRows{s: xmlScan{b: b}, sst: sst}, nil
}

// bookRows yields a worksheet's rows as excelize's Rows.Columns does with
// RawCellValue: a cell's column comes from its reference, blank cells
// before a value are "", cells after the last value are left out, and a
// row number is the one the sheet gives it (rows the sheet leaves out are
// blank, so they are not returned).
type bookRows struct {
	s     xmlScan
	sst   []string
	num   int
	done  bool
	val   []byte
	width int // when > 0, cells right of this column are read but left out
}

// limitColumns leaves out the cells right of column n (the header's
// width): a row with one value in column XFD does not become 16,384 cells.
func (r *bookRows) limitColumns(n int) { r.width = n }

func (r *bookRows) fraction() float64 {
	if len(r.s.b) == 0 {
		return 1
	}
	return float64(r.s.pos()) / float64(len(r.s.b))
}

func (r *bookRows) close() { r.s.b = nil }

func (r *bookRows) next() (int, []string, error) {
	if r.done {
		return 0, nil, io.EOF
	}
	var t xmlTok
	for {
		ok, err := r.s.next(&t)
		if err != nil {
			return 0, nil, err
		}
		if !ok || t.kind == xmlEnd && string(t.name) == "sheetData" {
			r.done = true
			return 0, nil, io.EOF
		}
		if t.kind == xmlStart && string(t.name) == "row" {
			break
		}
	}
	r.num++
	if v, ok := xmlAttr(t.attrs, "r"); ok {
		if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
			r.num = n
		}
	}
	if r.num > maxRows {
		return 0, nil, fmt.Errorf("la hoja tiene una fila %d, más allá de la última fila de Excel (%d)", r.num, maxRows)
	}
	if t.empty {
		return r.num, nil, nil
	}
	var cells []string
	col := 0
	for {
		if err := r.s.child(&t); err != nil {
			return 0, nil, err
		}
		if t.kind == xmlEnd {
			return r.num, cells, nil // </row>
		}
		if t.kind != xmlStart {
			continue
		}
		if string(t.name) != "c" {
			if err := r.s.skip(&t); err != nil {
				return 0, nil, err
			}
			continue
		}
		col++
		if ref, ok := xmlAttr(t.attrs, "r"); ok && len(ref) > 0 {
			c, err := columnOf(ref)
			if err != nil {
				return 0, nil, err
			}
			col = c
		}
		if col > maxColumns {
			return 0, nil, fmt.Errorf("la fila %d tiene más de %d columnas", r.num, maxColumns)
		}
		val, formula, err := r.cell(&t)
		if err != nil {
			return 0, nil, err
		}
		if r.width > 0 && col > r.width {
			continue
		}
		if val != "" || formula {
			for len(cells) < col-1 {
				cells = append(cells, "")
			}
			cells = append(cells, val)
		}
	}
}

// cell reads a <c> element's value: its type says where the text is.
func (r *bookRows) cell(start *xmlTok) (string, bool, error) {
	typ, _ := xmlAttr(start.attrs, "t")
	if start.empty {
		return "", false, nil
	}
	var (
		t       xmlTok
		v, is   []byte
		hasV    bool
		hasIS   bool
		formula bool
		err     error
	)
	for {
		if err := r.s.child(&t); err != nil {
			return "", false, err
		}
		if t.kind == xmlEnd {
			break
		}
		if t.kind != xmlStart {
			continue
		}
		switch string(t.name) {
		case "v":
			r.val, err = r.s.textUntilEnd(r.val[:0], &t)
			v, hasV = r.val, true
		case "is":
			is, err = r.s.richText(nil, &t)
			hasIS = true
		case "f":
			formula = true
			err = r.s.skip(&t)
		default:
			err = r.s.skip(&t)
		}
		if err != nil {
			return "", false, err
		}
	}
	switch string(typ) {
	case "s":
		if !hasV || len(v) == 0 {
			return "", formula, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(string(v)))
		if err != nil || i < 0 || i >= len(r.sst) {
			return "", formula, nil // excelize gives "" for a bad index too
		}
		return r.sst[i], formula, nil
	case "inlineStr":
		if hasIS {
			return decodeOOXMLEscapes(string(is)), formula, nil
		}
	}
	return string(v), formula, nil
}

// maxColumns and maxRows are Excel's limits (column XFD, row 1048576).
const (
	maxColumns = 16384
	maxRows    = 1 << 20
)

// errBadRef is a cell reference that is not one; the message quotes at
// most its first characters.
func errBadRef(ref []byte) error {
	q := string(ref)
	if len(q) > 16 {
		q = strings.ToValidUTF8(q[:16], "") + "…"
	}
	return fmt.Errorf("referencia de celda inválida %q", q)
}

// columnOf is the 1-based column of a cell reference ("C7" is 3).
func columnOf(ref []byte) (int, error) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		if col > maxColumns {
			return 0, errBadRef(ref)
		}
	}
	if i == 0 || i == len(ref) {
		return 0, errBadRef(ref)
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, errBadRef(ref)
		}
	}
	return col, nil
}
