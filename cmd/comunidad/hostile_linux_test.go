package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"comunidad/internal/enginetest"
	"comunidad/internal/hostile"
)

// buildBinary builds the real comunidad binary (with the tests' tags) into
// dir, as a user gets it.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "comunidad")
	cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// dumpDB reads every table of the database through a read-only
// connection, for "nothing changed" checks.
func dumpDB(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, table, vals)
		}
		rows.Close()
	}
	return b.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// listTree lists the files under dir (relative paths), for "no temporary
// file left behind".
func listTree(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// hostileRun is one run of the binary on one file.
type hostileRun struct {
	code    int
	signal  string // the signal it died of, "" if it exited
	stderr  string
	elapsed time.Duration
	locked  time.Duration // when it had taken the database's lock
	rssMB   float64
}

func runHostile(t *testing.T, bin, caseDir, src string, community string, sig os.Signal, after time.Duration) hostileRun {
	t.Helper()
	db := filepath.Join(caseDir, "data", "comunidad.db")
	cmd := exec.Command(bin, "--db", db, "sync", src, "--community", community)
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(caseDir, "tmp"), "HOME="+filepath.Join(caseDir, "home"),
		"LANG=es_CL.UTF-8", "LC_ALL=", "COMUNIDAD_SECRET_STORE=file")
	var errb strings.Builder
	cmd.Stderr = &errb
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// «sync» takes the database's lock, and writes its pid in the lock
	// file, before it reads the export: from then on its signal handler is
	// in place, and a signal lands in the work, not in the start.
	started := make(chan time.Duration, 1)
	stop := make(chan struct{})
	go func() {
		mark := []byte(fmt.Sprintf("%d ", cmd.Process.Pid))
		for {
			if b, err := os.ReadFile(db + ".lock"); err == nil && bytes.HasPrefix(b, mark) {
				started <- time.Since(start)
				if sig != nil {
					time.Sleep(after)
					cmd.Process.Signal(sig)
				}
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	cmd.Wait()
	close(stop)
	r := hostileRun{elapsed: time.Since(start), stderr: errb.String(), code: cmd.ProcessState.ExitCode()}
	select {
	case r.locked = <-started:
	default:
		r.locked = r.elapsed // never seen: no work to interrupt
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.signal = ws.Signal().String()
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r
}

// TestHostileFilesEndToEnd runs the real binary's «comunidad sync» on every
// file of the hostile corpus (internal/hostile), against a
// database that holds a community, and holds each run to the issue's
// terms: exit 1 with one Spanish line (or 0 for a valid file), no panic or
// trace, under 30 s and 500 MB of memory, the database unchanged by a
// refusal, no temporary file left (TMPDIR, the database's folder, the
// file's folder). Every file whose read lasts long enough to be
// interrupted is run again with a SIGTERM and a SIGINT halfway through:
// the same terms hold, and «cancelado» is a refusal like another.
// HOSTILE_REPORT=FILE writes the table of families (count, outcome, worst
// time and memory) to FILE.
func TestHostileFilesEndToEnd(t *testing.T) {
	enginetest.SQLiteOnly(t, "hostile database files")
	if testing.Short() {
		t.Skip("builds the binary and runs it on 70 files")
	}
	files := hostile.Corpus()
	work := t.TempDir()
	bin := buildBinary(t, work)

	// The database every run starts from: one community, three units.
	baseDB := filepath.Join(work, "base", "comunidad.db")
	src := writeFile(t, "base.csv", "Edificio Base\nCódigo;Nombres;Apellidos;Correo\nB-1;Ana;Soto;ana@example.cl\nB-2;Eva;Mora;eva@example.cl\nB-3;Luz;Paz;luz@example.cl\n")
	if code, _, errOut := runCLI(t, "", "--db", baseDB, "sync", src); code != 0 {
		t.Fatalf("base: %s", errOut)
	}
	baseDump := dumpDB(t, baseDB)

	type familyStats struct {
		count, refused, imported, signalled int
		worst                               time.Duration
		worstMB                             float64
	}
	stats := map[string]*familyStats{}
	for i, f := range files {
		fs := stats[f.Family]
		if fs == nil {
			fs = &familyStats{}
			stats[f.Family] = fs
		}
		fs.count++
		t.Run(f.Name, func(t *testing.T) {
			check := func(what string, sig os.Signal, after time.Duration) hostileRun {
				caseDir := filepath.Join(work, fmt.Sprintf("c%02d-%s", i, what))
				for _, d := range []string{"data", "tmp", "home", "src"} {
					os.MkdirAll(filepath.Join(caseDir, d), 0o700)
				}
				db := filepath.Join(caseDir, "data", "comunidad.db")
				copyFile(t, baseDB, db)
				path := filepath.Join(caseDir, "src", f.Name)
				if err := os.WriteFile(path, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.RemoveAll(caseDir)
				r := runHostile(t, bin, caseDir, path, fmt.Sprintf("Hostil %d", i), sig, after)
				fs.worst = max(fs.worst, r.elapsed)
				fs.worstMB = max(fs.worstMB, r.rssMB)
				if r.signal != "" {
					t.Fatalf("%s: died of %s: %q", what, r.signal, r.stderr)
				}
				if r.elapsed > 30*time.Second {
					t.Errorf("%s: took %s", what, r.elapsed)
				}
				if r.rssMB > 500 {
					t.Errorf("%s: used %.0f MB", what, r.rssMB)
				}
				lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
				switch r.code {
				case 0:
					if f.Refused != "" && sig == nil {
						t.Fatalf("%s: imported, want a refusal with %q", what, f.Refused)
					}
					if r.stderr != "" {
						t.Errorf("%s: exit 0 with stderr %q", what, r.stderr)
					}
				case 1:
					if len(lines) != 1 || !strings.HasPrefix(lines[0], "comunidad: ") {
						t.Fatalf("%s: stderr is not one line: %q", what, r.stderr)
					}
					cancelled := sig != nil && strings.HasSuffix(lines[0], "cancelado")
					if !cancelled && (f.Refused == "" || !strings.Contains(lines[0], f.Refused)) {
						t.Fatalf("%s: %q, want %q", what, lines[0], f.Refused)
					}
					for _, w := range []string{"zip:", "EOF", "panic", "goroutine", "runtime", "xml:", "flate", "exceeded", "fatal"} {
						if strings.Contains(lines[0], w) {
							t.Errorf("%s: message %q carries %q", what, lines[0], w)
						}
					}
					if dumpDB(t, db) != baseDump {
						t.Fatalf("%s: the refused file changed the database", what)
					}
				default:
					t.Fatalf("%s: exit %d: %q", what, r.code, r.stderr)
				}
				if left := listTree(filepath.Join(caseDir, "tmp")); len(left) > 0 {
					t.Errorf("%s: temporary files left: %v", what, left)
				}
				if left := listTree(filepath.Join(caseDir, "src")); len(left) != 1 {
					t.Errorf("%s: the file's folder holds %v", what, left)
				}
				for _, name := range listTree(filepath.Join(caseDir, "data")) {
					ok := name == "comunidad.db" || name == "comunidad.db-wal" || name == "comunidad.db-shm" || name == "comunidad.db.lock" ||
						// The backup made before applying a read file: whole (a
						// signal during the apply leaves it, the database unchanged).
						strings.HasPrefix(name, "backups"+string(filepath.Separator)) && strings.HasSuffix(name, ".db")
					if !ok {
						t.Errorf("%s: left %s in the database's folder", what, name)
					}
				}
				return r
			}
			first := check("normal", nil, 0)
			if first.code == 1 {
				fs.refused++
			} else {
				fs.imported++
			}
			// Long enough to be interrupted mid-read: signal it halfway
			// through its work (from the moment it holds the lock).
			if work := first.elapsed - first.locked; work > 200*time.Millisecond {
				fs.signalled++
				check("sigterm", syscall.SIGTERM, work/2)
				check("sigint", syscall.SIGINT, work/2)
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| familia | archivos | rechazados (exit 1) | importados (exit 0) | con SIGTERM/SIGINT | peor tiempo | peor memoria (RSS) |\n|---|---|---|---|---|---|---|\n")
	total := 0
	for _, fam := range hostile.Families(files) {
		s := stats[fam]
		total += s.count
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.2f s | %.0f MB |\n", fam, s.count, s.refused, s.imported, s.signalled, s.worst.Seconds(), s.worstMB)
	}
	fmt.Fprintf(&b, "| total | %d | | | | | |\n", total)
	t.Log("\n" + b.String())
	if p := os.Getenv("HOSTILE_REPORT"); p != "" {
		os.WriteFile(p, []byte(b.String()), 0o644)
	}
}
