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
	opts := excelize.Options{RawCellValue: true}
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
	case strings.Contains(msg, "zip"), strings.Contains(msg, "flate"), errors.Is(err, errXMLSyntax), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(msg, "unexpected EOF"):
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
	encCP1252  = "Windows-1252"
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
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = detectDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return &csvRows{r: cr, size: len(text)}, enc, nil
}
