package userfile

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"comunidad/app/atomicfile"
	"comunidad/data"
)

// The workbook's sheets, in order.
const (
	SheetUsers   = "Usuarios"
	SheetNotes   = "Observaciones"
	SheetSummary = "Resumen"
)

// UserColumns are the headers of the "Usuarios" sheet, in order.
var UserColumns = []string{
	"Comunidad", "Código", "Unidad", "Unidades asignadas", "Sector", "Tipo de usuario",
	"Principal", "Nombres", "Apellidos", "RUT", "Correo (login)", "Teléfono", "Origen",
	"Estado de la cuenta", "Fecha de creación",
}

// NoteColumns are the headers of the "Observaciones" sheet, in order.
var NoteColumns = []string{
	"Unidades", "Nombres", "Apellidos", "RUT", "Correo", "Tipo de usuario", "Origen", "Motivo", "Detalle",
}

// DateFormat is how dates show in the workbook (a number format, the
// Chilean day-month-year order whatever the reader's locale).
const DateFormat = "dd-mm-yyyy hh:mm"

// Options tune a write. The zero value is ready to use.
type Options struct {
	// Location is the time zone dates are shown in; nil means time.Local.
	Location *time.Location
	// Progress, when set, is called from the writing goroutine now and then
	// with how many of the total rows are written.
	Progress func(done, total int)
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.Local
	}
	return o.Location
}

// Store is where Generate creates the accounts, in one transaction with
// the workbook (data.Store).
type Store interface {
	InTx(ctx context.Context, fn func(tx data.Tx) error) error
}

// Generate creates the missing portal accounts of the given units (all when
// unitIDs is empty) and writes the workbook to w, in one transaction: when
// the workbook cannot be written, or ctx is cancelled, no account is created.
func Generate(ctx context.Context, st Store, community int64, unitIDs []int64, w io.Writer, opts Options) (data.AccountsReport, error) {
	var rep data.AccountsReport
	err := st.InTx(ctx, func(tx data.Tx) error {
		var err error
		rep, err = tx.CreateAccounts(ctx, community, unitIDs, time.Now())
		if err != nil {
			return err
		}
		return Write(ctx, w, rep, opts)
	})
	return rep, err
}

// GenerateFile is Generate into the file at path, written atomically: the
// path ends up holding the whole new workbook or what it held before.
func GenerateFile(ctx context.Context, st Store, community int64, unitIDs []int64, path string, opts Options) (data.AccountsReport, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return data.AccountsReport{}, fmt.Errorf("no se puede escribir %s: %w", path, err)
	}
	defer f.Abort()
	rep, err := Generate(ctx, st, community, unitIDs, f, opts)
	if err != nil {
		return rep, err
	}
	if err := f.Commit(); err != nil {
		return rep, fmt.Errorf("las cuentas se crearon, pero el archivo no se pudo guardar (genérelo de nuevo: no se repetirán cuentas): %w", err)
	}
	return rep, nil
}

// WriteFile writes the workbook for rep to path atomically.
func WriteFile(ctx context.Context, path string, rep data.AccountsReport, opts Options) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("no se puede escribir %s: %w", path, err)
	}
	defer f.Abort()
	if err := Write(ctx, f, rep, opts); err != nil {
		return err
	}
	return f.Commit()
}

// styles are the workbook's cell formats.
type styles struct {
	header, text, date, number int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: "Calibri", Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    49,
	}); err != nil {
		return s, err
	}
	// 49 is the built-in "@" (Texto) format: what the cell holds is text,
	// now and when someone edits it.
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return s, err
	}
	df := DateFormat
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &df, Alignment: &excelize.Alignment{Horizontal: "left"}}); err != nil {
		return s, err
	}
	if s.number, err = f.NewStyle(&excelize.Style{NumFmt: 3}); err != nil { // #,##0
		return s, err
	}
	return s, nil
}

// Write writes the workbook for rep to w.
func Write(ctx context.Context, w io.Writer, rep data.AccountsReport, opts Options) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(fastZip)
	if err := f.SetSheetName("Sheet1", SheetUsers); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	for _, name := range []string{SheetNotes, SheetSummary} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("users file: %w", err)
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	total := len(rep.Rows) + len(rep.Excluded) + len(rep.EmptyUnits)
	p := &progress{fn: opts.Progress, total: total}
	p.report()
	if err := writeUsers(ctx, f, st, rep, opts.loc(), p); err != nil {
		return err
	}
	if err := writeNotes(ctx, f, st, rep, p); err != nil {
		return err
	}
	if err := writeSummary(f, st, rep, opts.loc()); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   clean("Usuarios de " + rep.Community.Name),
		Subject: "Usuarios para la carga masiva del portal de residentes",
		Creator: "Comunidad",
		Created: rep.GeneratedAt.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := f.WriteTo(bw); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	p.done = total
	p.report()
	return nil
}

