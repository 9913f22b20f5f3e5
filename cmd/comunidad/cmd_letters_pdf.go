package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"comunidad/app/letter"
	"comunidad/app/workflow"
)

func init() {
	register(&command{
		name:    "letters pdf",
		args:    "--out RUTA [--combined] (--units CÓDIGO,CÓDIGO... | --all | --new) [--template NOMBRE] [--recipients main|all] [--community NOMBRE]",
		summary: "genera la carta de bienvenida en PDF: un archivo por destinatario en la carpeta RUTA, o uno solo con --combined",
		run:     runLettersPDF,
	})
}

func runLettersPDF(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("letters pdf")
	out := fs.String("out", "", "carpeta de las cartas (o, con --combined, el archivo PDF)")
	combined := fs.Bool("combined", false, "un solo PDF con todas las cartas, para imprimir")
	units := fs.String("units", "", "códigos de las unidades, separados por comas")
	all := fs.Bool("all", false, "todas las unidades")
	newcomers := fs.Bool("new", false, "las personas que llegaron con la última importación")
	tpl := fs.String("template", "", "nombre de la plantilla de carta (por omisión, la predeterminada)")
	who := fs.String("recipients", string(letter.MainAccount), "main: la cuenta principal de cada unidad; all: todos sus usuarios")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("letters pdf: argumento de más %q (vea comunidad letters pdf --help)", fs.Arg(0))
	}
	if strings.TrimSpace(*out) == "" {
		return errorf("letters pdf: falta --out: la carpeta de las cartas (o el archivo, con --combined)")
	}
	if n := btoi(*units != "") + btoi(*all) + btoi(*newcomers); n > 1 {
		return errorf("letters pdf: use solo una de --units, --all o --new")
	} else if n == 0 {
		return errorf("letters pdf: elija las unidades con --units CÓDIGO,CÓDIGO..., todas con --all, o los nuevos de la última importación con --new")
	}
	if *who != string(letter.MainAccount) && *who != string(letter.AllUsers) {
		return errorf("letters pdf: --recipients debe ser main (cuenta principal) o all (todos los usuarios), no %q", *who)
	}
	if *combined {
		if info, err := os.Stat(*out); err == nil && info.IsDir() {
			return errorf("letters pdf: con --combined, --out es el archivo PDF a escribir y %s es una carpeta", *out)
		}
	} else if info, err := os.Stat(*out); err == nil && !info.IsDir() {
		return errorf("letters pdf: %s es un archivo: sin --combined, --out es la carpeta donde quedan las cartas", *out)
	}

	st, c, done, err := e.openCommunity(ctx, *comm, false)
	if err != nil {
		return err
	}
	defer done()
	var ids []int64
	if *units != "" {
		if ids, err = unitIDs(ctx, st, c, *units); err != nil {
			return errorf("letters pdf: %v", err)
		}
		if len(ids) == 0 {
			return errorf("letters pdf: --units no nombra ninguna unidad")
		}
	}
	letters, err := flows(st).PrepareLetters(ctx, c, workflow.LettersRequest{Template: *tpl, UnitIDs: ids, Recipients: letter.Recipients(*who), AllUnits: *all, New: *newcomers})
	if err != nil {
		return userError{"letters pdf: " + err.Error()}
	}
	sel := letters.Selection
	for _, s := range sel.Skipped {
		fmt.Fprintf(e.stderr, "aviso: la unidad %s no tiene a quién dirigir la carta (sin usuarios o sin cuenta principal)\n", s.UnitCode)
	}
	if len(sel.Rows) == 0 {
		return errorf("letters pdf: ninguna de las unidades elegidas tiene destinatarios")
	}
	fmt.Fprintln(e.stdout, casesLine(letters.Cases()))
	paths, err := letters.Write(ctx, *out, *combined, nil)
	if err != nil {
		if len(paths) > 0 && !errors.Is(err, context.Canceled) {
			// The letters already written are whole; say so, and stop.
			done := "quedó 1 carta completa"
			if len(paths) > 1 {
				done = fmt.Sprintf("quedaron %d cartas completas", len(paths))
			}
			return userError{fmt.Sprintf("letters pdf: %v (%s en %s; las demás no se escribieron)", err, done, *out)}
		}
		return pdfError(err)
	}
	if *combined {
		fmt.Fprintf(e.stdout, "%s (plantilla «%s») en %s\n", count(len(sel.Rows), "carta", "cartas"), letters.Template.Name, *out)
		return nil
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(e.stdout, "%s (plantilla «%s») en %s\n", count(len(paths), "carta", "cartas"), letters.Template.Name, abs)
	return nil
}

// pdfError puts a template's problems or a file error on one user line.
func pdfError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return userError{"letters pdf: " + err.Error()}
}

// casesLine is how many recipients are in each account case, as a plan
// says it before anything is written or sent.
func casesLine(n map[letter.Account]int) string {
	var parts []string
	for _, a := range letter.Accounts {
		parts = append(parts, fmt.Sprintf("%s: %d", a.Label(), n[a]))
	}
	return "Destinatarios " + strings.Join(parts, "; ") + "."
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
