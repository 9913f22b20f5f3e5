package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"comunidad/app/mailer"
	"comunidad/app/mailer/mailtest"
	"comunidad/data"
	"comunidad/internal/enginetest"
)

// startMailServer is a real SMTP server on 127.0.0.1 for these tests.
func startMailServer(t *testing.T) *mailtest.Server {
	return mailtest.Start(t, "oficina", "clave con espacios ñ")
}

// mailDB makes a community with units 101 (Ana), 102 (Beto), 103 (no email).
func mailDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	st := openDB(t, path)
	defer st.Close()
	ctx := context.Background()
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct{ code, first, email string }{{"101", "Ana", "ana@example.cl"}, {"102", "Beto", "beto@example.cl"}, {"103", "Carla", ""}} {
		r, err := st.Writer().ExecContext(ctx, `INSERT INTO units (community_id, code, name) VALUES (?, ?, ?)`, c.ID, p.code, "Depto "+p.code)
		if err != nil {
			t.Fatal(err)
		}
		unit, _ := r.LastInsertId()
		r, err = st.Writer().ExecContext(ctx, `INSERT INTO people (community_id, kastor_key, first_names, last_names, email, origin) VALUES (?, ?, ?, 'Pérez', ?, 'kastor')`,
			c.ID, "k"+strconv.Itoa(i), p.first, p.email)
		if err != nil {
			t.Fatal(err)
		}
		person, _ := r.LastInsertId()
		if _, err := st.Writer().ExecContext(ctx, `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (?, ?, 'main', 'kastor')`, unit, person); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	completeLetterSettings(t, path)
	return onEngine(t, path)
}

