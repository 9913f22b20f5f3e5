package kastor

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"comunidad/data"
)

// headerSearchRows is how far down a sheet the header row is looked for:
// exports put a title, the community's name or a date above it.
const headerSearchRows = 30

// Result is an export read into a snapshot.
type Result struct {
	Snapshot *data.Snapshot
	Layout   Layout
	Name     string // the file's name
	Sheet    string // the worksheet read (xlsx)
	Encoding string // the text encoding found (csv)
	Title    string // the first line above the header row, if any
	Rows     int    // data rows read
}

// SuggestedName is a name for a community imported from this export: the
// title above the header (Kastor puts the community's name there), else the
// file's name without its extension.
func (r *Result) SuggestedName() string {
	if t := strings.TrimSpace(r.Title); t != "" && len([]rune(t)) <= 80 {
		return t
	}
	n := strings.TrimSuffix(r.Name, filepath.Ext(r.Name))
	n = strings.NewReplacer("_", " ", "-", " ").Replace(n)
	return strings.Join(strings.Fields(n), " ")
}

// Read reads a Kastor export (.xlsx or .csv file path, or http(s) URL) into
// a snapshot. It writes nothing. A file it cannot use (missing, empty,
// damaged, of another type, without the required columns) is an error
// whose message is for the user, in Spanish.
func Read(ctx context.Context, source string, opts Options) (*Result, error) {
	in, err := open(ctx, source, opts)
	if err != nil {
		return nil, err
	}
	return read(ctx, in, opts)
}

// ReadBytes is Read on a file's content already in memory (the embedded
// demo export); name is the file's name, for messages.
func ReadBytes(ctx context.Context, name string, b []byte, opts Options) (*Result, error) {
	if int64(len(b)) > opts.maxBytes() {
		return nil, fmt.Errorf("el archivo %s pesa %s: es más de lo que admite una exportación (%s)", name, megabytes(int64(len(b))), megabytes(opts.maxBytes()))
	}
	return read(ctx, &input{name: name, data: b, head: b[:min(len(b), 4096)]}, opts)
}

func read(ctx context.Context, in *input, opts Options) (*Result, error) {
	k, err := sniff(in.name, in.head)
	if err != nil {
		return nil, err
	}
	res := &Result{Name: in.name}
	if k == kindCSV {
		rows, enc, err := openCSV(in)
		if err != nil {
			return nil, err
		}
		res.Encoding = enc
		if err := readRows(ctx, rows, res, opts); err != nil {
			return nil, csvError(in.name, err)
		}
		return res, nil
	}
	sheets, closeBook, err := openSheets(in)
	if err != nil {
		return nil, err
	}
	defer closeBook()
	names, err := sheets.names()
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, sheet := range names {
		rows, err := sheets.rows(sheet)
		if err != nil {
			return nil, err
		}
		res.Sheet = sheet
		err = readRows(ctx, rows, res, opts)
		rows.close()
		var missing *MissingColumnError
		if errors.As(err, &missing) {
			// Maybe another sheet holds the export; report the first one's problem.
			if firstErr == nil || len(missing.Found) > 0 && !hasFound(firstErr) {
				firstErr = err
			}
			continue
		}
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			return nil, xlsxError(in.name, err)
		}
		return res, nil
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("el Excel %s no tiene hojas", in.name)
	}
	return nil, firstErr
}

// workbookSheets reads an .xlsx file's sheets: with xlsxBook when it can,
// else with excelize (opened only then, and for a sheet too big for
// memory, or not in UTF-8), whose errors name the file's trouble. Both get
// the package only after checkPackage has looked at its directory, and
// excelize only after every XML part passed checkDepth.
type workbookSheets struct {
	in      *input
	zr      *zip.Reader
	book    *xlsxBook
	bookErr error // why xlsxBook could not take the package
	file    *excelize.File
}

func openSheets(in *input) (*workbookSheets, func(), error) {
	zr, closer, err := openZip(in)
	if err != nil {
		return nil, nil, xlsxError(in.name, err)
	}
	if err := checkPackage(in.name, zr); err != nil {
		closer.Close()
		return nil, nil, err
	}
	ws := &workbookSheets{in: in, zr: zr}
	bk, err := newBook(zr, nil)
	switch {
	case errors.Is(err, errXMLDeep):
		closer.Close()
		return nil, nil, xlsxError(in.name, err)
	case err == nil:
		ws.book = bk
	default:
		ws.bookErr = err
	}
	return ws, func() {
		closer.Close()
		if ws.file != nil {
			ws.file.Close()
		}
	}, nil
}

