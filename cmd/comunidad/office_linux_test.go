package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"comunidad/app/mailer"
	"comunidad/data"
	"comunidad/internal/enginetest"
	"comunidad/internal/pgtest"
)

// officeEnv is a desktop's environment for the real binary: its own data
// folder (credentials in the file there), the office database by
// COMUNIDAD_DB.
func officeEnv(t *testing.T, dsn string) []string {
	t.Helper()
	home := t.TempDir()
	return append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		mailer.EnvFileSecrets+"=file", EnvDB+"="+dsn, "LANG=es_CL.UTF-8", "LC_ALL=")
}

type result struct {
	code           int
	stdout, stderr string
}

// runBin runs the real binary with env and args.
func runBin(ctx context.Context, bin string, env []string, stdin string, args ...string) result {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return result{code, out.String(), errb.String()}
}

// An office moves in: «db copy --to» puts the file's communities, users,
// settings and outbox into an empty PostgreSQL database, says what it
// counted, and refuses a second copy into it; the commands then work on the
// office database (--db or COMUNIDAD_DB) and read the same as on the file;
// «db export» gives a file the app opens, of one community; the backup
// commands say the server keeps the backups.
func TestOfficeMoveInWorkAndExport(t *testing.T) {
	enginetest.PostgresOnly(t)
	dsn := pgtest.DSN(t)
	file := filepath.Join(t.TempDir(), "oficina.db")
	src := writeFile(t, "brisas.csv", syncCSV)
	if code, _, errOut := runCLI(t, "", "--db", file, "sync", src); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "", "--db", file, "users", "add", "--unit", "A-102", "--first-names", "Inés", "--last-names", "Rojas", "--email", "ines@example.cl"); code != 0 {
		t.Fatalf("users add: %s", errOut)
	}
	code, out, errOut := runCLI(t, "", "--db", file, "db", "copy", "--to", dsn)
	if code != 0 || !strings.Contains(out, "1 comunidad copiada a ") || !strings.Contains(out, "Condominio Las Brisas de Ñuñoa") ||
		!strings.Contains(out, "verificadas") || !strings.Contains(out, "unidades") || strings.Contains(out, pgtest.Password) {
		t.Fatalf("db copy: %d\n%s%s", code, out, errOut)
	}
	fileUsers := func(db string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", "--db", db, "users", "--community", "Condominio Las Brisas de Ñuñoa")
		if code != 0 {
			t.Fatalf("users on %s: %s", db, errOut)
		}
		return out
	}
	want := fileUsers(file)
	if got := fileUsers(dsn); got != want || !strings.Contains(got, "ines@example.cl") {
		t.Fatalf("the office database reads differently:\n%s\nwant\n%s", got, want)
	}
	t.Setenv(EnvDB, dsn)
	if code, out, _ := runCLI(t, "", "communities"); code != 0 || !strings.Contains(out, "Condominio Las Brisas de Ñuñoa") {
		t.Fatalf("COMUNIDAD_DB: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", "--db", file, "db", "copy", "--to", dsn); code != 1 || !strings.Contains(errOut, "ya tiene comunidades") {
		t.Fatalf("second copy: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"backup", "create"}, {"backup", "list"}, {"backup", "keep", "3"}} {
		if code, _, errOut := runCLI(t, "", args...); code != 1 || !strings.Contains(errOut, "la respalda su servidor") || !strings.Contains(errOut, "db export") {
			t.Fatalf("%v on the office database: %d %q", args, code, errOut)
		}
	}
	export := filepath.Join(t.TempDir(), "Brisas copia.db")
	if code, out, errOut := runCLI(t, "", "db", "export", export, "--comunidad", "condominio las brisas de nunoa"); code != 0 || !strings.Contains(out, "1 comunidad exportada a "+export) {
		t.Fatalf("db export: %d %s%s", code, out, errOut)
	}
	if got := fileUsers(export); got != want {
		t.Fatalf("the export reads differently:\n%s\nwant\n%s", got, want)
	}
	if code, _, errOut := runCLI(t, "", "db", "export", export); code != 1 || !strings.Contains(errOut, "ya existe") {
		t.Fatalf("export over a file: %d %q", code, errOut)
	}
}

// Many desktops at once on one office database, with the real binary:
// twenty «users add» to one unit leave exactly five (the rest told why),
// an import another desktop holds is refused naming who and where, and a
// sync killed mid-way leaves all or nothing.
func TestOfficeManyDesktops(t *testing.T) {
	enginetest.PostgresOnly(t)
	dsn := pgtest.DSN(t)
	bin := buildBinary(t, t.TempDir())
	ctx := context.Background()
	env := officeEnv(t, dsn)
	src := writeFile(t, "brisas.csv", syncCSV)
	if r := runBin(ctx, bin, env, "", "sync", src); r.code != 0 {
		t.Fatalf("sync: %s", r.stderr)
	}

	t.Run("twenty users add to one unit", func(t *testing.T) {
		var wg sync.WaitGroup
		results := make([]result, 20)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = runBin(ctx, bin, officeEnv(t, dsn), "", "users", "add", "--unit", "A-102", "--first-names", "Persona",
					"--last-names", fmt.Sprintf("Apellido %c", 'A'+i), "--email", fmt.Sprintf("persona%d@example.cl", i))
			}()
		}
		wg.Wait()
		ok, full := 0, 0
		for _, r := range results {
			switch {
			case r.code == 0:
				ok++
			case r.code == 1 && strings.Contains(r.stderr, "ya tiene 5 usuarios adicionales"):
				full++
			default:
				t.Errorf("unexpected: %d %q %q", r.code, r.stdout, r.stderr)
			}
		}
		st, err := data.OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.Reader().QueryRow(`SELECT count(*) FROM memberships m JOIN units u ON u.id = m.unit_id WHERE u.code = 'A-102' AND m.role = 'additional'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok != 5 || full != 15 || n != 5 {
			t.Fatalf("%d added, %d refused as full, %d in the database; want 5, 15, 5", ok, full, n)
		}
	})

	t.Run("an import another desktop holds", func(t *testing.T) {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		cfg.RuntimeParams["application_name"] = "Comunidad ana@PC-ADMIN2"
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var id int64
		if err := conn.QueryRow(ctx, `SELECT id FROM communities`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(0x636f6d01), int32(id)); err != nil {
			t.Fatal(err)
		}
		r := runBin(ctx, bin, env, "", "sync", src)
		tx.Rollback(ctx)
		if r.code != 1 || !strings.Contains(r.stderr, "ana está importando Condominio Las Brisas de Ñuñoa desde PC-ADMIN2") {
			t.Fatalf("while held: %d %q", r.code, r.stderr)
		}
		if r := runBin(ctx, bin, env, "", "sync", src); r.code != 0 {
			t.Fatalf("once released: %d %q", r.code, r.stderr)
		}
	})

	t.Run("a sync killed mid-way", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString("Parque Los Aromos\nCódigo;Nombres;Apellidos;Correo\n")
		const units = 20000
		for i := 1; i <= units; i++ {
			fmt.Fprintf(&sb, "P-%05d;Nombre%d;Apellido;p%d@example.cl\n", i, i, i)
		}
		big := writeFile(t, "aromos.csv", sb.String())
		st, err := data.OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		count := func() int {
			var n int
			if err := st.Reader().QueryRow(`SELECT count(*) FROM units u JOIN communities c ON c.id = u.community_id WHERE c.name = 'Parque Los Aromos'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, after := range []time.Duration{300 * time.Millisecond, 700 * time.Millisecond, 1200 * time.Millisecond} {
			cmd := exec.Command(bin, "sync", big, "--community", "Parque Los Aromos")
			cmd.Env = env
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if n := count(); n != 0 && n != units {
				t.Fatalf("killed after %s: %d units of %d", after, n, units)
			}
		}
		if r := runBin(ctx, bin, env, "", "sync", big, "--community", "Parque Los Aromos"); r.code != 0 {
			t.Fatalf("sync after the kills: %q", r.stderr)
		}
		if n := count(); n != units {
			t.Fatalf("%d units after a whole sync", n)
		}
	})
}

