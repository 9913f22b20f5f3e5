package userfile

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"comunidad/data"
)

// Run with:
//
//	go test -tags migrated_fynedo -run '^$' -bench 'Write30000' -benchtime 5x ./app/userfile/
//
// Both variants write the same 30,000 user rows to a file in the same run:
// "stream" is this package's Write (StreamWriter, three sheets);
// "setcellvalue" writes the same cells one by one with File.SetCellValue and
// the same styles (the "Usuarios" sheet only). Besides time and allocations,
// each reports the CPU time per write (user + system, all goroutines
// including the garbage collector: the wall clock of a shared machine says
// little) and two memory peaks:
//   - peak-heap-MB: the largest live Go heap (runtime/metrics
//     /memory/classes/heap/objects:bytes) sampled every millisecond while the
//     file is written;
//   - peak-rss-MB (Linux): the process's resident set high-water mark
//     (VmHWM), reset through /proc/self/clear_refs after freeing memory to
//     the OS before each write, so it is the peak of the write itself plus
//     the 30,000 rows already in memory.

// benchReport is a community of 10,000 units with three users each.
func benchReport(n int) data.AccountsReport {
	rep := data.AccountsReport{
		Community:   data.Community{ID: 1, Name: "Condominio Parque Los Álamos"},
		GeneratedAt: time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC),
	}
	created := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	first := []string{"José Ignacio", "María Fernanda", "Ñuño", "Ana", "Pedro Pablo", "Sofía"}
	last := []string{"Núñez Peña", "González Muñoz", "Rojas Díaz", "Soto Araya", "Fernández Castro"}
	for i := range n {
		u := i / 3
		code := strconv.Itoa(1000 + u)
		role := data.RoleAdditional
		if i%3 == 0 {
			role = data.RoleMain
		}
		r := data.AccountRow{UserRow: data.UserRow{
			CommunityID: 1, Community: rep.Community.Name, UnitID: int64(u + 1), UnitCode: code,
			UnitName: "Depto " + code, Assigned: "Depto " + code + ", Bod. " + strconv.Itoa(u%300) + ", Est. " + strconv.Itoa(u%500),
			Sector: fmt.Sprintf("Torre %c", 'A'+u%4), PersonID: int64(i + 1), Role: role, Origin: data.OriginKastor,
			FirstNames: first[i%len(first)], LastNames: last[i%len(last)], RUT: fmt.Sprintf("%d-%d", 10000000+i, i%10),
			Email: fmt.Sprintf("persona%d@example.cl", i), Phone: fmt.Sprintf("09%08d", i), Type: data.Propietario,
			AccountStatus: "active", AccountCreatedAt: created,
		}}
		r.Login = r.Email
		r.New = true
		rep.Rows = append(rep.Rows, r)
		rep.Created = append(rep.Created, r.Email)
	}
	rep.Units = n / 3
	return rep
}

func BenchmarkWrite30000(b *testing.B) {
	rep := benchReport(30000)
	ctx := context.Background()
	dir := b.TempDir()
	b.Run("stream", func(b *testing.B) {
		path := filepath.Join(dir, "stream.xlsx")
		measure(b, func() {
			if err := WriteFile(ctx, path, rep, Options{Location: chile}); err != nil {
				b.Fatal(err)
			}
		})
		checkBenchFile(b, path, len(rep.Rows))
	})
	b.Run("setcellvalue", func(b *testing.B) {
		path := filepath.Join(dir, "cells.xlsx")
		measure(b, func() {
			if err := writeCellByCell(path, rep, chile); err != nil {
				b.Fatal(err)
			}
		})
		checkBenchFile(b, path, len(rep.Rows))
	})
}