func (ws *workbookSheets) openExcelize() (*excelize.File, error) {
	if ws.file == nil {
		if err := checkPartsDepth(ws.zr); err != nil {
			return nil, xlsxError(ws.in.name, err)
		}
		f, err := openXLSX(ws.in)
		if err != nil {
			if ws.bookErr != nil && !errors.Is(ws.bookErr, errXMLSyntax) {
				// Neither reader takes it: what xlsxBook found is clearer
				// ("el libro no tiene hojas") than excelize's EOF.
				return nil, fmt.Errorf("no se pudo leer el Excel %s: %v", ws.in.name, ws.bookErr)
			}
			return nil, err
		}
		ws.file = f
	}
	return ws.file, nil
}

func (ws *workbookSheets) names() ([]string, error) {
	if ws.book != nil {
		return ws.book.names(), nil
	}
	f, err := ws.openExcelize()
	if err != nil {
		return nil, err
	}
	var visible, hidden []string
	for _, name := range f.GetSheetList() {
		if v, err := f.GetSheetVisible(name); err == nil && !v {
			hidden = append(hidden, name)
		} else {
			visible = append(visible, name)
		}
	}
	return append(visible, hidden...), nil
}

func (ws *workbookSheets) rows(sheet string) (rowReader, error) {
	total := 0
	if ws.book != nil {
		rows, err := ws.book.rows(sheet)
		if !errors.Is(err, errUseExcelize) {
			if err != nil {
				return nil, xlsxError(ws.in.name, err)
			}
			return rows, nil
		}
		total = ws.book.rowCount(sheet)
	}
	f, err := ws.openExcelize()
	if err != nil {
		return nil, err
	}
	return sheetRows(f, ws.in, sheet, total)
}

func hasFound(err error) bool {
	var m *MissingColumnError
	return errors.As(err, &m) && len(m.Found) > 0
}

func csvError(name string, err error) error {
	var m *MissingColumnError
	if errors.As(err, &m) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("no se pudo leer el CSV %s: %v", name, err)
}

// readRows finds the header row, then builds the snapshot from the rows below.
func readRows(ctx context.Context, rows rowReader, res *Result, opts Options) error {
	var (
		cols  *columns
		b     *builder
		best  []string
		score int
		title string
	)
	for n := 0; ; n++ {
		num, cells, err := rows.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if n%512 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			opts.progress(rows.fraction())
		}
		if num > headerSearchRows {
			break
		}
		s, hasCode := headerScore(cells)
		if s >= 3 && hasCode || s >= 2 && hasCode && len(nonEmpty(cells)) == s {
			c, err := parseHeader(cells)
			if err != nil {
				return err
			}
			cols, b = c, newBuilder(c)
			res.Title = title
			if err := pipeRows(ctx, rows, b, opts); err != nil {
				return err
			}
			break
		}
		if s > score {
			best, score = cells, s
		}
		if title == "" && s == 0 {
			title = strings.Join(nonEmpty(cells), " ")
		}
	}
	if b == nil {
		if best == nil {
			return &MissingColumnError{Missing: []string{"Código", "Correo"}}
		}
		// The row most like a header: say what it lacks.
		if _, err := parseHeader(best); err != nil {
			return err
		}
		return &MissingColumnError{Missing: []string{"Código"}, Found: nonEmpty(best)}
	}
	if len(b.snap.Units) == 0 {
		return fmt.Errorf("la exportación no tiene ninguna fila de datos bajo los encabezados")
	}
	res.Layout, res.Rows, res.Snapshot = cols.layout, b.rows, b.finish()
	opts.progress(1)
	return nil
}

// maxDataRows bounds the data rows of an export: the largest communities
// have a few thousand inmuebles, and a file of millions of rows would
// hold the whole snapshot in memory before saying anything.
var maxDataRows = 100_000

// rowBatch is rows on their way from the reader to the builder.
type rowBatch struct {
	nums  []int
	cells [][]string
	err   error
}

