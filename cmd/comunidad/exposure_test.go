package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/app/workflow"
	"comunidad/data"
	"comunidad/internal/enginetest"
)

// A URL's password and query string never reach the database, its backups
// or the output: the history and the community's source keep the URL
// without them, the credential store keeps it whole, and an import from
// the stored source still gets the key.
func TestSourceURLStoredWithoutSecrets(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	t.Setenv("COMUNIDAD_SECRET_STORE", "file")
	var gotKey, gotUser []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		gotKey, gotUser = append(gotKey, r.URL.Query().Get("apikey")), append(gotUser, user)
		if r.URL.Query().Get("apikey") != "k3y-secreta" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprint(w, syncCSV)
	}))
	defer srv.Close()
	secretURL := strings.Replace(srv.URL, "http://", "http://ana:cl4ve-secreta@", 1) + "/export.csv?apikey=k3y-secreta"
	db := filepath.Join(t.TempDir(), "c.db")
	code, out, errOut := runCLI(t, "", "--db", db, "sync", secretURL)
	if code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create"); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	_, comms, _ := runCLI(t, "", "--db", db, "communities")
	for _, secret := range []string{"k3y-secreta", "cl4ve-secreta", "apikey"} {
		if strings.Contains(out+comms, secret) {
			t.Errorf("the output shows %q:\n%s%s", secret, out, comms)
		}
		if strings.Contains(dumpDB(t, db), secret) {
			t.Errorf("the database holds %q", secret)
		}
		files, _ := filepath.Glob(db + "*")
		backups, _ := filepath.Glob(filepath.Join(data.BackupDir(db), "*"))
		for _, f := range append(files, backups...) {
			if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q", filepath.Base(f), secret)
			}
		}
	}
	st, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Community(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.URL + "/export.csv"; c.Source != want {
		t.Fatalf("stored source %q, want %q", c.Source, want)
	}
	runs, err := st.SyncRuns(context.Background(), 1, 10)
	if err != nil || len(runs) != 1 || runs[0].Source != c.Source {
		t.Fatalf("history: %+v %v", runs, err)
	}
	// "Importar datos" from the remembered source: the key comes back
	// from the credential store.
	gotKey = nil
	im, err := workflow.New(st).ReadImport(context.Background(), workflow.ImportRequest{Source: c.Source, CommunityID: c.ID})
	if err != nil {
		t.Fatalf("import from the stored source: %v", err)
	}
	if len(gotKey) != 1 || gotKey[0] != "k3y-secreta" || gotUser[len(gotUser)-1] != "ana" || len(im.Result.Snapshot.Units) != 2 {
		t.Fatalf("the server got keys %q, users %q", gotKey, gotUser)
	}
	// A source set without secrets forgets the kept URL.
	if err := workflow.New(st).RememberSource(context.Background(), c.ID, srv.URL+"/otra.csv"); err != nil {
		t.Fatal(err)
	}
	gotKey = nil
	if _, err := workflow.New(st).ReadImport(context.Background(), workflow.ImportRequest{Source: c.Source, CommunityID: c.ID}); err == nil || gotKey[0] != "" {
		t.Fatalf("the forgotten key was sent: %q, %v", gotKey, err)
	}
}

// Commands run SQLite's quick_check first: a damaged database is said to
// be damaged, in Spanish, with how to restore the newest backup.
func TestCommandsRefuseDamagedDatabase(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	db := newDB(t, 400, "Edificio Los Álamos")
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", "create"); code != 0 {
		t.Fatal(errOut)
	}
	f, _ := os.OpenFile(db, os.O_RDWR, 0)
	f.WriteAt([]byte(strings.Repeat("\xba\xad", 2048)), 4*4096)
	f.Close()
	for _, args := range [][]string{{"users"}, {"units"}, {"communities"}, {"users", "add", "--unit", "101", "--first-names", "A", "--last-names", "B", "--email", "a@example.cl"}} {
		code, _, errOut := runCLI(t, "", append([]string{"--db", db}, args...)...)
		if code != 1 || !strings.Contains(errOut, "está dañada") || !strings.Contains(errOut, "comunidad backup restore 1") ||
			strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "malformed") || strings.Contains(errOut, "disk image") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	// What it says works.
	if code, out, errOut := runCLI(t, "", "--db", db, "backup", "restore", "1"); code != 0 {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", db, "units"); code != 0 {
		t.Fatalf("after the restore: %q", errOut)
	}
}

