package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"comunidad/app/kastor"
	"comunidad/app/workflow"
	"comunidad/data"
)

func init() {
	register(&command{
		name:    "sync",
		args:    "ARCHIVO|URL [--community NOMBRE] [--token TOKEN] [--dry-run] [--yes] [--json] | --undo [--community NOMBRE]",
		summary: "importa una exportación de Kastor (.xlsx, .csv o URL); crea la comunidad la primera vez; --dry-run muestra qué cambiaría, --undo deshace la última importación",
		run:     runSync,
	})
	register(&command{
		name:    "units",
		args:    "[--community NOMBRE] [--format table|csv|json]",
		summary: "lista las unidades (inmuebles) de la comunidad",
		run:     runUnits,
	})
	register(&command{
		name:    "users",
		args:    "[--community NOMBRE] [--format table|csv|json]",
		summary: "lista los usuarios de cada unidad (Kastor, agregados y correos secundarios)",
		run:     runUsers,
	})
}

// envKastorToken is read when --token is not given.
const envKastorToken = "KASTOR_TOKEN"

// parseInterleaved parses flags given before or after the positional
// arguments ("sync x.xlsx --json" as well as "sync --json x.xlsx").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

type syncOutput struct {
	data.SyncReport
	Layout string `json:"layout"`
	Rows   int    `json:"rows"`
	Sheet  string `json:"sheet,omitempty"`
}

// syncProgress, when set, is told how far «sync» got (0..1; from 0.5 on
// it writes, inside its one transaction). Only tests set it: a helper
// process stops there to be killed mid-write (TestKilledMidSync).
var syncProgress func(float64)