// pipeRows reads the data rows on one goroutine and builds the snapshot on
// this one: on two cores, parsing the sheet's XML (most of the work) and
// checking the rows overlap. It returns once the reader has stopped.
func pipeRows(ctx context.Context, rows rowReader, b *builder, opts Options) error {
	const batchSize = 256
	width := b.cols.width()
	if l, ok := rows.(interface{ limitColumns(int) }); ok {
		l.limitColumns(width)
	}
	ch := make(chan rowBatch, 8)
	stop := make(chan struct{})
	go func() {
		defer close(ch)
		send := func(batch rowBatch) bool {
			select {
			case ch <- batch:
				return true
			case <-stop:
				return false
			}
		}
		batch := rowBatch{}
		for n := 1; ; n++ {
			num, cells, err := rows.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				batch.err = err
				break
			}
			if n%512 == 0 {
				if err := ctx.Err(); err != nil {
					batch.err = err
					break
				}
				opts.progress(rows.fraction())
			}
			if n > maxDataRows {
				batch.err = fmt.Errorf("la exportación tiene más de %d filas de datos: no parece la de una comunidad", maxDataRows)
				break
			}
			if len(cells) > width {
				// Cells right of the header belong to no column; a row
				// with a value far right (XFD) must not keep 16,384 cells.
				cells = append([]string(nil), cells[:width]...)
			}
			batch.nums = append(batch.nums, num)
			batch.cells = append(batch.cells, cells)
			if len(batch.nums) == batchSize {
				if !send(batch) {
					return
				}
				batch = rowBatch{nums: make([]int, 0, batchSize), cells: make([][]string, 0, batchSize)}
			}
		}
		send(batch)
	}()
	defer func() {
		close(stop)
		for range ch { // wait for the reader: the caller closes the rows next
		}
	}()
	for batch := range ch {
		for i, num := range batch.nums {
			b.add(num, batch.cells[i])
		}
		if batch.err != nil {
			return batch.err
		}
	}
	return ctx.Err()
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// Store is where an import reads a community's state and writes its plan,
// in one transaction (data.Store is the embedded one).
type Store interface {
	SyncState(ctx context.Context, target data.SyncTarget) (*data.SyncState, error)
	Sync(ctx context.Context, target data.SyncTarget, source string, plan func(*data.SyncState) (*data.SyncPlan, error), progress func(float64)) (data.SyncReport, error)
}

// Import reads source and applies it to the target community in one
// transaction (see Apply). Reading is the first half of the progress, saving
// the second. When target names no community, the export's suggested name is
// used.
func Import(ctx context.Context, st Store, target data.SyncTarget, source string, opts Options) (data.SyncReport, *Result, error) {
	readOpts := opts
	readOpts.Progress = func(f float64) { opts.progress(f / 2) }
	res, err := Read(ctx, source, readOpts)
	if err != nil {
		return data.SyncReport{}, nil, err
	}
	saveOpts := opts
	saveOpts.Progress = func(f float64) { opts.progress(0.5 + f/2) }
	rep, err := Apply(ctx, st, target, source, res, saveOpts)
	return rep, res, err
}

// Apply saves what Read returned for source into the target community (by
// default, a community named after the export), recording source in the
// history; a community without a remembered source remembers this one. The
// plan (see Plan) is computed on the community's state inside the sync's
// transaction and written there.
func Apply(ctx context.Context, st Store, target data.SyncTarget, source string, res *Result, opts Options) (data.SyncReport, error) {
	return st.Sync(ctx, syncTarget(target, source, res), Describe(source), func(state *data.SyncState) (*data.SyncPlan, error) {
		return Plan(res.Snapshot, state)
	}, opts.Progress)
}

// Preview is the plan Apply would follow now for the same arguments, computed
// without writing anything: what an import will add, change, archive and
// restore, to be shown before it runs. ApplyPlan applies it as it is.
func Preview(ctx context.Context, st Store, target data.SyncTarget, source string, res *Result) (*data.SyncPlan, error) {
	state, err := st.SyncState(ctx, syncTarget(target, source, res))
	if err != nil {
		return nil, err
	}
	plan, err := Plan(res.Snapshot, state)
	if err != nil {
		return nil, err
	}
	plan.Base = state.Fingerprint()
	return plan, nil
}

// ApplyPlan writes a plan Preview returned for the same target and source,
// exactly as it was shown. When the community changed since the preview (an
// edit in the window, another import), nothing is written and the error is
// data.ErrStalePlan: the preview must be made again.
func ApplyPlan(ctx context.Context, st Store, target data.SyncTarget, source string, res *Result, plan *data.SyncPlan, opts Options) (data.SyncReport, error) {
	return st.Sync(ctx, syncTarget(target, source, res), Describe(source), func(state *data.SyncState) (*data.SyncPlan, error) {
		if plan == nil || plan.Base == 0 || state.Fingerprint() != plan.Base {
			return nil, data.ErrStalePlan
		}
		return plan, nil
	}, opts.Progress)
}

// syncTarget completes target for source: the source it remembers (a file's
// absolute path, or the URL as given) and, when it names no community, the
// export's suggested name.
func syncTarget(target data.SyncTarget, source string, res *Result) data.SyncTarget {
	if target.Source == "" {
		target.Source = strings.TrimSpace(source)
		if !IsURL(source) {
			target.Source = Describe(source)
		}
	}
	if target.CommunityID == 0 && strings.TrimSpace(target.CommunityName) == "" {
		target.CommunityName = res.SuggestedName()
	}
	return target
}

// Describe is how a source is recorded in the history and the status line:
// a file's absolute path, or a URL without its query string or password.
func Describe(source string) string {
	source = strings.TrimSpace(source)
	if IsURL(source) {
		return data.RedactSource(source)
	}
	if abs, err := filepath.Abs(source); err == nil {
		return abs
	}
	return source
}
