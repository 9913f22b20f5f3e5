package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"comunidad/app/officedb"
	"comunidad/app/workflow"
	"comunidad/data"
)

func init() {
	register(&command{
		name:    "db test",
		args:    "[postgres://USUARIO@SERVIDOR:5432/BASE?sslmode=verify-full]",
		summary: "prueba la conexión con la base de datos de la oficina (PostgreSQL)",
		run:     runDBTest,
	})
}

// runDBTest is «Probar conexión» on the command line: the address given
// (or --db), the password from PGPASSWORD or typed (never on the command
// line, where it would stay in the history), one Spanish line either way.
func runDBTest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("db test")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	target := e.dbPath
	switch {
	case len(pos) == 1:
		target = pos[0]
	case len(pos) > 1:
		return errorf("db test: use comunidad db test postgres://USUARIO@SERVIDOR:5432/BASE")
	}
	if !officedb.IsURL(target) {
		return errorf("db test: indique la base de datos de la oficina, postgres://USUARIO@SERVIDOR:5432/BASE?sslmode=verify-full")
	}
	cfg, pass, err := officedb.ParseURL(target)
	if err != nil {
		return userError{"db test: " + err.Error()}
	}
	if pass != "" {
		fmt.Fprintln(e.stderr, "Aviso: la contraseña escrita en la dirección queda en el historial de la consola; use PGPASSWORD o escríbala cuando se le pida.")
	} else if v, ok := os.LookupEnv("PGPASSWORD"); ok {
		pass = v
	} else if pass, err = promptSecret(e, fmt.Sprintf("Contraseña de %s en %s (no se muestra; termine con Enter): ", cfg.User, cfg.Host)); err != nil {
		return err
	}
	info, err := officedb.Probe(ctx, cfg, pass, 0)
	if err != nil {
		return userError{err.Error()}
	}
	if info.SchemaVersion > data.LatestVersion() {
		return errorf("la conexión con %s funciona, pero su base de datos fue actualizada por una versión más nueva de Comunidad (esquema %d; esta entiende hasta el %d): actualice Comunidad en este equipo",
			officedb.Redact(cfg.URL()), info.SchemaVersion, data.LatestVersion())
	}
	state := "ya tiene los datos de Comunidad"
	if info.SchemaVersion == 0 {
		state = "está vacía: Comunidad creará sus tablas la primera vez que la abra («db copy --to» lleva allí las comunidades de este equipo)"
	} else if info.SchemaVersion < data.LatestVersion() {
		state = "tiene los datos de Comunidad, en un esquema que esta versión pondrá al día al abrirla"
	}
	fmt.Fprintf(e.stdout, "Conexión correcta con %s: PostgreSQL %s, respondió en %d ms; la base de datos %s.\n", officedb.Redact(cfg.URL()), info.ServerVersion, info.Elapsed.Milliseconds(), state)
	return nil
}

// promptSecret reads a secret: typed at a terminal without echo (so it is
// not left on screen), else the first line of standard input.
func promptSecret(e *env, prompt string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("leer la contraseña: %w", err)
		}
		return string(b), nil
	}
	return readPassword(e.stdin)
}

func init() {
	register(&command{
		name:    "db copy",
		args:    "--to postgres://USUARIO@SERVIDOR:5432/BASE",
		summary: "copia esta base de datos (todas sus comunidades) a la base de datos de la oficina, vacía",
		run:     runDBCopy,
	})
	register(&command{
		name:    "db export",
		args:    "ARCHIVO [--comunidad NOMBRE]",
		summary: "guarda una copia de la base de datos (o de una comunidad) en un archivo que Comunidad abre",
		run:     runDBExport,
	})
}

// runDBCopy moves an office in: every community of the current database
// (--db, or this computer's) with its history, outbox and settings, into an
// empty PostgreSQL database, in one transaction, counted again before it
// commits.
func runDBCopy(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("db copy")
	to := fs.String("to", "", "base de datos de la oficina, vacía (postgres://...)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" {
		return errorf("db copy: use comunidad db copy --to postgres://USUARIO@SERVIDOR:5432/BASE")
	}
	if !officedb.IsURL(*to) {
		return errorf("db copy: --to es la base de datos de la oficina, postgres://USUARIO@SERVIDOR:5432/BASE («db export» guarda en un archivo)")
	}
	dstEnv := *e
	dstEnv.dbPath, dstEnv.demo = *to, false
	if e.office() && officedb.Redact(e.dbPath) == officedb.Redact(*to) {
		return errorf("db copy: el origen y el destino son la misma base de datos")
	}
	src, done, err := e.openFor(ctx, true) // the file stays locked: nothing changes it meanwhile
	if err != nil {
		return err
	}
	defer done()
	dst, err := dstEnv.open(ctx)
	if err != nil {
		return err
	}
	defer dst.Close()
	return copyReport(e, "copiada", "copiadas", "a "+officedb.Redact(*to), func() (data.CopyReport, error) {
		return workflow.New(src).CopyTo(ctx, dst, nil)
	})
}

// runDBExport is «Exportar a archivo»: a SQLite copy of the database (or of
// one community) that the app opens with --db, from either engine.
func runDBExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("db export")
	name := fs.String("comunidad", "", "solo esta comunidad")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errorf("db export: indique el archivo nuevo, p. ej. comunidad db export copia.db")
	}
	src, done, err := e.openFor(ctx, false)
	if err != nil {
		return err
	}
	defer done()
	var ids []int64
	if *name != "" {
		c, err := community(ctx, src, *name)
		if err != nil {
			return err
		}
		ids = []int64{c.ID}
	}
	out, err := filepath.Abs(pos[0])
	if err != nil {
		return userError{err.Error()}
	}
	return copyReport(e, "exportada", "exportadas", "a "+out, func() (data.CopyReport, error) {
		rep, err := workflow.New(src).ExportFile(ctx, out, ids, nil)
		var exists workflow.ErrExists
		if errors.As(err, &exists) {
			return rep, errorf("db export: %s", exists)
		}
		return rep, err
	})
}

// copyReport runs a copy and prints what it wrote, table by table: «1
// comunidad copiada a …» (one, many: the participle agrees with it).
func copyReport(e *env, one, many, where string, copy func() (data.CopyReport, error)) error {
	rep, err := copy()
	if err != nil {
		if errors.Is(err, data.ErrNotEmpty) {
			return errorf("la base de datos de destino ya tiene comunidades: «db copy» escribe en una base vacía (cree una nueva en el servidor)")
		}
		return err
	}
	done := many
	if len(rep.Communities) == 1 {
		done = one
	}
	fmt.Fprintf(e.stdout, "%s %s %s: %s (%s en total, verificadas):\n", count(len(rep.Communities), "comunidad", "comunidades"), done, where,
		strings.Join(rep.Communities, ", "), count(rep.Rows(), "fila", "filas"))
	for _, t := range rep.Tables {
		name := tableNames[t.Table]
		if name == "" {
			name = t.Table
		}
		fmt.Fprintf(e.stdout, "  %-32s %d\n", name, t.Rows)
	}
	return nil
}

// tableNames are the tables as the report names them.
var tableNames = map[string]string{
	"communities":      "comunidades",
	"units":            "unidades",
	"people":           "personas",
	"memberships":      "usuarios de unidades",
	"secondary_emails": "correos secundarios",
	"accounts":         "cuentas del portal",
	"settings":         "configuración",
	"templates":        "plantillas",
	"sync_runs":        "importaciones",
	"outbox":           "correos (enviados y por enviar)",
}
