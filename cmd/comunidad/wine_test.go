//go:build wine

// The Windows executable end to end, as an office user meets it, under Wine:
// `make test-windows` (scripts/test-windows.sh) cross-builds the packaged exe,
// prepares a fresh WINEPREFIX and runs this file's tests on Linux with
// COMUNIDAD_WINE_EXE pointing at the exe. Every path handed to the exe is a
// Windows one (C:\users\José Pérez\Documents\...), every output is read back
// here on the Linux side through the prefix's drive_c.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"comunidad/app/mailer/mailtest"
)

// wine runs the Windows exe in one prefix.
type wine struct {
	t      *testing.T
	exe    string // unix path of the .exe
	bin    string // wine's loader
	prefix string // WINEPREFIX
	env    []string
}

func newWine(t *testing.T) *wine {
	t.Helper()
	w := &wine{t: t, exe: os.Getenv("COMUNIDAD_WINE_EXE"), bin: os.Getenv("WINE"), prefix: os.Getenv("WINEPREFIX")}
	if w.exe == "" || w.prefix == "" {
		t.Fatal("COMUNIDAD_WINE_EXE and WINEPREFIX must be set (run make test-windows)")
	}
	if w.bin == "" {
		w.bin = "/usr/lib/wine/wine64"
	}
	w.env = append(os.Environ(), "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	// Each test starts from an empty Documents folder, even in a reused prefix.
	base, _ := w.home()
	if err := os.RemoveAll(base); err != nil {
		t.Fatal(err)
	}
	return w
}

// home is the Windows user's Documents folder with a space and accents:
// C:\users\José Pérez\Documents, as unix and Windows paths.
func (w *wine) home(parts ...string) (unix, win string) {
	rel := append([]string{"users", "José Pérez", "Documents", "Comunidad pruebas"}, parts...)
	unix = filepath.Join(append([]string{w.prefix, "drive_c"}, rel...)...)
	if err := os.MkdirAll(filepath.Dir(unix), 0o755); err != nil {
		w.t.Fatal(err)
	}
	return unix, `C:\` + strings.Join(rel, `\`)
}

// run starts the exe with args and standard input, with env added to
// Wine's environment, and waits at most two minutes.
func (w *wine) run(stdin string, env []string, args ...string) (code int, stdout, stderr string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, append([]string{w.exe}, args...)...)
	cmd.Env = append(append([]string{}, w.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// A process Wine starts beside the program may keep the pipes open:
	// once the program is gone, stop waiting for them.
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		w.t.Fatalf("%v: no terminó en 2 minutos\n%s%s", args, out.String(), errb.String())
	}
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		w.t.Fatalf("%v: %v", args, err)
	}
	// Wine's own chatter (fixme:, err:) is not the program's output.
	return code, out.String(), stripWine(errb.String())
}

// settle waits until the prefix's wineserver has ended, after a program was
// killed: it then ends Wine's own processes (explorer, services) and itself
// a few seconds later, and a program started meanwhile was seen killed with
// them («signal: killed» in the next test). The next program starts a new
// server.
func (w *wine) settle() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	server := filepath.Join(filepath.Dir(w.bin), "wineserver")
	if out, err := exec.CommandContext(ctx, server, "-w").CombinedOutput(); err != nil {
		w.t.Logf("wineserver -w: %v %s", err, out)
	}
}

var wineNoise = regexp.MustCompile(`(?m)^([0-9a-f]{4}:)?(fixme|err|warn|trace):.*\n?`)

func stripWine(s string) string { return wineNoise.ReplaceAllString(s, "") }

func (w *wine) ok(stdin string, args ...string) string {
	w.t.Helper()
	code, out, errOut := w.run(stdin, nil, args...)
	if code != 0 {
		w.t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	if strings.Contains(out+errOut, "panic") || strings.Contains(out+errOut, "goroutine ") {
		w.t.Fatalf("%v printed a trace:\n%s%s", args, out, errOut)
	}
	return out
}

// kastorExport writes a Kastor export (one row per person) as Kastor's
// Windows build does: CRLF line endings, a title row, units whose codes are
// awkward file names on Windows.
func kastorExport(t *testing.T, path string, codes []string, extra bool) {
	t.Helper()
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	cw.Write([]string{"Edificio Los Álamos"})
	cw.Write([]string{"Código", "Unidad", "Torre", "Piso", "RUT", "Nombres", "Apellido paterno", "Apellido materno", "Correo", "Teléfono", "Tipo", "Responsable", "Factor"})
	for i, code := range codes {
		cw.Write([]string{code, "Depto " + strconv.Itoa(i+1), "Torre A", "1", "", "María José", "Núñez", "Peña",
			fmt.Sprintf("maria%d@example.cl", i+1), "+56 9 1234 5678", "Propietario", "Sí", "0,01"})
	}
	if extra {
		cw.Write([]string{"Z-900", "Depto 900", "Torre Z", "9", "", "Íñigo", "Ibáñez", "Soto", "inigo@example.cl", "", "Propietario", "Sí", "0,01"})
	}
	cw.Flush()
	if !bytes.Contains(b.Bytes(), []byte("\r\n")) {
		t.Fatal("the export has no CRLF")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Unit codes that are reserved or invalid file names on Windows.
var awkwardCodes = []string{"A-101", "CON", "aux.", "NUL ", "B:1*?", `C"<2>|`, "LPT1", "com9.txt", "D. 5 "}

func TestWindowsEndToEnd(t *testing.T) {
	w := newWine(t)
	ms := mailtest.Start(t, "oficina", "clave de Windows ñ")

	m := w.ok("", "--version")
	if !strings.HasPrefix(m, "Comunidad ") {
		t.Fatalf("--version: %q", m)
	}

	exportUnix, exportWin := w.home("Kastor", "exportación kastor.csv")
	kastorExport(t, exportUnix, awkwardCodes, false)
	dbUnix, dbWin := w.home("Datos de la oficina", "comunidad.db")

	// First sync creates the database; every later start reopens it (this
	// is what failed: "invalid uri authority: C:").
	out := w.ok("", "--db", dbWin, "sync", exportWin)
	if !strings.Contains(out, "Edificio Los Álamos") {
		t.Fatalf("sync: %s", out)
	}
	for i := range 2 {
		if out := w.ok("", "--db", dbWin, "communities"); !strings.Contains(out, "Edificio Los Álamos") {
			t.Fatalf("start %d: communities: %s", i+2, out)
		}
	}
	if out := w.ok("", "--db", dbWin, "units", "--format", "csv"); strings.Count(out, "\n") != len(awkwardCodes)+1 {
		t.Fatalf("units: %s", out)
	}

	// Re-sync: it backs up first (every backup failed: "Access denied").
	kastorExport(t, exportUnix, awkwardCodes, true)
	out = w.ok("", "--db", dbWin, "sync", exportWin)
	if !strings.Contains(out, "1 nuevas") {
		t.Fatalf("re-sync: %s", out)
	}
	out = w.ok("", "--db", dbWin, "backup", "list")
	if !strings.Contains(out, "sync") {
		t.Fatalf("no backup before the re-sync:\n%s", out)
	}
	backups, _ := filepath.Glob(filepath.Join(filepath.Dir(dbUnix), "backups", "*.db"))
	if len(backups) == 0 {
		t.Fatalf("no backup file in %s", filepath.Dir(dbUnix))
	}

	w.ok("", "--db", dbWin, "users", "add", "--unit", "A-101", "--first-names", "Ñandú", "--last-names", "Pérez Ñúñez", "--email", "nandu@example.cl")

	// users generate: the Excel file, read back.
	xlsxUnix, xlsxWin := w.home("Salidas", "usuarios del portal.xlsx")
	out = w.ok("", "--db", dbWin, "users", "generate", "--out", xlsxWin)
	if !strings.Contains(out, "nuevas") {
		t.Fatalf("users generate: %s", out)
	}
	f, err := excelize.OpenFile(xlsxUnix)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Usuarios")
	f.Close()
	if err != nil || len(rows) != len(awkwardCodes)+3 {
		t.Fatalf("Usuarios: %d rows, %v", len(rows), err)
	}
	if all := fmt.Sprint(rows); !strings.Contains(all, "nandu@example.cl") || !strings.Contains(all, "Íñigo") {
		t.Fatalf("Usuarios lacks the added user or the new owner: %v", rows)
	}

	// letters pdf, one per person into a folder: every name valid on Windows.
	lettersUnix, lettersWin := w.home("Cartas", "bienvenida")
	// The community's details the letter prints (a letter with holes is refused).
	for _, kv := range [][2]string{{"community.address", "Av. Irarrázaval 1234, Ñuñoa"}, {"letter.admin_name", "Administradora Ñuñoa Ltda."},
		{"letter.admin_email", "contacto@alamos.cl"}, {"letter.admin_phone", "+56 2 2345 6789"}, {"letter.portal_url", "https://portal.alamos.cl"}} {
		w.ok("", "--db", dbWin, "config", "set", kv[0], kv[1])
	}
	out = w.ok("", "--db", dbWin, "letters", "pdf", "--all", "--out", lettersWin)
	pdfs, _ := filepath.Glob(filepath.Join(lettersUnix, "*.pdf"))
	if len(pdfs) != len(awkwardCodes)+1 {
		t.Fatalf("letters pdf: %d files: %v\n%s", len(pdfs), pdfs, out)
	}
	reserved := regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$`)
	for _, p := range pdfs {
		name := filepath.Base(p)
		stem := strings.TrimSuffix(name, ".pdf")
		if strings.ContainsAny(name, `:*?"<>|\`) || reserved.MatchString(stem) || strings.HasSuffix(stem, ".") || strings.HasSuffix(stem, " ") {
			t.Errorf("letter file name %q is not valid on Windows", name)
		}
		if text := pdftotext(t, p); !strings.Contains(text, "Edificio Los Álamos") {
			t.Errorf("%s: %q", name, text)
		}
	}
	combinedUnix, combinedWin := w.home("Cartas", "todas las cartas.pdf")
	w.ok("", "--db", dbWin, "letters", "pdf", "--all", "--combined", "--out", combinedWin)
	if text := pdftotext(t, combinedUnix); strings.Count(text, "Edificio Los Álamos") < len(awkwardCodes)+1 {
		t.Fatalf("combined PDF: %q", text)
	}
	if pages := pdfPages(t, combinedUnix); pages < len(awkwardCodes)+1 {
		t.Fatalf("combined PDF has %d pages", pages)
	}

	// The SMTP account, the password in Windows' credential store (or the
	// file fallback where Wine has none), and letters send to a local server.
	for _, kv := range [][2]string{{"smtp.host", "127.0.0.1"}, {"smtp.port", strconv.Itoa(ms.Port)}, {"smtp.security", "none"},
		{"smtp.username", "oficina"}, {"smtp.from", "administracion@alamos.cl"}, {"smtp.rate_per_minute", "0"}} {
		w.ok("", "--db", dbWin, "config", "set", kv[0], kv[1])
	}
	w.ok("clave de Windows ñ\r\n", "--db", dbWin, "config", "set", "smtp.password")
	if out := w.ok("", "--db", dbWin, "config", "get", "smtp.password"); !strings.Contains(out, "guardada") || strings.Contains(out, "clave") {
		t.Fatalf("config get smtp.password: %q", out)
	}
	for _, p := range []string{dbUnix, dbUnix + "-wal"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("clave de Windows")) {
			t.Fatalf("the password is in %s", p)
		}
	}
	out = w.ok("", "--db", dbWin, "letters", "send", "--units", "A-101,CON")
	if ms.Count("maria1@example.cl") != 1 || ms.Count("maria2@example.cl") != 1 || ms.Total() != 2 {
		t.Fatalf("letters send: delivered %d (maria1 %d, maria2 %d)\n%s", ms.Total(), ms.Count("maria1@example.cl"), ms.Count("maria2@example.cl"), out)
	}

	// Backups: create, list, restore (the current state is backed up first).
	w.ok("", "--db", dbWin, "backup", "create", "--reason", "antes de restaurar")
	w.ok("", "--db", dbWin, "users", "remove", "--unit", "A-101", "--email", "nandu@example.cl")
	out = w.ok("", "--db", dbWin, "backup", "list")
	if !strings.Contains(out, "antes-de-restaurar") {
		t.Fatalf("backup list:\n%s", out)
	}
	out = w.ok("", "--db", dbWin, "backup", "restore", "1")
	if !strings.Contains(out, "el estado anterior quedó en") {
		t.Fatalf("backup restore: %s", out)
	}
	if out := w.ok("", "--db", dbWin, "users", "--format", "csv"); !strings.Contains(out, "nandu@example.cl") {
		t.Fatalf("the restored database lacks the added user:\n%s", out)
	}
}

