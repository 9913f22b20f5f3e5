package main

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comunidad/data"
	"comunidad/internal/enginetest"
	"comunidad/internal/pgtest"

	"github.com/jackc/pgx/v5"
)

// «comunidad db test» against a real PostgreSQL: the right password
// (standard input or PGPASSWORD) says so with the server's version; a wrong
// one, a missing database and a refused TLS get one Spanish line, exit 1.
func TestDBTestAgainstARealServer(t *testing.T) {
	enginetest.PostgresOnly(t)
	dsn := pgtest.DSN(t)
	u, _ := url.Parse(dsn)
	u.User = url.User("postgres")
	u.RawQuery = "sslmode=disable"
	target := u.String()

	code, out, errOut := runCLI(t, pgtest.Password+"\n", "db", "test", target)
	if code != 0 || !strings.HasPrefix(out, "Conexión correcta con "+target+": PostgreSQL ") || !strings.Contains(out, "la base de datos está vacía") {
		t.Fatalf("right password: code %d, out %q, err %q", code, out, errOut)
	}
	// Once Comunidad opened it, the schema is said to be there; a newer
	// one (another desktop updated) is refused in Spanish.
	st, err := data.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, pgtest.Password+"\n", "db", "test", target); code != 0 || !strings.Contains(out, "ya tiene los datos de Comunidad") {
		t.Fatalf("with the schema: code %d, out %q, err %q", code, out, errOut)
	}
	if _, err := st.Writer().Exec(`INSERT INTO schema_version (version) VALUES (?)`, data.LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, _, errOut := runCLI(t, pgtest.Password+"\n", "db", "test", target); code != 1 || !strings.Contains(errOut, "fue actualizada por una versión más nueva de Comunidad") {
		t.Fatalf("newer schema: code %d, err %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", dsn, "communities"); code != 1 || !strings.Contains(errOut, "actualice Comunidad en este equipo") {
		t.Fatalf("opening a newer schema: code %d, err %q", code, errOut)
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `DELETE FROM schema_version WHERE version > $1`, data.LatestVersion()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSWORD", pgtest.Password)
	if code, out, errOut := runCLI(t, "", "--db", target, "db", "test"); code != 0 || !strings.Contains(out, "Conexión correcta") {
		t.Fatalf("PGPASSWORD and --db: code %d, out %q, err %q", code, out, errOut)
	}
	noDB := *u
	noDB.Path = "/no_existe"
	tlsOn := *u
	tlsOn.RawQuery = "sslmode=require"
	withPass := *u
	withPass.User = url.UserPassword("postgres", "otra")
	for _, tc := range []struct {
		name, password, target, says string
	}{
		{"wrong password", "otra", target, "rechazó el usuario «postgres» o su contraseña"},
		{"no database", pgtest.Password, noDB.String(), "la base de datos «no_existe» no existe"},
		{"TLS refused", pgtest.Password, tlsOn.String(), "no acepta conexiones cifradas"},
		{"password in the address", pgtest.Password, withPass.String(), "rechazó el usuario"},
		{"not an address", pgtest.Password, "comunidad.db", "indique la base de datos de la oficina"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PGPASSWORD", tc.password)
			code, out, errOut := runCLI(t, "", "db", "test", tc.target)
			if code != 1 || out != "" || !strings.Contains(errOut, tc.says) {
				t.Fatalf("code %d, out %q, err %q; want %q", code, out, errOut, tc.says)
			}
			if strings.Contains(errOut, "otra") {
				t.Fatalf("the password is in the output: %q", errOut)
			}
			if strings.Contains(strings.ToLower(errOut), "panic") || strings.Contains(errOut, "failed") {
				t.Fatalf("not Spanish: %q", errOut)
			}
		})
	}
}

// A postgres:// --db is not taken for a file name: no file called
// «postgres:» appears, and a server that cannot be reached is said so in
// Spanish, without the password.
func TestPostgresAddressIsNoFile(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code, _, errOut := runCLI(t, "", "--db", "postgres://ana:clave@servidor.invalid/comunidad?connect_timeout=5", "communities")
	if code != 1 || !strings.Contains(errOut, "no se encontró el servidor «servidor.invalid»") || strings.Contains(errOut, "clave") {
		t.Fatalf("code %d, err %q", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left in the working folder: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres:")); !os.IsNotExist(err) {
		t.Fatal("a file named postgres: was created")
	}
}

// An office server that accepts the connection and never answers (hung, or
// a half-open network path) is given up on after data.ConnectTimeout, in
// Spanish, by a command as by «db test»: before, the command waited for as
// long as the operating system did, and a window starting on it never
// appeared.
func TestSilentOfficeServerIsGivenUpOn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn // accepted, never answered
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	old := data.ConnectTimeout
	data.ConnectTimeout = 500 * time.Millisecond
	defer func() { data.ConnectTimeout = old }()
	dsn := "postgres://ana@" + l.Addr().String() + "/comunidad?sslmode=disable"
	type result struct {
		code   int
		errOut string
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		code, _, errOut := runCLI(t, "", "--db", dsn, "communities")
		done <- result{code, errOut}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the command still waits for the silent server after 10 s")
	}
	code, errOut := r.code, r.errOut
	if took := time.Since(start); code != 1 || !strings.Contains(errOut, "no respondió a tiempo") || took > 5*time.Second {
		t.Fatalf("code %d after %s, err %q", code, took, errOut)
	}
	if strings.Contains(errOut, "failed") || strings.Contains(errOut, "context deadline") {
		t.Fatalf("not Spanish: %q", errOut)
	}
}
