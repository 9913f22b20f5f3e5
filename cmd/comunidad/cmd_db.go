package main

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/term"

	"comunidad/app/officedb"
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
	fmt.Fprintf(e.stdout, "Conexión correcta con %s: PostgreSQL %s, respondió en %d ms.\n", officedb.Redact(cfg.URL()), info.ServerVersion, info.Elapsed.Milliseconds())
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
