package kastor

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"comunidad/app/kastor/internal/fixture"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

// Benchmark sizes: the 10,000 inmuebles and 30,000 people.
const (
	benchUnits   = 10_000
	benchPerUnit = 3
)

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// TestMain removes the generated export after the run.
func TestMain(m *testing.M) {
	code := enginetest.Run(m)
	if benchPath != "" {
		os.RemoveAll(filepath.Dir(benchPath))
	}
	os.Exit(code)
}

// benchExport writes the generated export once per test binary run.
func benchExport(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kastor-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "kastor-10000.xlsx")
		benchErr = fixture.WriteXLSX(benchPath, "Comunidad", fixture.Large(benchUnits, benchPerUnit))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// readRowsOnly is the baseline: open the workbook and read every row's
// cells with excelize, doing nothing with them.
func readRowsOnly(path string) (int, error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			return 0, err
		}
		n += len(cells)
	}
	return n, rows.Error()
}

// peakHeap samples the Go heap while fn runs and returns the highest
// HeapInuse+StackInuse seen, in MB (runtime.MemStats, every 5 ms).
func peakHeap(fn func()) float64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapInuse + m.StackInuse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkImport10k measures, in the same run, on the same generated file
// (10,000 inmuebles, 30,000 people, one row per person): reading its rows
// with excelize alone, a first import into an empty database, and a
// re-import of the same file (which must write no unit, person or
// membership). Reported per iteration: the three times in seconds, the
// ratios to the excelize baseline, and the peak Go heap in MB.
func BenchmarkImport10k(b *testing.B) {
	path := benchExport(b)
	ctx := context.Background()
	var readS, firstS, againS, peak float64
	var readCPU, firstCPU, againCPU float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := datatest.Open(b) // the pass's engine: a file, or the office's PostgreSQL
		runtime.GC()
		b.StartTimer()

		t0, c0 := time.Now(), cpuSeconds()
		if _, err := readRowsOnly(path); err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), cpuSeconds()
		var rep data.SyncReport
		var err error
		p := peakHeap(func() {
			rep, _, err = Import(ctx, st, data.SyncTarget{CommunityName: "Bench"}, path, Options{})
		})
		if err != nil {
			b.Fatal(err)
		}
		t2, c2 := time.Now(), cpuSeconds()
		if rep.Units.New != benchUnits || rep.Users.New != benchUnits*benchPerUnit {
			b.Fatalf("first import: %+v", rep.Units)
		}
		rep, _, err = Import(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		t3, c3 := time.Now(), cpuSeconds()
		if rep.Changed() {
			b.Fatalf("re-import changed data: %+v %+v", rep.Units, rep.Users)
		}
		b.StopTimer()
		st.Close()
		readS += t1.Sub(t0).Seconds()
		firstS += t2.Sub(t1).Seconds()
		againS += t3.Sub(t2).Seconds()
		readCPU += c1 - c0
		firstCPU += c2 - c1
		againCPU += c3 - c2
		peak = max(peak, p)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(readS/n, "excelize-read-s")
	b.ReportMetric(firstS/n, "first-import-s")
	b.ReportMetric(againS/n, "reimport-s")
	b.ReportMetric(firstS/readS, "first/read")
	b.ReportMetric(againS/readS, "reimport/read")
	b.ReportMetric(peak, "peak-heap-MB")
	if readCPU > 0 {
		b.ReportMetric(readCPU/n, "excelize-read-cpu-s")
		b.ReportMetric(firstCPU/n, "first-import-cpu-s")
		b.ReportMetric(againCPU/n, "reimport-cpu-s")
		b.ReportMetric(firstCPU/readCPU, "first/read-cpu")
		b.ReportMetric(againCPU/readCPU, "reimport/read-cpu")
	}
}