// fastZip compresses with flate's BestSpeed: the repetitive sheet XML still
// shrinks about tenfold, and compressing takes a fraction of the default
// level's time (a third of the whole write for 30,000 users otherwise).
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// progress calls Options.Progress every so many rows.
type progress struct {
	fn          func(done, total int)
	done, total int
}

func (p *progress) step() {
	p.done++
	if p.done%500 == 0 {
		p.report()
	}
}

func (p *progress) report() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}

// table streams one sheet: a bold, frozen header with an autofilter, then rows.
type table struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheet  string
	header []string
	row    int
}

func newTable(f *excelize.File, sheet string, header []string, widths []float64, st styles) (*table, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, fmt.Errorf("users file: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	t := &table{f: f, sw: sw, sheet: sheet, header: header}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := t.add(cells, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *table) add(cells []any, opts ...excelize.RowOpts) error {
	t.row++
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	if err := t.sw.SetRow(cell, cells, opts...); err != nil {
		return fmt.Errorf("users file: row %d: %w", t.row, err)
	}
	return nil
}

// close sets the autofilter over everything written and ends the stream.
func (t *table) close() error {
	last, _ := excelize.CoordinatesToCellName(len(t.header), max(t.row, 1))
	if err := t.f.AutoFilter(t.sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	return nil
}

func writeUsers(ctx context.Context, f *excelize.File, st styles, rep data.AccountsReport, loc *time.Location, p *progress) error {
	community := clean(rep.Community.Name)
	// Column widths from the content, measured before streaming starts
	// (widths must precede the rows), capped so one long value does not
	// push the rest off screen.
	lines := make([][]string, len(rep.Rows))
	widths := make([]float64, len(UserColumns))
	for i, h := range UserColumns {
		widths[i] = float64(utf8.RuneCountInString(h)) + 4 // room for the filter button
	}
	for i, r := range rep.Rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		l := userLine(community, r)
		lines[i] = l
		for c, s := range l {
			if n := float64(utf8.RuneCountInString(s)) + 2; n > widths[c] {
				widths[c] = n
			}
		}
	}
	for i := range widths {
		widths[i] = min(widths[i], 45)
	}
	widths[len(widths)-1] = max(widths[len(widths)-1], 18) // "27-11-2026 14:05"

	t, err := newTable(f, SheetUsers, UserColumns, widths, st)
	if err != nil {
		return err
	}
	// One set of cells, handed to SetRow as pointers and refilled for each
	// row: boxing 450,000 Cell values would be as many allocations.
	row := make([]excelize.Cell, len(UserColumns))
	cells := make([]any, len(UserColumns))
	for c := range row {
		row[c].StyleID = st.text
		cells[c] = &row[c]
	}
	date := &row[len(row)-1]
	date.StyleID = st.date
	for i, r := range rep.Rows {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for c, s := range lines[i][:len(row)-1] {
			if s == "" {
				row[c].Value = nil // blank, but keeps the text format
			} else {
				row[c].Value = s
			}
		}
		date.Value = nil
		if !r.AccountCreatedAt.IsZero() {
			date.Value = cellTime(r.AccountCreatedAt, loc)
		}
		if err := t.add(cells); err != nil {
			return err
		}
		p.step()
	}
	return t.close()
}

// userLine is a user row's text cells, every column but the date.
func userLine(community string, r data.AccountRow) []string {
	typ := r.Type.Label()
	if r.Role == data.RoleSecondaryEmail {
		typ = "Correo secundario"
	}
	main := "No"
	if r.IsMain() {
		main = "Sí"
	}
	login := r.Login
	if login == "" {
		login = r.Email
	}
	return []string{
		community, clean(r.UnitCode), clean(r.UnitName), clean(r.Assigned), clean(r.Sector), typ, main,
		clean(r.FirstNames), clean(r.LastNames), clean(r.RUT), clean(login), clean(r.Phone),
		originLabel(r.Origin), accountState(r), "",
	}
}

func originLabel(o data.Origin) string {
	switch o {
	case data.OriginKastor:
		return "Kastor"
	case data.OriginLocal:
		return "Agregado"
	}
	return string(o)
}

// accountState is the "Estado de la cuenta" column.
func accountState(r data.AccountRow) string {
	switch r.AccountStatus {
	case "active":
		if r.New {
			return "Activa (nueva)"
		}
		return "Activa"
	case "disabled":
		return "Desactivada"
	case "":
		if r.Reason != "" {
			return "Sin cuenta: " + string(r.Reason)
		}
		return "Sin cuenta"
	}
	return r.AccountStatus
}

// textCell is a text cell; an empty one is left blank but keeps the text
// format, so what is typed there later is text too.
func textCell(st styles, s string) excelize.Cell {
	if s == "" {
		return excelize.Cell{StyleID: st.text}
	}
	return excelize.Cell{StyleID: st.text, Value: s}
}

func writeNotes(ctx context.Context, f *excelize.File, st styles, rep data.AccountsReport, p *progress) error {
	widths := []float64{14, 22, 22, 14, 30, 18, 12, 24, 60}
	t, err := newTable(f, SheetNotes, NoteColumns, widths, st)
	if err != nil {
		return err
	}
	cells := make([]any, len(NoteColumns))
	for i, e := range rep.Excluded {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		typ := e.Type.Label()
		if e.PersonID == 0 {
			typ = "Correo secundario"
		}
		for c, s := range []string{
			clean(strings.Join(e.Units, ", ")), clean(e.FirstNames), clean(e.LastNames), clean(e.RUT),
			clean(e.Email), typ, originLabel(e.Origin), data.Capitalize(string(e.Reason)), clean(e.Detail),
		} {
			cells[c] = textCell(st, s)
		}
		if err := t.add(cells); err != nil {
			return err
		}
		p.step()
	}
	for _, u := range rep.EmptyUnits {
		for c, s := range []string{clean(u.UnitCode), "", "", "", "", "", "", "Unidad sin usuarios", clean(u.UnitName)} {
			cells[c] = textCell(st, s)
		}
		if err := t.add(cells); err != nil {
			return err
		}
		p.step()
	}
	return t.close()
}

// SummaryLabels are the "Resumen" sheet's labels, in order, after the
// community and the date.
var SummaryLabels = []string{
	"Unidades incluidas",
	"Filas en Usuarios",
	"Cuentas nuevas",
	"Cuentas que ya existían",
	"Personas sin cuenta: sin correo",
	"Personas sin cuenta: correo inválido",
	"Personas sin cuenta: correo compartido",
	"Usuarios de Kastor que no son propietarios ni cuenta principal (sin cuenta)",
	"Unidades sin usuarios",
	"Usuarios archivados por Kastor (no incluidos)",
}

// SummaryCounts are the numbers SummaryLabels name, for rep.
func SummaryCounts(rep data.AccountsReport) []int {
	return []int{
		rep.Units, len(rep.Rows), len(rep.Created), len(rep.Existing),
		rep.Count(data.ReasonNoEmail), rep.Count(data.ReasonInvalidEmail), rep.Count(data.ReasonSharedEmail),
		rep.NotEligible, len(rep.EmptyUnits), rep.Archived,
	}
}

func writeSummary(f *excelize.File, st styles, rep data.AccountsReport, loc *time.Location) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	if err := sw.SetColWidth(1, 1, 72); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	if err := sw.SetColWidth(2, 2, 40); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	rows := [][]any{
		{excelize.Cell{StyleID: st.header, Value: "Resumen"}, excelize.Cell{StyleID: st.header}},
		{excelize.Cell{StyleID: st.text, Value: "Comunidad"}, textCell(st, clean(rep.Community.Name))},
		{excelize.Cell{StyleID: st.text, Value: "Generado"}, excelize.Cell{StyleID: st.date, Value: cellTime(rep.GeneratedAt, loc)}},
	}
	for i, n := range SummaryCounts(rep) {
		rows = append(rows, []any{excelize.Cell{StyleID: st.text, Value: SummaryLabels[i]}, excelize.Cell{StyleID: st.number, Value: n}})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			return fmt.Errorf("users file: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	return nil
}

// clean makes s safe for a cell: tabs and line breaks become spaces and
// other control characters (which XML cannot carry) are dropped.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// DefaultName is the file name the save dialog proposes:
// usuarios-<comunidad>-<fecha>.xlsx, with the community's name reduced to
// lower-case ASCII letters, digits and hyphens so that it is a safe file name
// on every system.
func DefaultName(community string, t time.Time) string {
	return "usuarios-" + data.Slug(community, "comunidad") + "-" + t.Format("2006-01-02") + ".xlsx"
}

// cellTime is t as a date cell holds it: in loc, to the whole second. A
// spreadsheet shows «hh:mm» of the serial number rounded to the second, so
// 10:14:59.7 would read 10:15 in the file while the app says 10:14.
func cellTime(t time.Time, loc *time.Location) time.Time {
	return t.In(loc).Truncate(time.Second)
}
