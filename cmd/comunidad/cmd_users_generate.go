package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"comunidad/data"
)

func init() {
	register(&command{
		name:    "users generate",
		args:    "--out ARCHIVO.xlsx [--community NOMBRE] [--units CÓDIGO,CÓDIGO...]",
		summary: "crea las cuentas del portal que faltan (propietarios y cuentas principales de Kastor, usuarios agregados) y escribe el Excel de usuarios",
		run:     runUsersGenerate,
	})
}

func runUsersGenerate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("users generate")
	out := fs.String("out", "", "archivo Excel (.xlsx) donde guardar los usuarios")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	units := fs.String("units", "", "códigos de las unidades, separados por comas (por omisión, todas)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("users generate: argumento de más %q (vea comunidad users generate --help)", fs.Arg(0))
	}
	path := strings.TrimSpace(*out)
	if path == "" {
		return errorf("users generate: falta --out ARCHIVO.xlsx (dónde guardar el Excel de usuarios)")
	}
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return errorf("users generate: el archivo %q debe terminar en .xlsx", path)
	}
	st, c, done, err := e.openCommunity(ctx, *comm, true)
	if err != nil {
		return err
	}
	defer done()
	var ids []int64
	for _, code := range strings.Split(*units, ",") {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		u, err := st.UnitByCode(ctx, c.ID, code)
		if errors.Is(err, data.ErrNotFound) {
			return errorf("users generate: no existe la unidad %q en %s", code, c.Name)
		}
		if err != nil {
			return err
		}
		if u.Archived {
			return errorf("users generate: la unidad %q está archivada (ya no viene en Kastor)", code)
		}
		ids = append(ids, u.ID)
	}
	if strings.TrimSpace(*units) != "" && len(ids) == 0 {
		return errorf("users generate: --units no nombra ninguna unidad")
	}
	rep, err := flows(st).GenerateUsersFile(ctx, c, ids, path)
	if errors.Is(err, context.Canceled) {
		return err
	}
	if err != nil {
		return userError{"users generate: " + err.Error()}
	}
	abs, _ := filepath.Abs(path)
	printGenerateReport(e.stdout, rep, abs)
	return nil
}

// printGenerateReport prints the counts and, one per line, who was left
// without an account and why.
func printGenerateReport(w io.Writer, rep data.AccountsReport, path string) {
	fmt.Fprintf(w, "Comunidad: %s\n", rep.Community.Name)
	fmt.Fprintf(w, "Cuentas: %d nuevas, %d ya existían.\n", len(rep.Created), len(rep.Existing))
	fmt.Fprintf(w, "Archivo: %s (%s en %s)\n", path, count(len(rep.Rows), "usuario", "usuarios"), count(rep.Units, "unidad", "unidades"))
	switch {
	case rep.NotEligible == 1:
		fmt.Fprintln(w, "1 usuario de Kastor no es propietario ni cuenta principal: no se le crea cuenta.")
	case rep.NotEligible > 0:
		fmt.Fprintf(w, "%d usuarios de Kastor no son propietarios ni cuenta principal: no se les crea cuenta.\n", rep.NotEligible)
	}
	if len(rep.Excluded) > 0 {
		fmt.Fprintf(w, "Sin cuenta (%d):\n", len(rep.Excluded))
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, x := range rep.Excluded {
			who := x.FullName()
			if x.PersonID == 0 {
				who = "correo secundario"
			}
			if x.Email != "" {
				who += " <" + strings.TrimSpace(x.Email) + ">"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.Join(x.Units, ", "), strings.TrimSpace(who), x.Message())
		}
		tw.Flush()
	}
	if len(rep.EmptyUnits) > 0 {
		codes := make([]string, len(rep.EmptyUnits))
		for i, u := range rep.EmptyUnits {
			codes[i] = u.UnitCode
		}
		fmt.Fprintf(w, "Unidades sin usuarios (%d): %s\n", len(codes), strings.Join(codes, ", "))
	}
}
