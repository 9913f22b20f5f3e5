package kastor

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// What a package may hold, checked on its central directory before any
// reader (xlsxBook or excelize) inflates a part. A Kastor export of 30,000
// people is about 2 MB zipped and 15 MB inflated.
var (
	// maxInflated bounds the declared size of all parts together.
	maxInflated int64 = 256 << 20
	// maxParts bounds the number of parts.
	maxParts = 10_000
)

// errPackageTooBig is a package that would inflate past maxInflated, or
// holds more than maxParts parts: a zip bomb, or not an export.
type errPackageTooBig struct {
	name  string
	size  uint64
	parts int
}

func (e *errPackageTooBig) Error() string {
	if e.parts > maxParts {
		return fmt.Sprintf("el Excel %s contiene %d partes: más de las que tiene una exportación (máximo %d); no se leyó", e.name, e.parts, maxParts)
	}
	return fmt.Sprintf("el Excel %s se descomprime en más de %s: no es una exportación de Kastor (máximo %s); no se leyó",
		e.name, megabytes(int64(min(e.size, 1<<62))), megabytes(maxInflated))
}

// openZip opens the package's directory, from memory or from its file.
// archive/zip itself then holds every part to its declared size (a part
// that inflates to more is ErrFormat), so the declared sizes checkPackage
// looks at bound what any reader can get.
func openZip(in *input) (*zip.Reader, io.Closer, error) {
	if in.data != nil {
		zr, err := zip.NewReader(bytes.NewReader(in.data), int64(len(in.data)))
		return zr, io.NopCloser(nil), err
	}
	rc, err := zip.OpenReader(in.path)
	if err != nil {
		return nil, nil, err
	}
	return &rc.Reader, rc, nil
}

// checkPackage refuses a package that declares more inflated bytes or
// parts than an export can have, or that is not a workbook at all (an
// OpenDocument file, a Word document, any other zip), saying what it is.
func checkPackage(name string, zr *zip.Reader) error {
	if len(zr.File) > maxParts {
		return &errPackageTooBig{name: name, parts: len(zr.File)}
	}
	var total uint64
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(maxInflated) || f.UncompressedSize64 > uint64(maxInflated) {
			return &errPackageTooBig{name: name, size: max(total, f.UncompressedSize64)}
		}
		files[f.Name] = f
	}
	if f := files["mimetype"]; f != nil {
		mt := ""
		if f.UncompressedSize64 < 200 {
			if rc, err := f.Open(); err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, 200))
				rc.Close()
				mt = strings.TrimSpace(string(b))
			}
		}
		switch {
		case strings.Contains(mt, "opendocument.spreadsheet"):
			return fmt.Errorf("%s es una planilla de LibreOffice u OpenOffice (.ods), no un libro de Excel: ábrala en LibreOffice Calc y use Archivo → Guardar como → «Libro de Excel 2007-365 (.xlsx)», o exporte de nuevo desde Kastor en Excel o CSV", name)
		case strings.Contains(mt, "opendocument"):
			return fmt.Errorf("%s es un documento de LibreOffice u OpenOffice, no una planilla: use la exportación de Kastor en Excel (.xlsx) o CSV", name)
		case strings.Contains(mt, "epub"):
			return fmt.Errorf("%s es un libro electrónico (EPUB), no una planilla: use la exportación de Kastor en Excel (.xlsx) o CSV", name)
		}
	}
	switch {
	case files["word/document.xml"] != nil:
		return fmt.Errorf("%s es un documento de Word (.docx), no una planilla: use la exportación de Kastor en Excel (.xlsx) o CSV", name)
	case files["ppt/presentation.xml"] != nil:
		return fmt.Errorf("%s es una presentación de PowerPoint (.pptx), no una planilla: use la exportación de Kastor en Excel (.xlsx) o CSV", name)
	case files["xl/workbook.bin"] != nil:
		return fmt.Errorf("%s es un libro binario de Excel (.xlsb): ábralo en Excel y use Archivo → Guardar como → «Libro de Excel (.xlsx)»", name)
	}
	if files["[Content_Types].xml"] == nil && files["xl/workbook.xml"] == nil && files["_rels/.rels"] == nil {
		var some []string
		for _, f := range zr.File {
			if len(some) == 3 {
				some = append(some, "…")
				break
			}
			some = append(some, "«"+path.Base(f.Name)+"»")
		}
		what := "está vacío"
		if len(some) > 0 {
			what = "contiene " + strings.Join(some, ", ")
		}
		return fmt.Errorf("%s es un archivo comprimido (.zip) que no es un libro de Excel (%s): use la exportación de Kastor en Excel (.xlsx) o CSV", name, what)
	}
	return nil
}

// checkPartsDepth streams every XML part of the package through
// checkDepth: excelize's encoding/xml keeps a stack entry per open
// element, so a part nesting millions of levels would take gigabytes
// before it said anything. xlsxBook's tokenizer enforces the same limit
// as it reads.
func checkPartsDepth(zr *zip.Reader) error {
	for _, f := range zr.File {
		ext := strings.ToLower(path.Ext(f.Name))
		if ext != ".xml" && ext != ".rels" && ext != ".vml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		err = checkDepth(rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// checkDepth reads XML and fails with errXMLDeep when its elements nest
// deeper than maxXMLDepth. It only follows markup: start, end and empty
// tags (quotes in attributes respected), comments, CDATA, processing
// instructions and declarations.
func checkDepth(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// until skips past the next occurrence of end.
	until := func(end string) error {
		matched := 0
		for {
			c, err := br.ReadByte()
			if err != nil {
				return err
			}
			switch {
			case c == end[matched]:
				if matched++; matched == len(end) {
					return nil
				}
			case c == end[0]:
				matched = 1
			default:
				matched = 0
			}
		}
	}
	depth := 0
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
		c, err := br.ReadByte()
		if err != nil {
			return ignoreEOF(err)
		}
		switch c {
		case '/':
			depth--
			err = until(">")
		case '?':
			err = until("?>")
		case '!':
			head, _ := br.Peek(7)
			switch {
			case bytes.HasPrefix(head, []byte("--")):
				err = until("-->")
			case bytes.HasPrefix(head, []byte("[CDATA[")):
				err = until("]]>")
			default:
				err = until(">")
			}
		default:
			var quote, prev byte
			for c != '>' || quote != 0 {
				switch {
				case quote != 0 && c == quote:
					quote = 0
				case quote == 0 && (c == '"' || c == '\''):
					quote = c
				}
				prev = c
				if c, err = br.ReadByte(); err != nil {
					return ignoreEOF(err)
				}
			}
			if prev != '/' {
				if depth++; depth > maxXMLDepth {
					return errXMLDeep
				}
			}
		}
		if err != nil {
			return ignoreEOF(err)
		}
	}
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil // a truncated part: the reader says so
	}
	return err
}