// A sync SIGKILLed in its transaction for certain (TestHelperSync stops
// there) leaves the office database as it was, and the desktop that died
// holds nothing: the next import runs at once.
func TestOfficeSyncKilledInItsTransaction(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	small, big := filepath.Join(dir, "kastor-pequeña.csv"), filepath.Join(dir, "kastor-grande.csv")
	kastorCSV(t, small, 40)
	kastorCSV(t, big, 15000)
	if code, _, errOut := runCLI(t, "", "--db", dsn, "sync", small); code != 0 {
		t.Fatalf("first sync: %s", errOut)
	}
	counts := func() (runs, units int) {
		t.Helper()
		st, err := data.OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		st.Reader().QueryRow(`SELECT count(*) FROM sync_runs`).Scan(&runs)
		st.Reader().QueryRow(`SELECT count(*) FROM units WHERE archived = 0`).Scan(&units)
		return runs, units
	}
	cmd, lines, _ := helper(t, "TestHelperSync", dsn+"|"+big+"|stop")
	waitFor(t, lines, "writing")
	cmd.Process.Kill()
	cmd.Wait()
	if runs, units := counts(); runs != 1 || units != 40 {
		t.Fatalf("killed in its transaction: %d sync runs, %d units; want 1, 40", runs, units)
	}
	start := time.Now()
	if code, _, errOut := runCLI(t, "", "--db", dsn, "sync", big); code != 0 {
		t.Fatalf("sync after the kill: %s", errOut)
	}
	if runs, units := counts(); runs != 2 || units != 15000 {
		t.Fatalf("after a whole sync: %d sync runs, %d units", runs, units)
	}
	t.Logf("the next sync ran at once (%s for 15,000 units)", time.Since(start).Round(time.Millisecond))
}