// BenchmarkReadRowsExcelize is the baseline alone, for profiling.
func BenchmarkReadRowsExcelize(b *testing.B) {
	path := benchExport(b)
	for i := 0; i < b.N; i++ {
		if _, err := readRowsOnly(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadRowsBook is the same reading with xlsxBook, the reader the
// import uses.
func BenchmarkReadRowsBook(b *testing.B) {
	path := benchExport(b)
	for i := 0; i < b.N; i++ {
		bk, err := openBook(&input{name: "x.xlsx", path: path})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := bk.rows(bk.names()[0])
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, cells, err := rows.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += len(cells)
		}
		bk.close()
		if n < benchUnits*benchPerUnit*5 {
			b.Fatalf("%d cells", n)
		}
	}
}

// BenchmarkApply10k is the sync alone, on a snapshot read once: a first
// import of the 10,000 inmuebles into an empty database, then the same
// snapshot again (which writes no unit, person or membership). Reported per
// iteration: each one's wall and CPU seconds.
func BenchmarkApply10k(b *testing.B) {
	path := benchExport(b)
	ctx := context.Background()
	res, err := Read(ctx, path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var firstS, againS, firstCPU, againCPU float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := datatest.Open(b) // the pass's engine: a file, or the office's PostgreSQL
		runtime.GC()
		b.StartTimer()
		t0, c0 := time.Now(), cpuSeconds()
		rep, err := Apply(ctx, st, data.SyncTarget{CommunityName: "Bench"}, path, res, Options{})
		if err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), cpuSeconds()
		if rep.Units.New != benchUnits {
			b.Fatalf("first import: %+v", rep.Units)
		}
		rep, err = Apply(ctx, st, data.SyncTarget{CommunityID: rep.CommunityID}, path, res, Options{})
		if err != nil {
			b.Fatal(err)
		}
		t2, c2 := time.Now(), cpuSeconds()
		if rep.Changed() {
			b.Fatalf("re-import changed data: %+v %+v", rep.Units, rep.Users)
		}
		b.StopTimer()
		st.Close()
		firstS += t1.Sub(t0).Seconds()
		againS += t2.Sub(t1).Seconds()
		firstCPU += c1 - c0
		againCPU += c2 - c1
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(firstS/n, "first-s")
	b.ReportMetric(againS/n, "reimport-s")
	if firstCPU > 0 {
		b.ReportMetric(firstCPU/n, "first-cpu-s")
		b.ReportMetric(againCPU/n, "reimport-cpu-s")
	}
}

// BenchmarkOfficeUndo10k measures, on the office database, what undoing
// an import costs: a re-import of the 10,000-inmueble community that
// changes it (500 inmuebles more), which keeps the community as it was in
// its transaction, and the undo that puts it back (data/undo_office.go).
// On a file the undo is a restore of the backup (BenchmarkRestore in data).
func BenchmarkOfficeUndo10k(b *testing.B) {
	enginetest.PostgresOnly(b)
	path := benchExport(b)
	more := filepath.Join(b.TempDir(), "kastor-10500.xlsx")
	if err := fixture.WriteXLSX(more, "Comunidad", fixture.Large(benchUnits+500, benchPerUnit)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var importS, undoS float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := datatest.Open(b)
		first, _, err := Import(ctx, st, data.SyncTarget{CommunityName: "Bench"}, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		t0 := time.Now()
		rep, _, err := Import(ctx, st, data.SyncTarget{CommunityID: first.CommunityID}, more, Options{})
		if err != nil || rep.Units.New != 500 {
			b.Fatalf("re-import: %+v %v", rep.Units, err)
		}
		t1 := time.Now()
		if _, err := st.UndoOfficeImport(ctx, first.CommunityID); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		b.StopTimer()
		if units, err := st.Units(ctx, first.CommunityID); err != nil || len(units) != benchUnits {
			b.Fatalf("after the undo: %d units, %v", len(units), err)
		}
		st.Close()
		importS += t1.Sub(t0).Seconds()
		undoS += t2.Sub(t1).Seconds()
		b.StartTimer()
	}
	b.ReportMetric(importS/float64(b.N), "reimport-changed-s")
	b.ReportMetric(undoS/float64(b.N), "undo-s")
}