// The data folder is under %APPDATA% when no --db is given.
func TestWindowsDataFolder(t *testing.T) {
	w := newWine(t)
	w.ok("", "communities")
	dbs, _ := filepath.Glob(filepath.Join(w.prefix, "drive_c", "users", "*", "AppData", "Roaming", "fyne", "cl.comunidad.app", "comunidad.db"))
	if len(dbs) != 1 {
		t.Fatalf("no database under %%APPDATA%%\\fyne\\cl.comunidad.app: %v", dbs)
	}
	out := w.ok("", "--help")
	if !strings.Contains(out, `AppData\Roaming\fyne\cl.comunidad.app\comunidad.db`) {
		t.Fatalf("--help names another data folder:\n%s", out)
	}
}

// File names Windows refuses or changes, chosen by the user for an output:
// refused with a Spanish message, nothing written elsewhere.
func TestWindowsOutputNames(t *testing.T) {
	w := newWine(t)
	exportUnix, exportWin := w.home("nombres", "kastor.csv")
	kastorExport(t, exportUnix, []string{"A-101"}, false)
	_, dbWin := w.home("nombres", "c.db")
	w.ok("", "--db", dbWin, "sync", exportWin)
	dirUnix, dirWin := w.home("nombres", "salida")
	os.MkdirAll(dirUnix, 0o755)
	for _, name := range []string{"CON.xlsx", "aux .xlsx", "com1.xlsx", `a:b.xlsx`, `qué?.xlsx`, `x<y>.xlsx`, "x|y.xlsx",
		"nul", "usuarios.xlsx."} {
		code, out, errOut := w.run("", nil, "--db", dbWin, "users", "generate", "--out", dirWin+`\`+name)
		// Names without the .xlsx ending are refused for that first.
		want := "Windows"
		if !strings.HasSuffix(name, ".xlsx") {
			want = "debe terminar en .xlsx"
		}
		if code != 1 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("--out %q: exit %d, %q %q", name, code, out, errOut)
		}
	}
	if entries, _ := os.ReadDir(dirUnix); len(entries) != 0 {
		t.Errorf("refused names left files: %v", entries)
	}
	// A path over 260 characters works (Go's long-path support).
	long := []string{}
	for i := 0; len(strings.Join(long, `\`)) < 300; i++ {
		long = append(long, fmt.Sprintf("carpeta larga número %02d", i))
	}
	longUnix, longWin := w.home(append(long, "usuarios.xlsx")...)
	if len(longWin) <= 260 {
		t.Fatalf("path is only %d characters", len(longWin))
	}
	w.ok("", "--db", dbWin, "users", "generate", "--out", longWin)
	if _, err := os.Stat(longUnix); err != nil {
		t.Fatalf("long path: %v", err)
	}
	// And so does a database there.
	_, longDB := w.home(append(long, "comunidad.db")...)
	w.ok("", "--db", longDB, "sync", exportWin)
	w.ok("", "--db", longDB, "backup", "create")
	if out := w.ok("", "--db", longDB, "communities"); !strings.Contains(out, "Edificio Los Álamos") {
		t.Fatalf("long database path: %s", out)
	}
}

// The window's first frame, the instance lock (a second window and a
// writing command refused while the first is open) and the interface
// language taken from Windows' own locale setting, not from LANG.
func TestWindowsWindow(t *testing.T) {
	w := newWine(t)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: run under Xvfb (make test-windows does)")
	}
	_, dbWin := w.home("ventana", "comunidad.db")
	code, out, errOut := w.run("", nil, "--db", dbWin, "--smoke")
	if code != 0 || !strings.Contains(out, "smoke: primera ventana") {
		t.Fatalf("--smoke: exit %d\n%s%s", code, out, errOut)
	}

	// A window stays open; its lock refuses a second one and a write.
	cmd := exec.Command(w.bin, w.exe, "--db", dbWin)
	cmd.Env = w.env
	stdout, _ := cmd.StdoutPipe()
	var windowErr syncBuffer
	cmd.Stderr = &windowErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go bufio.NewScanner(stdout).Scan()
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-ended
		w.settle()
	}()
	dbUnix := filepath.Join(w.prefix, "drive_c", "users", "José Pérez", "Documents", "Comunidad pruebas", "ventana", "comunidad.db")
	// Until the window holds the database, a command that writes is
	// refused only once the lock is taken: probe with one (no window).
	deadline := time.Now().Add(90 * time.Second)
	for {
		code, _, errOut = w.run("", nil, "--db", dbWin, "backup", "create")
		if code == 1 && strings.Contains(errOut, "ventana") {
			break
		}
		select {
		case err := <-ended:
			ended <- err // for the deferred wait
			t.Fatalf("the window ended (%v) before it held the database; it said %q", err, windowErr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("backup create with the window open: exit %d %q (lock %s); the window said %q", code, errOut, dbUnix+".lock", windowErr.String())
		}
		time.Sleep(2 * time.Second)
	}
	code, _, errOut = w.run("", nil, "--db", dbWin, "--smoke")
	if code != 1 || !strings.Contains(errOut, "ya está abierta con esta base de datos") {
		t.Fatalf("a second window was not refused: exit %d %q", code, errOut)
	}
	if code, out, _ := w.run("", nil, "--db", dbWin, "communities"); code != 0 {
		t.Fatalf("a read-only command with the window open: exit %d %q", code, out)
	}
}

// Preferences cut by a window killed while Fyne saved them (%APPDATA%\fyne\
// cl.comunidad.app\preferences.json, where Fyne keeps them on Windows) are
// put back from their last good copy before the window reads them.
func TestWindowsPreferencesSurviveAKill(t *testing.T) {
	w := newWine(t)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: run under Xvfb (make test-windows does)")
	}
	_, dbWin := w.home("preferencias", "comunidad.db")
	w.ok("", "communities") // the user's data folder, made by the program: Wine's profile
	dirs, _ := filepath.Glob(filepath.Join(w.prefix, "drive_c", "users", "*", "AppData", "Roaming", "fyne", "cl.comunidad.app"))
	if len(dirs) != 1 {
		t.Fatalf("no data folder under %%APPDATA%%: %v", dirs)
	}
	prefs := filepath.Join(dirs[0], "preferences.json")
	if err := os.WriteFile(prefs, []byte(`{"comunidad.prueba":"preferencia guardada"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := w.run("", nil, "--db", dbWin, "--smoke"); code != 0 {
		t.Fatalf("--smoke: exit %d\n%s%s", code, out, errOut)
	}
	if b, err := os.ReadFile(prefs + ".bueno"); err != nil || !strings.Contains(string(b), "preferencia guardada") {
		t.Fatalf("no good copy of the preferences beside them: %q %v", b, err)
	}
	if err := os.WriteFile(prefs, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := w.run("", nil, "--db", dbWin, "--smoke")
	if code != 0 || !strings.Contains(errOut, "se repuso su última copia buena") || strings.Contains(errOut, "Preferences load error") {
		t.Fatalf("--smoke on cut preferences: exit %d\n%s%s", code, out, errOut)
	}
}

func pdfPages(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo: %s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// The interface speaks the language of Windows' own setting (the user's
// locale, which Wine takes from LC_ALL), whatever LANG and LANGUAGE say:
// Windows programs never read those.
func TestWindowsLanguage(t *testing.T) {
	w := newWine(t)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: run under Xvfb (make test-windows does)")
	}
	_, dbWin := w.home("idioma", "comunidad.db")
	for _, tt := range []struct {
		windows, env, want, locale string
	}{
		{"es_CL.UTF-8", "en_US.UTF-8", "«Unidades/Usuarios»", "es-CL"},
		{"en_US.UTF-8", "es_CL.UTF-8", "«Units/Users»", "en-US"},
	} {
		code, out, errOut := w.run("", []string{"LC_ALL=" + tt.windows, "LANG=" + tt.env, "LANGUAGE=" + tt.env[:2]}, "--db", dbWin, "--smoke")
		if code != 0 || !strings.Contains(out, tt.want) || !strings.Contains(out, "idioma "+tt.locale) {
			t.Errorf("Windows in %s, LANG=%s: exit %d, %q %q; want %s", tt.windows, tt.env, code, out, errOut, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer a process writes to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