// Two desktops sending the same letters at once: each message reaches the
// real SMTP server exactly once.
func TestOfficeTwoSendersDeliverOnce(t *testing.T) {
	enginetest.PostgresOnly(t)
	dsn := pgtest.DSN(t)
	bin := buildBinary(t, t.TempDir())
	ctx := context.Background()
	ms := startMailServer(t)
	env := officeEnv(t, dsn)
	file := filepath.Join(t.TempDir(), "c.db")
	var sb strings.Builder
	sb.WriteString("Edificio Los Álamos\nCódigo;Nombres;Apellidos;Correo\n")
	const n = 60
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "%d;Vecino%d;Pérez;vecino%d@example.cl\n", 100+i, i, i)
	}
	if code, _, errOut := runCLI(t, "", "--db", file, "sync", writeFile(t, "alamos.csv", sb.String())); code != 0 {
		t.Fatal(errOut)
	}
	completeLetterSettings(t, file)
	if code, _, errOut := runCLI(t, "", "--db", file, "db", "copy", "--to", dsn); code != 0 {
		t.Fatal(errOut)
	}
	for _, kv := range [][2]string{{"smtp.host", "127.0.0.1"}, {"smtp.port", strconv.Itoa(ms.Port)}, {"smtp.security", "none"},
		{"smtp.username", "oficina"}, {"smtp.from", "administracion@alamos.cl"}, {"smtp.rate_per_minute", "0"}} {
		if r := runBin(ctx, bin, env, "", "config", "set", kv[0], kv[1]); r.code != 0 {
			t.Fatalf("config set %s: %q", kv[0], r.stderr)
		}
	}
	if r := runBin(ctx, bin, env, "clave con espacios ñ\n", "config", "set", "smtp.password"); r.code != 0 {
		t.Fatalf("password: %q", r.stderr)
	}
	// The second desktop has the same password in its own credential store.
	env2 := officeEnv(t, dsn)
	if r := runBin(ctx, bin, env2, "clave con espacios ñ\n", "config", "set", "smtp.password"); r.code != 0 {
		t.Fatalf("password 2: %q", r.stderr)
	}
	var wg sync.WaitGroup
	rs := make([]result, 2)
	for i, e := range [][]string{env, env2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs[i] = runBin(ctx, bin, e, "", "letters", "send", "--all", "--recipients", "all")
		}()
	}
	wg.Wait()
	for _, r := range rs {
		if r.code != 0 && !strings.Contains(r.stderr, "ya hay un envío de correos en curso") {
			t.Errorf("a sender failed: %d %q", r.code, r.stderr)
		}
	}
	for i := 1; i <= n; i++ {
		if c := ms.Count(fmt.Sprintf("vecino%d@example.cl", i)); c != 1 {
			t.Errorf("vecino%d received %d letters", i, c)
		}
	}
	if ms.Total() != n {
		t.Fatalf("%d messages delivered, want %d (%q / %q)", ms.Total(), n, rs[0].stderr, rs[1].stderr)
	}
}
