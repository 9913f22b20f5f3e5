package kastor

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetRowCount reads how many rows a worksheet has from its <dimension>
// element, straight from the package: excelize's GetSheetDimension would
// parse the whole sheet into memory first. It only feeds the progress bar,
// so any trouble just returns 0.
func sheetRowCount(in *input, sheet string) int {
	var zr *zip.Reader
	if in.data != nil {
		r, err := zip.NewReader(bytes.NewReader(in.data), int64(len(in.data)))
		if err != nil {
			return 0
		}
		zr = r
	} else {
		rc, err := zip.OpenReader(in.path)
		if err != nil {
			return 0
		}
		defer rc.Close()
		zr = &rc.Reader
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(files["xl/workbook.xml"], &wb) != nil || decodePart(files["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return 0
	}
	target := ""
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				target = r.Target
			}
		}
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else if target != "" {
		target = path.Join("xl", target)
	}
	f := files[target]
	if f == nil {
		return 0
	}
	rc, err := f.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, 64<<10))
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "dimension":
				for _, a := range se.Attr {
					if a.Name.Local == "ref" {
						_, last, ok := strings.Cut(a.Value, ":")
						if _, row, err := excelize.CellNameToCoordinates(last); ok && err == nil {
							return row
						}
					}
				}
				return estimateRows(f)
			case "sheetData":
				return estimateRows(f)
			}
		}
	}
}

// estimateRows guesses a sheet's rows from its size when it does not say
// (excelize's stream writer leaves the dimension as "A1"): a row of a
// Kastor export takes about 400 bytes of XML.
func estimateRows(f *zip.File) int {
	return int(f.UncompressedSize64/400) + 1
}

func decodePart(f *zip.File, v any) error {
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 8<<20)).Decode(v)
}
