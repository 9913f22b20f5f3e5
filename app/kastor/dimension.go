package kastor

import (
	"archive/zip"
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"
)

// rowCount reads how many rows a worksheet has from its <dimension>
// element, for the progress bar of a sheet read with excelize (whose
// GetSheetDimension would parse the whole sheet into memory first). Any
// trouble just returns 0.
func (bk *xlsxBook) rowCount(sheet string) int {
	sh, ok := bk.sheet(sheet)
	if !ok {
		return 0
	}
	f := bk.files[sh.path]
	rc, err := f.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	head, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	s := xmlScan{b: head}
	var t xmlTok
	for {
		ok, err := s.next(&t)
		if !ok || err != nil {
			return estimateRows(f)
		}
		if t.kind != xmlStart {
			continue
		}
		switch string(t.name) {
		case "dimension":
			ref, _ := xmlAttr(t.attrs, "ref")
			_, last, ok := bytes.Cut(bytes.TrimSpace(ref), []byte(":"))
			if _, row, err := excelize.CellNameToCoordinates(string(last)); ok && err == nil {
				return row
			}
			return estimateRows(f)
		case "sheetData":
			return estimateRows(f)
		}
	}
}

// estimateRows guesses a sheet's rows from its size when it does not say
// (excelize's stream writer leaves the dimension as "A1"): a row of a
// Kastor export takes about 400 bytes of XML.
func estimateRows(f *zip.File) int {
	return int(f.UncompressedSize64/400) + 1
}