// «users --format csv» (and units) neutralise cells a spreadsheet would
// run as a formula.
func TestUsersCSVNeutralisesFormulas(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	db := filepath.Join(t.TempDir(), "c.db")
	src := writeFile(t, "f.csv", "Condominio Fórmulas\nCódigo;Nombre;Nombres;Apellidos;Correo;Teléfono\n"+
		"=1+1;@SUM(A1);=HYPERLINK(\"http://x.cl\");-2+3;ana@example.cl;+56 9 1234 5678\n")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", src); code != 0 {
		t.Fatal(errOut)
	}
	for _, cmd := range []string{"users", "units"} {
		code, out, errOut := runCLI(t, "", "--db", db, cmd, "--format", "csv")
		if code != 0 {
			t.Fatal(errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q starts a formula", cmd, cell)
				}
			}
		}
		if !strings.Contains(out, "'=1+1") {
			t.Errorf("%s: the code lost its text:\n%s", cmd, out)
		}
	}
	_, out, _ := runCLI(t, "", "--db", db, "users", "--format", "csv")
	for _, want := range []string{"'=HYPERLINK(", "'-2+3", "'+56 9 1234 5678"} {
		if !strings.Contains(out, want) {
			t.Errorf("users csv lacks %q:\n%s", want, out)
		}
	}
}

// «comunidad --demo COMMAND» builds the demo database when it is missing.
func TestDemoCommandBuildsTheDemo(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(os.Getenv("HOME"), ".config"))
	code, out, errOut := runCLI(t, "", "--demo", "units")
	if code != 0 || !strings.Contains(out, "unidades") {
		t.Fatalf("--demo units: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "--demo", "communities")
	if code != 0 || !strings.Contains(out, demoCommunity) {
		t.Fatalf("--demo communities: %q", out)
	}
}

// The OS's and SQLite's errors underneath a message are said in Spanish.
func TestFullAndReadOnlyDiskInSpanish(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	big := "Condominio Lleno\nCódigo;Nombres;Apellidos;Correo\n"
	for i := range 3000 {
		big += fmt.Sprintf("U-%d;Nombre%d;Apellido%d;u%d@example.cl\n", i, i, i, i)
	}
	src := writeFile(t, "lleno.csv", big)
	full := mountTmpfs(t, "size=96k")
	code, _, errOut := runCLI(t, "", "--db", filepath.Join(full, "c.db"), "sync", src)
	if code != 1 || !strings.Contains(errOut, "disco lleno") || strings.Contains(errOut, "full") {
		t.Fatalf("full disk: %d %q", code, errOut)
	}
	ro := mountTmpfs(t, "size=1m,ro")
	code, _, errOut = runCLI(t, "", "--db", filepath.Join(ro, "c.db"), "sync", src)
	if code != 1 || !strings.Contains(errOut, "solo lectura") || strings.Contains(errOut, "read-only") {
		t.Fatalf("read-only disk: %d %q", code, errOut)
	}
}

func TestUserMessageSpanish(t *testing.T) {
	enginetest.SQLiteOnly(t, "what a file and its folder let others read")
	tests := []struct {
		err  error
		want string
	}{
		{&os.PathError{Op: "write", Path: "/x/y.xlsx", Err: errorsNew("no space left on device")}, "disco lleno"},
		{fmt.Errorf("guardar: %w", errorsNew("database or disk is full")), "disco lleno"},
		{fmt.Errorf("guardar: %w", errorsNew("attempt to write a readonly database")), "solo lectura"},
		{fmt.Errorf("abrir: %w", errorsNew("read-only file system")), "solo lectura"},
		{fmt.Errorf("leer: %w", errorsNew("database disk image is malformed")), "base de datos dañada"},
		{fmt.Errorf("importar: %w", context.Canceled), "cancelado"},
		{fmt.Errorf("importar: %w", context.DeadlineExceeded), "se agotó el tiempo"},
	}
	for _, tt := range tests {
		if got := data.UserMessage(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("UserMessage(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	var b bytes.Buffer
	report(&b, fmt.Errorf("enviar: %w", context.Canceled))
	if b.String() != "comunidad: cancelado\n" {
		t.Errorf("report: %q", b.String())
	}
}

func errorsNew(s string) error { return errors.New(s) }
