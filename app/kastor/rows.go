package kastor

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// rowReader yields a sheet's rows with their 1-based numbers as a
// spreadsheet shows them.
type rowReader interface {
	next() (num int, cells []string, err error) // io.EOF after the last row
	fraction() float64                          // share of the rows read, 0..1
	close()
}

// xlsxRows streams one worksheet with excelize's row iterator, so memory
// stays flat whatever the sheet's size. Only sheets xlsxBook does not take
// (see workbookSheets) come this way.
type xlsxRows struct {
	rows  *excelize.Rows
	num   int
	total int
}

func (r *xlsxRows) next() (int, []string, error) {
	if !r.rows.Next() {
		if err := r.rows.Error(); err != nil {
			return 0, nil, err
		}
		return 0, nil, io.EOF
	}
	r.num++
	cells, err := r.rows.Columns()
	return r.num, cells, err
}

func (r *xlsxRows) fraction() float64 {
	if r.total <= 0 {
		return 0
	}
	return min(1, float64(r.num)/float64(r.total))
}

func (r *xlsxRows) close() { r.rows.Close() }

// openXLSX opens the workbook, from its path or from memory.
func openXLSX(in *input) (*excelize.File, error) {
	// No more inflated than checkPackage allows (excelize's own default is
	// 16 GB); sheets over 16 MB go to excelize's temporary files, which
	// Close removes (a SIGTERM cancels the read and closes it too).
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: maxInflated}
	var f *excelize.File
	var err error
	if in.data != nil {
		f, err = excelize.OpenReader(bytes.NewReader(in.data), opts)
	} else {
		f, err = excelize.OpenFile(in.path, opts)
	}
	if err != nil {
		return nil, xlsxError(in.name, err)
	}
	return f, nil
}

func xlsxError(name string, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, errXMLDeep), strings.Contains(msg, "exceeded max depth"):
		return fmt.Errorf("el Excel %s está dañado o fue fabricado para trabar programas: su XML anida elementos más de %d niveles (Excel nunca pasa de 10); no se leyó", name, maxXMLDepth)
	case errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		return &errPackageTooBig{name: name, size: uint64(maxInflated) + 1}
	case strings.Contains(msg, "zip"), strings.Contains(msg, "flate"), errors.Is(err, errXMLSyntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), strings.Contains(msg, "EOF"):
		return fmt.Errorf("el Excel %s está dañado o incompleto (¿se copió o descargó a medias?)", name)
	case errors.Is(err, excelize.ErrWorkbookFileFormat), strings.Contains(msg, "unsupported"):
		return fmt.Errorf("%s no es un libro de Excel .xlsx", name)
	case strings.Contains(strings.ToLower(msg), "password"), strings.Contains(msg, "encrypt"):
		return fmt.Errorf("el Excel %s está protegido con contraseña: guárdelo sin contraseña", name)
	}
	return fmt.Errorf("no se pudo leer el Excel %s: %v", name, err)
}

// sheetRows opens one sheet's row iterator.
// total is its row count if known (0 if not), for the progress.
func sheetRows(f *excelize.File, in *input, sheet string, total int) (*xlsxRows, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, xlsxError(in.name, err)
	}
	return &xlsxRows{rows: rows, total: total}, nil
}

// csvRows reads decoded CSV text.
type csvRows struct {
	r    *csv.Reader
	num  int
	size int
}

func (r *csvRows) next() (int, []string, error) {
	rec, err := r.r.Read()
	if err != nil {
		return 0, nil, err
	}
	r.num++
	return r.num, rec, nil
}

func (r *csvRows) fraction() float64 {
	if r.size == 0 {
		return 0
	}
	return min(1, float64(r.r.InputOffset())/float64(r.size))
}

func (r *csvRows) close() {}

// Encoding names, as reports and tests see them.
const (
	encUTF8    = "UTF-8"
	encUTF8BOM = "UTF-8 con BOM"
	encUTF16   = "UTF-16"
	// encUTF16NoBOM is UTF-16 told from its zero bytes.
	encUTF16NoBOM = "UTF-16 sin BOM"
	encCP1252     = "Windows-1252"
)

// decodeText turns a CSV file's bytes into text. Excel in Chile saves CSV
// as UTF-8 (with a BOM) or as Windows-1252 ("CSV (delimitado por comas)");
// "Texto Unicode" is UTF-16 with a BOM. Text that is valid UTF-8 is UTF-8;
// otherwise it must be Windows-1252, and a file that is neither (bytes
// Windows-1252 does not define, or UTF-8 mixed with other bytes) is refused
// rather than read as garbage.
func decodeText(name string, b []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", "", fmt.Errorf("%s dice ser UTF-8 pero tiene caracteres inválidos: vuelva a guardarlo como «CSV UTF-8»", name)
		}
		return string(b), encUTF8BOM, nil
	case bytes.HasPrefix(b, []byte("\xff\xfe")), bytes.HasPrefix(b, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, b)
		if err != nil {
			return "", "", fmt.Errorf("%s: texto UTF-16 inválido: %v", name, err)
		}
		return string(out), encUTF16, nil
	case utf16Order(b) != nil:
		// "Texto Unicode" that lost its byte order mark (cut by another
		// program): ASCII characters give a zero byte every other byte.
		dec := unicode.UTF16(*utf16Order(b), unicode.IgnoreBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, b)
		if err != nil {
			return "", "", fmt.Errorf("%s: texto UTF-16 inválido: guárdelo de nuevo desde Excel como «CSV UTF-8»", name)
		}
		return string(out), encUTF16NoBOM, nil
	case utf8.Valid(b):
		return string(b), encUTF8, nil
	}
	multi := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && size > 1 {
			multi++
		}
		i += size
	}
	for _, c := range b {
		switch c {
		case 0x81, 0x8d, 0x8f, 0x90, 0x9d: // undefined in Windows-1252
			return "", "", fmt.Errorf("no se reconoce la codificación de %s (no es UTF-8 ni Windows-1252): guárdelo desde Excel como «CSV UTF-8»", name)
		}
	}
	if multi > 0 {
		return "", "", fmt.Errorf("%s mezcla dos codificaciones de texto (UTF-8 y Windows-1252): guárdelo de nuevo desde Excel como «CSV UTF-8»", name)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fmt.Errorf("%s: %v", name, err)
	}
	return string(out), encCP1252, nil
}

