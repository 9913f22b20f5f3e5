// Command comunidad is the Comunidad desktop application. With no
// subcommand it opens the window; the subcommands do the same work headless
// (import from Kastor, list, generate the users file, render and send
// letters) so that it can be scripted, scheduled and tested end to end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"

	"comunidad"
	"comunidad/data"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// EnvDB is the environment variable naming the database when --db is not
// given: a file, or the office's postgres://... (a scheduled task, a shell
// profile).
const EnvDB = "COMUNIDAD_DB"

// env is what every subcommand gets: the streams, the database location and
// the global options.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbPath         string // "" until resolved: the user's database
	demo           bool
	smoke          bool   // --smoke: the window quits after its first frame (smoke.go)
	command        string // the subcommand running ("letters send"), "" for the window
	officePassword string // the office database's password the window was given (not yet saved), "" to look it up
}

// command is one subcommand. Each lives in its own file and registers itself
// in init, so areas of the product add theirs without touching this file.
type command struct {
	name    string // "sync", or two words: "users add"
	args    string // synopsis of its arguments, for --help
	summary string // one line, Spanish
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("comunidad: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// userError is an error whose message is for the user as it is (exit 1, one line).
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

func errorf(format string, args ...any) error { return userError{fmt.Sprintf(format, args...)} }

// count is a number with its noun: "1 carta", "3 cartas".
func count(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, other)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "comunidad: error interno: %v\n", p)
			code = 2
		}
	}()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("comunidad", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.dbPath, "db", "", "base de datos a usar")
	fs.BoolVar(&e.demo, "demo", false, "usa la base de demostración")
	fs.BoolVar(&e.smoke, "smoke", false, "la ventana se cierra tras su primer cuadro (pruebas del paquete)")
	version := fs.Bool("version", false, "muestra la versión")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		return report(stderr, parseFlags(fs, args))
	}
	if *version {
		m := comunidad.AppMeta()
		fmt.Fprintf(stdout, "%s %s (build %d)\n", m.Name, m.Version, m.Build)
		return 0
	}
	if v := os.Getenv(EnvDB); e.dbPath == "" && !e.demo && v != "" {
		e.dbPath = v
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return report(stderr, runGUI(e))
	}
	if rest[0] == "help" {
		usage(stdout)
		return 0
	}
	cmd, cargs := lookup(rest)
	if cmd == nil {
		fmt.Fprintf(stderr, "comunidad: no existe el comando %q (vea comunidad --help)\n", strings.Join(rest[:min(2, len(rest))], " "))
		return 1
	}
	// Ctrl+C and a SIGTERM (a service manager, a scheduled task stopped)
	// cancel the command's context: what it was writing rolls back, its
	// temporary files go, and it says «cancelado». The window keeps the
	// default handling (it has its own way to close).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, a := range cargs {
		if a == "-h" || a == "--help" || a == "-help" {
			commandHelp(ctx, e, cmd)
			return 0
		}
	}
	e.command = cmd.name
	return report(stderr, cmd.run(ctx, e, cargs))
}

// commandHelp prints a command's synopsis, summary and options. The
// options come from the command's own flag set: run with only "--help",
// every command stops at its first parseFlags with a helpRequest, before
// it opens anything.
func commandHelp(ctx context.Context, e *env, cmd *command) {
	fmt.Fprintf(e.stdout, "Uso: comunidad [--db ARCHIVO] %s %s\n\n%s\n", cmd.name, cmd.args, cmd.summary)
	var h helpRequest
	if err := cmd.run(ctx, e, []string{"--help"}); !errors.As(err, &h) {
		return
	}
	var flags []*flag.Flag
	h.fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) == 0 {
		return
	}
	fmt.Fprintln(e.stdout, "\nOpciones:")
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	for _, f := range flags {
		name, usage := flag.UnquoteUsage(f)
		switch name {
		case "string":
			name = " VALOR"
		case "int":
			name = " N"
		case "":
		default:
			name = " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (por omisión, %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, name, usage)
	}
	tw.Flush()
}

// helpRequest is a command's flag set asked for --help (see commandHelp).
type helpRequest struct{ fs *flag.FlagSet }

func (h helpRequest) Error() string { return "ayuda de " + h.fs.Name() }

// lookup finds the two-word command first ("users add"), then the one-word one.
func lookup(args []string) (*command, []string) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:]
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c, args[1:]
	}
	return nil, nil
}

// report prints err as one line and returns the exit code. The operating
// system's and SQLite's English underneath is said in Spanish ("disco
// lleno", "solo lectura", "base de datos dañada"), a cancel is «cancelado».
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	msg := strings.ReplaceAll(data.UserMessage(err), "\n", " ")
	fmt.Fprintf(stderr, "comunidad: %s\n", msg)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Comunidad: usuarios y cartas de bienvenida de su comunidad, sincronizados con Kastor.

Uso:
  comunidad [--db ARCHIVO] [--demo]          abre la ventana
  comunidad [--db ARCHIVO] COMANDO [opciones] trabaja sin ventana

Opciones globales:
  --db ARCHIVO   base de datos a usar (por omisión, la de su carpeta de datos:
                 `+defaultDBPathForHelp()+`);
                 la de la oficina es --db postgres://USUARIO@SERVIDOR:5432/BASE
                 (o la variable COMUNIDAD_DB)
  --demo         usa la base de demostración (aparte de la suya), creándola si falta
  --version      muestra la versión

Comandos:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %-18s %s\n", n, c.summary)
	}
	fmt.Fprint(w, `
"comunidad COMANDO --help" muestra las opciones de cada comando.
Código de salida: 0 si todo salió bien, 1 ante un error (con un mensaje de una línea).
`)
}

// open opens the database the global options name. For a command, it
// first passes SQLite's quick_check (the window runs the full integrity
// check), so that a damaged file is said to be so, with how to restore it,
// instead of failing later in SQLite's English; «backup restore», which
// repairs it, opens it as it is. With --demo, the demo database is built
// when it is missing, as the window does.
func (e *env) open(ctx context.Context) (*data.Store, error) {
	if e.office() {
		return e.openOffice(ctx)
	}
	path, err := e.databasePath()
	if err != nil {
		return nil, err
	}
	st, err := data.Open(ctx, path)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if e.command != "" && e.command != "backup restore" && damaged(err) && !errors.Is(err, data.ErrNotDatabase) {
			return nil, errDamagedCommand(path, err)
		}
		return nil, userError{err.Error()}
	}
	if e.command != "" && e.command != "backup restore" {
		if err := st.QuickCheck(ctx); err != nil {
			st.Close()
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			return nil, errDamagedCommand(path, err)
		}
	}
	if e.demo {
		if err := ensureDemo(ctx, st); err != nil {
			st.Close()
			return nil, userError{fmt.Sprintf("no se pudo crear la base de demostración: %s", data.UserMessage(err))}
		}
	}
	return st, nil
}

// errDamagedCommand is a command's refusal of a damaged database, saying
// how to put the newest good backup in its place.
func errDamagedCommand(path string, err error) error {
	return errorf("la base de datos %s está dañada (%s): restaure la copia de seguridad más reciente con «comunidad backup restore 1» "+
		"(«comunidad backup list» las muestra; la base dañada queda guardada aparte)", path, data.UserMessage(err))
}