func TestMailCommands(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the user's data folder
	ms := startMailServer(t)
	db := mailDB(t)
	cli := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, stdin, append([]string{"--db", db}, args...)...)
	}
	mustOK := func(stdin string, args ...string) string {
		t.Helper()
		code, out, errOut := cli(stdin, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	// Not configured yet: a clear message, nothing sent.
	if code, _, errOut := cli("", "letters", "send", "--all"); code != 1 || !strings.Contains(errOut, "falta el servidor SMTP") {
		t.Fatalf("unconfigured: %d %q", code, errOut)
	}
	for _, kv := range [][2]string{{"smtp.host", "127.0.0.1"}, {"smtp.port", strconv.Itoa(ms.Port)}, {"smtp.security", "none"},
		{"smtp.username", "oficina"}, {"smtp.from", "administracion@alamos.cl"}, {"smtp.from_name", "Administración Los Álamos"},
		{"smtp.rate_per_minute", "0"}} {
		if out := mustOK("", "config", "set", kv[0], kv[1]); !strings.Contains(out, kv[0]+" = "+kv[1]) {
			t.Fatalf("config set %s: %q", kv[0], out)
		}
	}
	if code, _, errOut := cli("", "config", "set", "smtp.security", "ssl"); code != 1 || !strings.Contains(errOut, "use starttls, tls o none") {
		t.Fatalf("bad security: %d %q", code, errOut)
	}
	if code, _, errOut := cli("", "config", "set", "smtp.password", "secreto"); code != 1 || !strings.Contains(errOut, "entrada estándar") {
		t.Fatalf("password as an argument: %d %q", code, errOut)
	}
	if out := mustOK("", "config", "get", "smtp.password"); strings.TrimSpace(out) != "no guardada" {
		t.Fatalf("password before: %q", out)
	}
	// Without the password the server refuses: the batch stops, nothing goes.
	if code, _, errOut := cli("", "letters", "send", "--all"); code != 1 || !strings.Contains(errOut, "falta la contraseña SMTP") {
		t.Fatalf("no password: %d %q", code, errOut)
	}
	mustOK("clave equivocada\n", "config", "set", "smtp.password")
	if code, _, errOut := cli("", "letters", "send", "--units", "101"); code != 1 || !strings.Contains(errOut, "rechazó el usuario o la contraseña") || ms.Total() != 0 {
		t.Fatalf("wrong password: %d %q, %d delivered", code, errOut, ms.Total())
	}
	mustOK("clave con espacios ñ\r\n", "config", "set", "smtp.password", "--community", "edificio los alamos")
	if out := mustOK("", "config", "get"); !strings.Contains(out, "smtp.port") || !strings.Contains(out, "(guardada)") || strings.Contains(out, "clave") {
		t.Fatalf("config get: %q", out)
	}
	if out := mustOK("", "config", "get", "smtp.from_name"); strings.TrimSpace(out) != "Administración Los Álamos" {
		t.Fatalf("config get smtp.from_name: %q", out)
	}
	// The password is neither in the database nor readable by others: in
	// the file beside a database file, in the user's data folder for the
	// office database.
	secrets := filepath.Join(filepath.Dir(db), "secrets.json")
	if enginetest.IsPostgres() {
		st := openDB(t, db)
		var n int
		if err := st.Reader().QueryRow(`SELECT count(*) FROM settings WHERE value LIKE '%clave con espacios%'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the password is in the office database: %d, %v", n, err)
		}
		st.Close()
		dir, err := dataDir()
		if err != nil {
			t.Fatal(err)
		}
		secrets = filepath.Join(dir, "secrets.json")
	} else {
		for _, f := range []string{db, db + "-wal"} {
			if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("clave con espacios")) {
				t.Fatalf("the password is in %s", f)
			}
		}
	}
	if info, err := os.Stat(secrets); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", info, err)
	}

	out := mustOK("", "letters", "send", "--all", "--dry-run")
	if !strings.Contains(out, "Se enviaría a Ana Pérez <ana@example.cl> (unidad 101)") || !strings.Contains(out, "Sin correo: Carla Pérez (unidad 103)") ||
		!strings.Contains(out, "se enviarían 2 correos") || ms.Total() != 0 {
		t.Fatalf("dry run sent %d:\n%s", ms.Total(), out)
	}
	out = mustOK("", "letters", "send", "--units", "101", "--attach-pdf")
	if !strings.Contains(out, "Enviados: 1. Fallidos: 0.") || ms.Count("ana@example.cl") != 1 {
		t.Fatalf("send 101: %q", out)
	}
	ms.Refuse("beto@example.cl", true)
	code, out, errOut := cli("", "letters", "send", "--all")
	if code != 1 || !strings.Contains(out, "Ya enviada: Ana Pérez <ana@example.cl> (unidad 101); --resend la envía de nuevo") || !strings.Contains(out, "Falló beto@example.cl: 550") ||
		!strings.Contains(errOut, "1 correo no se pudo enviar") {
		t.Fatalf("send all: %d\n%s%s", code, out, errOut)
	}
	if out := mustOK("", "outbox"); !strings.Contains(out, "enviado") || !strings.Contains(out, "fallido") || !strings.Contains(out, "No such user") {
		t.Fatalf("outbox: %q", out)
	}
	ms.Refuse("beto@example.cl", false)
	if out := mustOK("", "outbox", "--retry"); !strings.Contains(out, "Enviados: 1. Fallidos: 0.") {
		t.Fatalf("retry: %q", out)
	}
	if ms.Count("ana@example.cl") != 1 || ms.Count("beto@example.cl") != 1 || ms.Total() != 2 {
		t.Fatalf("delivered: ana %d, beto %d, total %d", ms.Count("ana@example.cl"), ms.Count("beto@example.cl"), ms.Total())
	}
	// --resend: Ana lost hers; it goes again, to her alone.
	if out := mustOK("", "letters", "send", "--units", "101", "--resend"); !strings.Contains(out, "De nuevo: Ana Pérez <ana@example.cl> (unidad 101)") ||
		!strings.Contains(out, "Enviados: 1. Fallidos: 0.") || ms.Count("ana@example.cl") != 2 || ms.Total() != 3 {
		t.Fatalf("resend: ana %d, total %d\n%s", ms.Count("ana@example.cl"), ms.Total(), out)
	}
	if code, _, errOut := cli("", "letters", "send"); code != 1 || !strings.Contains(errOut, "--units") {
		t.Fatalf("no units: %d %q", code, errOut)
	}
	if code, _, errOut := cli("", "letters", "send", "--units", "999"); code != 1 || !strings.Contains(errOut, `no tiene la unidad "999"`) {
		t.Fatalf("unknown unit: %d %q", code, errOut)
	}
}

// outbox --retry retries the definite failures only; the letter that may
// have arrived (the server took it and hung up before answering) goes again
// only when asked for that recipient, with --retry --uncertain.
func TestOutboxRetryLeavesTheUncertainApart(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	ms := startMailServer(t)
	db := mailDB(t)
	cli := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, stdin, append([]string{"--db", db}, args...)...)
	}
	for _, kv := range [][2]string{{"smtp.host", "127.0.0.1"}, {"smtp.port", strconv.Itoa(ms.Port)}, {"smtp.security", "none"},
		{"smtp.username", "oficina"}, {"smtp.from", "administracion@alamos.cl"}, {"smtp.rate_per_minute", "0"}} {
		if code, out, errOut := cli("", "config", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("config set: %s%s", out, errOut)
		}
	}
	if code, out, errOut := cli("clave con espacios ñ\n", "config", "set", "smtp.password"); code != 0 {
		t.Fatalf("password: %s%s", out, errOut)
	}
	counts := func(ana, beto int) {
		t.Helper()
		if ms.Count("ana@example.cl") != ana || ms.Count("beto@example.cl") != beto {
			t.Fatalf("deliveries: ana %d (want %d), beto %d (want %d)", ms.Count("ana@example.cl"), ana, ms.Count("beto@example.cl"), beto)
		}
	}
	ms.Fail("ana@example.cl", mailtest.Drop)
	ms.Fail("beto@example.cl", mailtest.Reject)
	code, out, errOut := cli("", "letters", "send", "--all")
	if code != 1 || !strings.Contains(out, "Puede haber llegado ana@example.cl") || !strings.Contains(out, "Falló beto@example.cl: 554") ||
		!strings.Contains(errOut, "1 correo no se pudo enviar: reintente con comunidad outbox --retry") ||
		!strings.Contains(errOut, "1 correo puede haber llegado") || !strings.Contains(errOut, "outbox --retry --uncertain") {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	counts(1, 0)
	if _, out, _ := cli("", "outbox"); !strings.Contains(out, "puede haber llegado") || !strings.Contains(out, "fallido") {
		t.Fatalf("outbox:\n%s", out)
	}
	// --retry: Beto only.
	if code, out, errOut := cli("", "outbox", "--retry"); code != 0 || !strings.Contains(out, "Reintentando 1 correo") ||
		!strings.Contains(out, "Quedan aparte 1 correo que puede haber llegado") || !strings.Contains(out, "Enviados: 1. Fallidos: 0.") {
		t.Fatalf("retry: %d\n%s%s", code, out, errOut)
	}
	counts(1, 1)
	// The same send again leaves Ana out and says why.
	if code, out, errOut := cli("", "letters", "send", "--all"); code != 0 || !strings.Contains(out, "Puede haberla recibido: Ana Pérez <ana@example.cl> (unidad 101)") ||
		!strings.Contains(out, "No hay correos que enviar.") {
		t.Fatalf("send again: %d\n%s%s", code, out, errOut)
	}
	counts(1, 1)
	// --uncertain asks; no answer (or "n") sends nothing.
	if code, out, errOut := cli("n\n", "outbox", "--retry", "--uncertain"); code != 0 || !strings.Contains(out, "¿Reenviar carta a Ana Pérez <ana@example.cl>, unidad 101") ||
		!strings.Contains(out, "No se reenvió ningún correo.") {
		t.Fatalf("uncertain, no: %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := cli("", "outbox", "--uncertain"); code != 1 || !strings.Contains(errOut, "--uncertain va con --retry") {
		t.Fatalf("--uncertain alone: %d", code)
	}
	counts(1, 1)
	// Ana says it never came: it goes again, to her alone.
	if code, out, errOut := cli("s\n", "outbox", "--retry", "--uncertain"); code != 0 || !strings.Contains(out, "Reenviando 1 correo.") ||
		!strings.Contains(out, "Enviados: 1. Fallidos: 0.") {
		t.Fatalf("uncertain, yes: %d\n%s%s", code, out, errOut)
	}
	counts(2, 1)
	if code, out, _ := cli("s\n", "outbox", "--retry", "--uncertain"); code != 0 || !strings.Contains(out, "No hay correos que puedan haber llegado") {
		t.Fatalf("nothing left: %d\n%s", code, out)
	}
	counts(2, 1)
}

// «letters send --new» and «letters pdf --new» write to the people who
// arrived with the latest import (a new owner, a resident added to a unit),
// whoever they are in their unit; someone who already got the letter is
// left out; an import that brings nobody new leaves no one to write to.
func TestLettersToTheNewcomers(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	ms := startMailServer(t)
	db := emptyDB(t, "c.db")
	cli := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, "", append([]string{"--db", db}, args...)...)
	}
	if code, _, errOut := cli("sync", writeFile(t, "brisas.csv", syncCSV)); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	completeLetterSettings(t, db)
	for _, kv := range [][2]string{{"smtp.host", "127.0.0.1"}, {"smtp.port", strconv.Itoa(ms.Port)}, {"smtp.security", "none"},
		{"smtp.username", "oficina"}, {"smtp.from", "administracion@brisas.cl"}, {"smtp.rate_per_minute", "0"}} {
		if code, out, errOut := cli("config", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("config set: %s%s", out, errOut)
		}
	}
	if code, out, errOut := runCLI(t, "clave con espacios ñ\n", "--db", db, "config", "set", "smtp.password"); code != 0 {
		t.Fatalf("password: %s%s", out, errOut)
	}
	// The second export: Luis owns the new A-103, Tomás lives in A-102 now.
	second := syncCSV + ";;;;Tomás;Ibáñez;;tomas@example.cl;;Residente;No;\r\n" +
		"A-103;Torre A;1;;Luis;Pérez;;luis@example.cl;;Propietario;Sí;0,0100\r\n"
	if code, _, errOut := cli("sync", writeFile(t, "brisas2.csv", second)); code != 0 {
		t.Fatalf("second sync: %s", errOut)
	}
	dir := filepath.Join(t.TempDir(), "nuevos")
	if code, out, errOut := cli("letters", "pdf", "--new", "--out", dir); code != 0 || !strings.Contains(out, "2 cartas") {
		t.Fatalf("pdf --new: %d %s%s", code, out, errOut)
	}
	names := entries(t, dir)
	sort.Strings(names)
	if strings.Join(names, "|") != "A-102 - Tomás Ibáñez.pdf|A-103 - Luis Pérez.pdf" {
		t.Fatalf("letters to the newcomers: %v", names)
	}
	if code, out, errOut := cli("letters", "send", "--units", "A-103"); code != 0 || ms.Count("luis@example.cl") != 1 {
		t.Fatalf("send to Luis: %d %s%s", code, out, errOut)
	}
	code, out, errOut := cli("letters", "send", "--new")
	if code != 0 || !strings.Contains(out, "Ya enviada: Luis Pérez <luis@example.cl> (unidad A-103)") || !strings.Contains(out, "Enviados: 1. Fallidos: 0.") {
		t.Fatalf("send --new: %d\n%s%s", code, out, errOut)
	}
	if ms.Count("tomas@example.cl") != 1 || ms.Count("luis@example.cl") != 1 || ms.Count("mj@example.cl") != 0 || ms.Count("pedro@example.cl") != 0 {
		t.Fatalf("deliveries: tomas %d, luis %d, mj %d, pedro %d", ms.Count("tomas@example.cl"), ms.Count("luis@example.cl"), ms.Count("mj@example.cl"), ms.Count("pedro@example.cl"))
	}
	// The same export again brings nobody.
	if code, _, errOut := cli("sync", writeFile(t, "brisas3.csv", second)); code != 0 {
		t.Fatalf("third sync: %s", errOut)
	}
	if code, _, errOut := cli("letters", "send", "--new", "--dry-run"); code != 1 || !strings.Contains(errOut, "la última importación no trajo personas nuevas") {
		t.Fatalf("nobody new: %d %s", code, errOut)
	}
	if code, _, errOut := cli("letters", "send", "--new", "--all"); code != 1 || !strings.Contains(errOut, "use solo una de --units, --all o --new") {
		t.Fatalf("--new with --all: %d %s", code, errOut)
	}
}

// The demo database and the user's own sit in one folder and share the
// user's credential store, and both have a community 1: «config set
// smtp.password» on one leaves the other's alone, and a password saved
// before installation ids stays the user's database's (the demo takes none).
func TestConfigPasswordIsEachDatabasesOwn(t *testing.T) {
	enginetest.SQLiteOnly(t, "each database file's own credentials")
	t.Setenv(mailer.EnvFileSecrets, "file")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(os.Getenv("HOME"), ".config"))
	dir, err := dataDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := data.Open(context.Background(), filepath.Join(dir, "comunidad.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCommunity(context.Background(), "Edificio Los Álamos"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	machine := mailer.OpenSecretsIn(dir)
	if err := machine.Set(mailer.PasswordKey(1), "clave-de-antes"); err != nil {
		t.Fatal(err)
	}
	get := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", append(args, "config", "get", "smtp.password")...)
		if code != 0 {
			t.Fatalf("%v config get: %d %s", args, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	set := func(stdin string, args ...string) {
		t.Helper()
		if code, _, errOut := runCLI(t, stdin, append(args, "config", "set", "smtp.password")...); code != 0 {
			t.Fatalf("%v config set: %d %s", args, code, errOut)
		}
	}
	if got := get("--demo"); got != "no guardada" {
		t.Fatalf("the demo took the user's password of before: %q", got)
	}
	if got := get(); got != "guardada" {
		t.Fatalf("the user's password of before: %q", got)
	}
	if _, err := machine.Get(mailer.PasswordKey(1)); err == nil {
		t.Fatal("the password of before is still under the key every database shares")
	}
	set("clave-demo\n", "--demo")
	set("\n", "--demo") // and removed again
	if got := get("--demo"); got != "no guardada" {
		t.Fatalf("demo after removing its password: %q", got)
	}
	if got := get(); got != "guardada" {
		t.Fatalf("removing the demo's password removed the user's: %q", got)
	}
	set("\n", "--db", filepath.Join(dir, "comunidad.db"))
	if got := get(); got != "no guardada" {
		t.Fatalf("the user's password after removing it: %q", got)
	}
}