// utf16Order tells UTF-16 text without a byte order mark from the zero
// bytes ASCII characters leave at every other position: nil when b does
// not look like it.
func utf16Order(b []byte) *unicode.Endianness {
	b = b[:min(len(b), 4096)&^1]
	if len(b) < 8 {
		return nil
	}
	even, odd := 0, 0
	for i := 0; i < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := len(b) / 2
	le, be := unicode.LittleEndian, unicode.BigEndian
	switch {
	case odd*10 >= pairs*6 && even*20 < pairs:
		return &le
	case even*10 >= pairs*6 && odd*20 < pairs:
		return &be
	}
	return nil
}

// detectDelimiter picks the separator most of the first lines use: ';'
// (Excel in Spanish, where ',' is the decimal comma), ',' or a tab.
func detectDelimiter(text string) rune {
	best, bestLines, bestTotal := ';', -1, -1
	for _, d := range []rune{';', ',', '\t'} {
		lines, total := 0, 0
		n := 0
		for _, line := range strings.SplitN(text, "\n", 40) {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if n++; n > 30 {
				break
			}
			c := countOutsideQuotes(line, d)
			if c > 0 {
				lines++
			}
			total += c
		}
		if lines > bestLines || (lines == bestLines && total > bestTotal) {
			best, bestLines, bestTotal = d, lines, total
		}
	}
	return best
}

func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}

// maxCSVFields bounds the fields of one CSV line (Excel's column limit):
// a line of a million separators would otherwise be a million strings.
const maxCSVFields = maxColumns

// openCSV decodes the file and returns its rows and the encoding found.
func openCSV(in *input) (*csvRows, string, error) {
	b, err := in.bytes()
	if err != nil {
		return nil, "", err
	}
	text, enc, err := decodeText(in.name, b)
	if err != nil {
		return nil, "", err
	}
	if strings.TrimSpace(text) == "" {
		return nil, "", fmt.Errorf("el archivo %s está vacío", in.name)
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return nil, "", fmt.Errorf("el archivo %s tiene bytes nulos en la línea %d: no es un CSV de texto; vuelva a guardarlo desde Excel como «CSV UTF-8»",
			in.name, 1+strings.Count(text[:i], "\n")+strings.Count(strings.ReplaceAll(text[:i], "\r\n", ""), "\r"))
	}
	if strings.IndexByte(text, '\r') >= 0 {
		// Lines ended by a lone CR (old Mac Excel) as well as CRLF.
		text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	}
	comma := detectDelimiter(text)
	if err := checkCSV(in.name, text, comma); err != nil {
		return nil, "", err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // a bare " inside an unquoted field ("Pedro "Pepe" Soto"): checkCSV allows only that
	return &csvRows{r: cr, size: len(text)}, enc, nil
}

// checkCSV reads the text the way encoding/csv will and refuses what would
// make it merge lines silently: a quoted field that is never closed, or
// closed and then followed by more text (an unbalanced "), and a quoted
// field that runs over several lines holding separators (a stray opening
// " that swallowed the rows below). It names the line where the field
// began. It also bounds the fields of a line.
func checkCSV(name, text string, comma rune) error {
	line, fields := 1, 1
	for i := 0; i < len(text); {
		// At the start of a field.
		if text[i] == '"' {
			start := line
			multiLine, sep := false, false
			i++
			for {
				if i >= len(text) {
					return errUnbalancedQuote(name, start)
				}
				c := text[i]
				if c == '"' {
					if i+1 < len(text) && text[i+1] == '"' {
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					line++
					multiLine = true
				} else if rune(c) == comma {
					sep = true
				}
				i++
			}
			if multiLine && sep {
				return errUnbalancedQuote(name, start)
			}
			if i < len(text) && text[i] != '\n' && rune(text[i]) != comma {
				return errUnbalancedQuote(name, start)
			}
		}
		// The rest of an unquoted field (or the separator after a quoted one).
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if r == comma {
				if fields++; fields > maxCSVFields {
					return fmt.Errorf("la línea %d de %s tiene más de %d columnas: no es una exportación de Kastor", line, name, maxCSVFields)
				}
				break
			}
			if r == '\n' {
				line, fields = line+1, 1
				break
			}
		}
	}
	return nil
}

func errUnbalancedQuote(name string, line int) error {
	return fmt.Errorf("la línea %d de %s tiene unas comillas (\") sin cerrar: Comunidad no la unirá con las líneas siguientes; corrija esa celda en Excel y vuelva a guardar el CSV", line, name)
}