func runSync(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("sync")
	name := fs.String("community", "", "comunidad a la que importar: la nombrada (se crea si no existe) o la única que hay")
	token := fs.String("token", "", "token de la URL de Kastor (por omisión, KASTOR_TOKEN o el guardado en Configuración)")
	asJSON := fs.Bool("json", false, "el informe en JSON")
	dryRun := fs.Bool("dry-run", false, "muestra qué cambiaría la importación (y sus advertencias) sin escribir nada")
	yes := fs.Bool("yes", false, "importa aunque la importación parezca un error (otra comunidad, muchas unidades o personas archivadas, muy pocas filas)")
	undo := fs.Bool("undo", false, "deshace la última importación de la comunidad, si nada cambió después")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *undo {
		if len(pos) != 0 || *dryRun || *yes {
			return errorf("sync --undo no lleva archivo ni otras opciones que --community")
		}
		return runSyncUndo(ctx, e, *name)
	}
	if len(pos) != 1 {
		return errorf("sync: indique un archivo .xlsx o .csv, o una URL (vea comunidad sync --help)")
	}
	source := pos[0]
	// A dry run only reads: it works while the window has the database.
	st, done, err := e.openFor(ctx, !*dryRun)
	if err != nil {
		return err
	}
	defer done()

	// The community, if it exists already: by --community, or the only one.
	target, err := flows(st).ImportTarget(ctx, *name)
	if err != nil {
		return err
	}
	req := workflow.ImportRequest{Source: source, CommunityID: target.CommunityID, Token: *token, AcceptGuards: *yes, Progress: syncProgress}
	if req.Token == "" {
		req.Token = os.Getenv(envKastorToken)
	}
	im, err := flows(st).ReadImport(ctx, req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return userError{err.Error()}
	}
	if target, err = im.Target(ctx, target); err != nil {
		var several *workflow.SeveralCommunitiesError
		if errors.As(err, &several) {
			return errorf("hay %d comunidades: elija a cuál importar con --community", several.N)
		}
		return err
	}
	if *dryRun {
		pv, err := im.Preview(ctx, target)
		if err != nil {
			return userError{fmt.Sprintf("no se puede importar: %v", err)}
		}
		return printPreview(e.stdout, im, pv, *asJSON)
	}
	rep, err := im.Save(ctx, target)
	if err != nil {
		var backup *workflow.BackupError
		var taken *workflow.NameTakenError
		var guards *workflow.GuardError
		switch {
		case errors.Is(err, context.Canceled):
			return err
		case errors.As(err, &guards):
			return errorf("no se importó nada: %v. Revise qué cambiaría con «comunidad sync %s --dry-run», o importe de todos modos con --yes", guards, source)
		case errors.As(err, &backup):
			return errorf("no se importó nada: %v", backup)
		case errors.As(err, &taken):
			return errorf("no se importó nada: ya existe la comunidad «%s»", taken.Community.Name)
		}
		return userError{fmt.Sprintf("no se importó nada: %v", err)}
	}
	res := im.Result
	out := syncOutput{SyncReport: rep, Layout: res.Layout.String(), Rows: res.Rows, Sheet: res.Sheet}
	if out.Problems == nil {
		out.Problems = []data.SyncProblem{}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printReport(e.stdout, out)
	return nil
}

// previewOutput is «sync --dry-run --json».
type previewOutput struct {
	Community string             `json:"community"`
	New       bool               `json:"new_community"`
	Layout    string             `json:"layout"`
	Rows      int                `json:"rows"`
	Units     data.PlanCounts    `json:"units"`
	People    data.PlanCounts    `json:"people"`
	Warnings  []string           `json:"warnings"`
	Problems  []data.SyncProblem `json:"problems"`
}

// printPreview prints what an import would do: the counts of units and
// people (new, updated, unchanged, archived, restored), the warnings of
// its guard rails and the observations. Nothing was written.
func printPreview(w io.Writer, im *workflow.Import, pv *workflow.Preview, asJSON bool) error {
	out := previewOutput{Community: pv.Community.Name, New: pv.Community.ID == 0, Layout: im.Result.Layout.String(), Rows: im.Result.Rows,
		Units: pv.Plan.UnitCounts, People: pv.Plan.PeopleCounts, Warnings: []string{}, Problems: pv.Plan.Problems}
	if out.New {
		out.Community = pv.Target.CommunityName
		if out.Community == "" {
			out.Community = im.Result.SuggestedName()
		}
	}
	for _, g := range pv.Guards {
		out.Warnings = append(out.Warnings, g.Message)
	}
	if out.Problems == nil {
		out.Problems = []data.SyncProblem{}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	what := "se actualizaría"
	if out.New {
		what = "se crearía"
	}
	fmt.Fprintf(w, "Vista previa (no se escribió nada): %s la comunidad %s\n", what, out.Community)
	fmt.Fprintf(w, "Origen:    %s (%s, %d filas)\n", kastor.Describe(im.Source), out.Layout, out.Rows)
	u, p := out.Units, out.People
	fmt.Fprintf(w, "Unidades:  %d nuevas, %d actualizadas, %d sin cambios, %d archivadas, %d restauradas\n", u.New, u.Updated, u.Unchanged, u.Archived, u.Restored)
	fmt.Fprintf(w, "Personas:  %d nuevas, %d actualizadas, %d sin cambios, %d archivadas, %d restauradas\n", p.New, p.Updated, p.Unchanged, p.Archived, p.Restored)
	if !pv.Plan.Changed() {
		fmt.Fprintln(w, "Sin cambios: la exportación es igual a lo ya importado.")
	}
	for _, m := range out.Warnings {
		fmt.Fprintf(w, "Atención: %s (importar exigirá --yes)\n", m)
	}
	if len(out.Problems) == 0 {
		fmt.Fprintln(w, "Sin observaciones.")
		return nil
	}
	fmt.Fprintf(w, "Observaciones (%d):\n", len(out.Problems))
	for _, pr := range out.Problems {
		fmt.Fprintf(w, "  %s\n", pr)
	}
	return nil
}

// runSyncUndo is «sync --undo»: the community's last import undone.
func runSyncUndo(ctx context.Context, e *env, name string) error {
	st, c, done, err := e.openCommunity(ctx, name, true)
	if err != nil {
		return err
	}
	defer done()
	u, err := flows(st).UndoLastImport(ctx, c.ID)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return userError{fmt.Sprintf("%s: %v", c.Name, err)}
	}
	fmt.Fprintf(e.stdout, "Se deshizo la importación del %s en %s (había hecho: unidades %d nuevas, %d actualizadas, %d archivadas; usuarios %d nuevos, %d actualizados, %d archivados).\n",
		u.At.Local().Format("02-01-2006 15:04"), c.Name, u.Units.New, u.Units.Updated, u.Units.Archived, u.Users.New, u.Users.Updated, u.Users.Archived)
	if u.Removed {
		fmt.Fprintf(e.stdout, "La importación había creado la comunidad %s: ya no está.\n", c.Name)
	}
	if u.Before != "" {
		fmt.Fprintf(e.stdout, "El estado deshecho quedó en %s\n", u.Before)
	}
	return nil
}

func printReport(w io.Writer, r syncOutput) {
	fmt.Fprintf(w, "Comunidad: %s\n", r.Community)
	fmt.Fprintf(w, "Origen:    %s (%s, %d filas)\n", r.Source, r.Layout, r.Rows)
	fmt.Fprintf(w, "Unidades:  %d nuevas, %d actualizadas, %d sin cambios, %d archivadas\n",
		r.Units.New, r.Units.Updated, r.Units.Unchanged, r.Units.Archived)
	fmt.Fprintf(w, "Usuarios:  %d nuevos, %d actualizados, %d sin cambios, %d archivados\n",
		r.Users.New, r.Users.Updated, r.Users.Unchanged, r.Users.Archived)
	if !r.Changed() {
		fmt.Fprintln(w, "Sin cambios: la exportación es igual a lo ya importado.")
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "Sin observaciones.")
		return
	}
	fmt.Fprintf(w, "Observaciones (%d):\n", len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

// csvSafe neutralises cells a spreadsheet would run as a formula (OWASP's
// CSV injection): one starting with =, +, -, @, a tab or a carriage return
// gets a leading apostrophe, which Excel and LibreOffice show as text. A
// phone "+56 9 ..." reads "'+56 9 ...". JSON output is left as it is.
func csvSafe(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// listFormat reads --format.
func listFormat(fs *flag.FlagSet) *string {
	return fs.String("format", "table", "table (una tabla), csv o json")
}

func checkFormat(cmd, f string) error {
	switch f {
	case "table", "csv", "json":
		return nil
	}
	return errorf("%s: formato %q desconocido: use table, csv o json", cmd, f)
}

func runUnits(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("units")
	name := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	format := listFormat(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat("units", *format); err != nil {
		return err
	}
	st, c, done, err := e.openCommunity(ctx, *name, false)
	if err != nil {
		return err
	}
	defer done()
	units, err := st.Units(ctx, c.ID)
	if err != nil {
		return err
	}
	type unitJSON struct {
		Community string  `json:"community"`
		Code      string  `json:"code"`
		Name      string  `json:"name"`
		Assigned  string  `json:"assigned"`
		Sector    string  `json:"sector"`
		Floor     string  `json:"floor"`
		Factor    float64 `json:"factor"`
		Archived  bool    `json:"archived"`
	}
	switch *format {
	case "json":
		out := make([]unitJSON, 0, len(units))
		for _, u := range units {
			out = append(out, unitJSON{c.Name, u.Code, u.Name, u.Assigned, u.Sector, u.Floor, u.Factor, u.Archived})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"community", "code", "name", "assigned", "sector", "floor", "factor", "archived"})
		for _, u := range units {
			w.Write(csvSafe([]string{c.Name, u.Code, u.Name, u.Assigned, u.Sector, u.Floor,
				strconv.FormatFloat(u.Factor, 'f', -1, 64), strconv.FormatBool(u.Archived)}))
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CÓDIGO\tNOMBRE\tUNIDADES ASIGNADAS\tSECTOR\tPISO\tFACTOR\tESTADO")
	for _, u := range units {
		state := ""
		if u.Archived {
			state = "archivada"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Code, u.Name, u.Assigned, u.Sector, u.Floor,
			strings.Replace(strconv.FormatFloat(u.Factor, 'f', -1, 64), ".", ",", 1), state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, count(len(units), "unidad", "unidades"))
	return nil
}

// userJSON is one line of `comunidad users --format csv|json`: scripts and
// tests read these keys.
type userJSON struct {
	Community  string `json:"community"`
	UnitCode   string `json:"unit_code"`
	UnitName   string `json:"unit_name"`
	Role       string `json:"role"`
	Origin     string `json:"origin"`
	FirstNames string `json:"first_names"`
	LastNames  string `json:"last_names"`
	RUT        string `json:"rut"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	UserType   string `json:"user_type"`
	Archived   bool   `json:"archived"`
}

var userCSVHeader = []string{"community", "unit_code", "unit_name", "role", "origin", "first_names", "last_names",
	"rut", "email", "phone", "user_type", "archived"}

func runUsers(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("users")
	name := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	format := listFormat(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("users: argumento inesperado %q (vea comunidad --help)", fs.Arg(0))
	}
	if err := checkFormat("users", *format); err != nil {
		return err
	}
	st, c, done, err := e.openCommunity(ctx, *name, false)
	if err != nil {
		return err
	}
	defer done()
	rows, err := st.UserRows(ctx, c.ID)
	if err != nil {
		return err
	}
	users := make([]userJSON, 0, len(rows))
	for _, r := range rows {
		if r.Empty() {
			continue // a unit without users
		}
		users = append(users, userJSON{
			Community: r.Community, UnitCode: r.UnitCode, UnitName: r.UnitName, Role: string(r.Role),
			Origin: string(r.Origin), FirstNames: r.FirstNames, LastNames: r.LastNames, RUT: r.RUT,
			Email: r.Email, Phone: r.Phone, UserType: string(r.Type), Archived: r.Archived || r.UnitArchived,
		})
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(users)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write(userCSVHeader)
		for _, u := range users {
			w.Write(csvSafe([]string{u.Community, u.UnitCode, u.UnitName, u.Role, u.Origin, u.FirstNames, u.LastNames,
				u.RUT, u.Email, u.Phone, u.UserType, strconv.FormatBool(u.Archived)}))
		}
		w.Flush()
		return w.Error()
	}
	roles := map[string]string{"main": "principal", "additional": "adicional", "secondary_email": "correo secundario"}
	origins := map[string]string{"kastor": "Kastor", "local": "agregado"}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UNIDAD\tROL\tORIGEN\tNOMBRES\tAPELLIDOS\tRUT\tCORREO\tTIPO\tESTADO")
	for _, u := range users {
		state := ""
		if u.Archived {
			state = "archivado"
		}
		rut := u.RUT
		if rut != "" {
			rut = data.FormatRUT(rut)
		}
		typ := ""
		if u.UserType != "" {
			typ = data.UserType(u.UserType).Label()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.UnitCode, roles[u.Role], origins[u.Origin],
			u.FirstNames, u.LastNames, rut, u.Email, typ, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, count(len(users), "usuario", "usuarios"))
	return nil
}
