// Package pgtest starts a real, throwaway PostgreSQL cluster for tests: one
// per test binary, in a temporary folder, on a local port and socket, and
// stopped and removed when the tests end. Nothing is mocked.
//
// A package that tests against PostgreSQL calls Main from its TestMain and
// DSN from each test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dsn := pgtest.DSN(t) // a fresh, empty database, dropped afterwards
//		...
//	}
//
// The cluster is started by the first DSN call, so a binary whose selected
// tests never ask for one starts nothing. When no PostgreSQL is installed
// (initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin) the tests
// that ask are skipped with a message saying so, unless COMUNIDAD_REQUIRE_PG=1
// (set by CI), in which case they fail: CI cannot silently skip them.
//
// initdb refuses to run as root; as root the cluster's programs run as the
// "postgres" user (runuser) on a folder it owns.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv is the environment variable that turns a missing PostgreSQL
// into a failure instead of a skip.
const RequireEnv = "COMUNIDAD_REQUIRE_PG"

// Cluster is a running throwaway cluster.
type Cluster struct {
	dir     string // the temporary folder: data/, the socket, the log
	bin     string // the folder holding initdb, pg_ctl and postgres
	port    int
	runAs   string // "postgres" when started by root, else ""
	dbCount atomic.Int64

	tmplMu    sync.Mutex
	templates map[string]error    // template name → how its setup went
	free      map[string][]string // template name → emptied copies to reuse
	drops     sync.WaitGroup      // databases being dropped in the background
}

var (
	once     sync.Once
	shared   *Cluster
	errStart error
)

// Main runs the tests and then stops the cluster if one was started. It
// exits with the tests' code.
func Main(m *testing.M) {
	code := m.Run()
	if err := StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// StopShared stops the test binary's cluster if one was started (Main does
// it; a TestMain of its own calls it before exiting).
func StopShared() error {
	if shared == nil {
		return nil
	}
	return shared.Stop()
}

// Available reports whether this machine can start a test cluster: not
// Windows (see Shared), and PostgreSQL's server programs installed.
func Available() bool {
	if runtime.GOOS == "windows" {
		return false
	}
	_, err := findBin()
	return err == nil
}

// DSN returns the connection string of a fresh, empty database on the
// shared cluster, dropped when the test ends. It skips the test when no
// PostgreSQL is installed (fails under COMUNIDAD_REQUIRE_PG=1).
func DSN(t testing.TB) string {
	t.Helper()
	return DSNFrom(t, "", nil)
}

// DSNFrom is DSN for a database made as a copy of the template called
// name, which setup (given the template's DSN) fills the first time it is
// asked for in the test binary: a schema migrated once, then copied, instead
// of migrated for each test. When the test ends its copy is emptied (every
// table but schema_version truncated, ids restarted) and given to the next
// test that asks, which is much cheaper than a new database; a copy that
// cannot be emptied is dropped. An empty name is DSN's empty database,
// dropped in the background when the test ends (Stop waits for it).
func DSNFrom(t testing.TB, name string, setup func(dsn string) error) string {
	t.Helper()
	c := Shared(t)
	ctx := context.Background()
	if name != "" {
		if err := c.template(ctx, name, setup); err != nil {
			t.Fatalf("pgtest: plantilla %s: %v", name, err)
		}
		if dsn, ok := c.reuse(name); ok {
			t.Cleanup(func() { c.giveBack(name, dsn) })
			return dsn
		}
	}
	dsn, err := c.createDatabase(ctx, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if name != "" {
		t.Cleanup(func() { c.giveBack(name, dsn) })
		return dsn
	}
	t.Cleanup(func() { c.dropLater(dsn) })
	return dsn
}

func (c *Cluster) reuse(name string) (string, bool) {
	c.tmplMu.Lock()
	defer c.tmplMu.Unlock()
	l := c.free[name]
	if len(l) == 0 {
		return "", false
	}
	dsn := l[len(l)-1]
	c.free[name] = l[:len(l)-1]
	return dsn, true
}

// giveBack empties a template's copy for the next test, or drops it.
func (c *Cluster) giveBack(name, dsn string) {
	if err := c.empty(dsn); err != nil {
		c.dropLater(dsn)
		return
	}
	c.tmplMu.Lock()
	defer c.tmplMu.Unlock()
	if c.free == nil {
		c.free = map[string][]string{}
	}
	c.free[name] = append(c.free[name], dsn)
}

// empty truncates every table of the database but schema_version, with
// its ids restarted. A test that left a connection holding a lock makes it
// fail (lock_timeout), not wait.
func (c *Cluster) empty(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, c.adminOf(strings.TrimPrefix(u.Path, "/")))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// The test's connections are closed by then, but a server process
	// ends a moment after its client leaves.
	for i := 0; ; i++ {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if i == 100 {
			return fmt.Errorf("%d conexiones siguen abiertas", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var tables string
	if err := conn.QueryRow(ctx, `SELECT coalesce(string_agg(quote_ident(tablename), ', '), '') FROM pg_tables
		WHERE schemaname = 'public' AND tablename <> 'schema_version'`).Scan(&tables); err != nil {
		return err
	}
	if tables == "" {
		return nil
	}
	_, err = conn.Exec(ctx, "SET lock_timeout = '2s'; TRUNCATE "+tables+" RESTART IDENTITY CASCADE")
	return err
}

// dropLater drops a database in the background (Stop waits for it).
func (c *Cluster) dropLater(dsn string) {
	c.drops.Add(1)
	go func() {
		defer c.drops.Done()
		if err := c.DropDatabase(context.Background(), dsn); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}()
}

// template makes the template database name once (setup fills it), and
// marks it as a template no one connects to.
func (c *Cluster) template(ctx context.Context, name string, setup func(dsn string) error) error {
	c.tmplMu.Lock()
	defer c.tmplMu.Unlock()
	if err, done := c.templates[name]; done {
		return err
	}
	if c.templates == nil {
		c.templates = map[string]error{}
	}
	err := func() error {
		conn, err := pgx.Connect(ctx, c.admin())
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return err
		}
		if setup != nil {
			if err := setup(c.URL(name)); err != nil {
				return err
			}
		}
		_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
		return err
	}()
	c.templates[name] = err
	return err
}

// Shared returns the test binary's cluster, starting it on first use.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	if runtime.GOOS == "windows" {
		// The Windows test run (under Wine in CI) checks Windows' paths and
		// handles; a desktop there reaches the office's server over the
		// network and never runs one, so no cluster is started there, even
		// under COMUNIDAD_REQUIRE_PG=1 (which holds the Linux run).
		t.Skip("pgtest: los servidores PostgreSQL de prueba se arrancan en Linux, no en Windows")
	}
	once.Do(func() { shared, errStart = Start(nil) })
	if errors.Is(errStart, ErrNotInstalled) {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("pgtest: %v (and %s=1 requires it)", errStart, RequireEnv)
		}
		t.Skipf("pgtest: %v; set %s=1 to fail instead", errStart, RequireEnv)
	}
	if errStart != nil {
		t.Fatalf("pgtest: %v", errStart)
	}
	return shared
}