// BenchmarkGenerate30000 is the whole "Generar usuarios" on a database of
// 10,000 units and 30,000 owners: plan, create the 30,000 accounts, write
// the file, commit.
func BenchmarkGenerate30000(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := data.Open(ctx, filepath.Join(dir, fmt.Sprintf("g%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		seedBench(b, st, 10000)
		b.StartTimer()
		rep, err := GenerateFile(ctx, st, 1, nil, filepath.Join(dir, "g.xlsx"), Options{})
		if err != nil || len(rep.Created) != 30000 {
			b.Fatalf("%d created, %v", len(rep.Created), err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

func seedBench(b *testing.B, st *data.Store, units int) {
	var q strings.Builder
	q.WriteString(`INSERT INTO communities (id, name) VALUES (1, 'Condominio Parque Los Álamos');`)
	tx, err := st.Writer().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(q.String()); err != nil {
		b.Fatal(err)
	}
	for u := 1; u <= units; u++ {
		if _, err := tx.Exec(`INSERT INTO units (id, community_id, code, name, assigned, sector) VALUES (?, 1, ?, ?, ?, ?)`,
			u, strconv.Itoa(1000+u), "Depto "+strconv.Itoa(1000+u), "Bod. "+strconv.Itoa(u), fmt.Sprintf("Torre %c", 'A'+u%4)); err != nil {
			b.Fatal(err)
		}
		for k := range 3 {
			p := (u-1)*3 + k + 1
			if _, err := tx.Exec(`INSERT INTO people (id, community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin)
				VALUES (?, 1, ?, 'Nombre', 'Apellido Apellido', ?, ?, ?, 'propietario', 'kastor')`,
				p, "k"+strconv.Itoa(p), fmt.Sprintf("%d-%d", 10000000+p, p%10), fmt.Sprintf("persona%d@example.cl", p), fmt.Sprintf("09%08d", p)); err != nil {
				b.Fatal(err)
			}
			role := "additional"
			if k == 0 {
				role = "main"
			}
			if _, err := tx.Exec(`INSERT INTO memberships (unit_id, person_id, role, origin, position) VALUES (?, ?, ?, 'kastor', ?)`, u, p, role, k); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// writeCellByCell writes the same "Usuarios" cells as Write, one
// SetCellValue at a time, with the same styles.
func writeCellByCell(path string, rep data.AccountsReport, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(fastZip) // the same compression as Write
	sheet := SheetUsers
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for c, h := range UserColumns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
	}
	community := clean(rep.Community.Name)
	for i, r := range rep.Rows {
		for c, s := range userLine(community, r) {
			cell, _ := excelize.CoordinatesToCellName(c+1, i+2)
			if c == len(UserColumns)-1 {
				if !r.AccountCreatedAt.IsZero() {
					if err := f.SetCellValue(sheet, cell, r.AccountCreatedAt.In(loc)); err != nil {
						return err
					}
				}
				continue
			}
			if s != "" {
				if err := f.SetCellValue(sheet, cell, s); err != nil {
					return err
				}
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(UserColumns), len(rep.Rows)+1)
	lastText, _ := excelize.CoordinatesToCellName(len(UserColumns)-1, len(rep.Rows)+1)
	if err := f.SetCellStyle(sheet, "A1", "O1", st.header); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A2", lastText, st.text); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "O2", last, st.date); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	if _, err := f.WriteTo(bw); err != nil {
		out.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func checkBenchFile(b *testing.B, path string, n int) {
	b.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetUsers)
	if err != nil || len(rows) != n+1 || rows[n][9] != fmt.Sprintf("%d-%d", 10000000+n-1, (n-1)%10) {
		b.Fatalf("%s: %d rows, %v", path, len(rows), err)
	}
	if info, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "file-MB")
	}
}

// measure runs fn b.N times and reports the memory peaks described above.
func measure(b *testing.B, fn func()) {
	b.ReportAllocs()
	var peakHeap, peakRSS uint64
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		debug.FreeOSMemory()
		resetRSSPeak()
		stop := sampleHeap()
		cpu0 := cpuTime()
		b.StartTimer()
		fn()
		b.StopTimer()
		cpu += cpuTime() - cpu0
		peakHeap = max(peakHeap, stop())
		peakRSS = max(peakRSS, rssPeak())
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MB")
	}
}

// sampleHeap samples the live heap every millisecond until the returned
// function is called, which returns the largest value seen.
func sampleHeap() func() uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: name}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	stopped := make(chan struct{})
	read := func() {
		metrics.Read(sample)
		mu.Lock()
		peak = max(peak, sample[0].Value.Uint64())
		mu.Unlock()
	}
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		read()
		return peak
	}
}

// resetRSSPeak sets the kernel's VmHWM back to the current RSS (Linux ≥ 4.0).
func resetRSSPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// rssPeak is VmHWM in bytes, or 0 where /proc is not there.
func rssPeak() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