// ErrNotInstalled says no PostgreSQL server programs were found.
var ErrNotInstalled = errors.New("PostgreSQL no está instalado (initdb y pg_ctl; Debian: postgresql)")

// findBin returns the folder holding initdb, pg_ctl and postgres: PATH
// first, then the newest /usr/lib/postgresql/N/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initialises and starts a new cluster in a temporary folder. Files
// (name → content) are written into its data folder before it starts,
// owned by the server and readable by it alone (a TLS key and certificate,
// say), and settings ("ssl=on") are given to the server as -c options.
func Start(files map[string][]byte, settings ...string) (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("como root, initdb necesita el usuario postgres: %w", err)
		}
		c.runAs = "postgres"
	}
	c.dir, err = os.MkdirTemp("", "comunidad-pg-")
	if err != nil {
		return nil, err
	}
	if c.runAs != "" {
		if err := exec.Command("chown", c.runAs, c.dir).Run(); err != nil {
			os.RemoveAll(c.dir)
			return nil, fmt.Errorf("chown %s: %w", c.dir, err)
		}
	}
	// Over the socket (the harness's own admin connections) no password;
	// over TCP (what the tests use, as an office's desktops do) SCRAM with
	// the superuser's Password, so a wrong password is refused as a real
	// server refuses it.
	pwfile := filepath.Join(c.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(Password+"\n"), 0o644); err != nil {
		os.RemoveAll(c.dir)
		return nil, err
	}
	if out, err := c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
		"--pwfile="+pwfile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(c.dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	for name, b := range files {
		path := filepath.Join(c.data(), name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			os.RemoveAll(c.dir)
			return nil, err
		}
		if c.runAs != "" {
			if err := exec.Command("chown", c.runAs, path).Run(); err != nil {
				os.RemoveAll(c.dir)
				return nil, fmt.Errorf("chown %s: %w", path, err)
			}
		}
	}
	// A free port: asked of the kernel, then handed to the server. A race
	// with another process in between is retried.
	for attempt := 0; ; attempt++ {
		c.port, err = freePort()
		if err != nil {
			os.RemoveAll(c.dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.port, c.dir)
		for _, set := range settings {
			opts += " -c " + set
		}
		out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
		if err == nil {
			return c, nil
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
			os.RemoveAll(c.dir)
			return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// run runs one of the cluster's programs, as postgres when we are root.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	return cmd.CombinedOutput()
}

// Password is the superuser's password over TCP.
const Password = "clave-de-prueba"

// admin is the superuser's connection over the cluster's socket.
func (c *Cluster) admin() string { return c.adminOf("postgres") }

// adminOf is the superuser's connection to database db over the socket.
func (c *Cluster) adminOf(db string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.dir, c.port, db)
}

// Port is the cluster's TCP port on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir is the cluster's temporary folder (its data folder is Dir/data).
func (c *Cluster) Dir() string { return c.dir }

// URL is the connection string of database db as the superuser, over TCP
// with its password.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", Password), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// CreateDatabase creates a new empty database and returns its DSN.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	return c.createDatabase(ctx, "")
}

// createDatabase creates a new database, a copy of template (or an empty
// one when template is ""), and returns its DSN.
func (c *Cluster) createDatabase(ctx context.Context, template string) (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.dbCount.Add(1))
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.admin())
	if err != nil {
		return "", fmt.Errorf("conectar al cluster de pruebas: %w", err)
	}
	defer conn.Close(ctx)
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		q += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, q); err != nil {
		return "", fmt.Errorf("crear la base %s: %w", name, err)
	}
	return c.URL(name), nil
}

// DropDatabase drops the database a CreateDatabase DSN names, closing any
// connection a test left open.
func (c *Cluster) DropDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.admin())
	if err != nil {
		return fmt.Errorf("conectar al cluster de pruebas: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("borrar la base %s: %w", name, err)
	}
	return nil
}

// Stop stops the server (fast shutdown, then immediate) and removes its
// folder.
func (c *Cluster) Stop() error {
	c.drops.Wait()
	var errs []error
	if out, err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "30", "stop"); err != nil {
		if out2, err2 := c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop"); err2 != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s\n%s", err, out, out2))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
