package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"comunidad/data"
)

func init() {
	register(&command{
		name:    "backup create",
		args:    "[--reason MOTIVO]",
		summary: "crea una copia de seguridad de la base de datos ahora",
		run:     runBackupCreate,
	})
	register(&command{
		name:    "backup list",
		summary: "lista las copias de seguridad, con su fecha y contenido",
		run:     runBackupList,
	})
	register(&command{
		name:    "backup restore",
		args:    "N|ARCHIVO",
		summary: "restaura una copia (N de \"backup list\", o su archivo), respaldando antes el estado actual",
		run:     runBackupRestore,
	})
	register(&command{
		name:    "backup keep",
		args:    "N",
		summary: "fija cuántas copias de seguridad se conservan",
		run:     runBackupKeep,
	})
}

func runBackupCreate(ctx context.Context, e *env, args []string) error {
	if e.office() {
		return errOfficeBackups
	}
	fs := newFlagSet("backup create")
	reason := fs.String("reason", data.ReasonManual, "motivo que queda en el nombre de la copia")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("backup create no recibe argumentos (vea comunidad backup create --help)")
	}
	st, done, err := e.openWrite(ctx)
	if err != nil {
		return err
	}
	defer done()
	b, err := flows(st).Backup(ctx, *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copia creada: %s (%s, %s, %s)\n", b.Path,
		count(b.Communities, "comunidad", "comunidades"), count(b.Units, "unidad", "unidades"), count(b.People, "persona", "personas"))
	return nil
}

func runBackupList(ctx context.Context, e *env, args []string) error {
	if e.office() {
		return errOfficeBackups
	}
	fs := newFlagSet("backup list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path, err := e.databasePath()
	if err != nil {
		return err
	}
	// Listing opens only the backups, so it works on a damaged database too.
	list, err := data.ListBackups(ctx, path)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "no hay copias de seguridad en %s\n", data.BackupDir(path))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tFECHA\tMOTIVO\tCOMUNIDADES\tUNIDADES\tPERSONAS\tARCHIVO")
	for i, b := range list {
		counts := fmt.Sprintf("%d\t%d\t%d", b.Communities, b.Units, b.People)
		if b.Err != nil {
			counts = "dañada: " + b.Err.Error() + "\t\t"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, b.Time.Local().Format("02-01-2006 15:04:05"), b.Reason, counts, filepath.Base(b.Path))
	}
	return tw.Flush()
}

func runBackupRestore(ctx context.Context, e *env, args []string) error {
	if e.office() {
		return errOfficeBackups
	}
	fs := newFlagSet("backup restore")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errorf("indique qué copia restaurar: su número en \"comunidad backup list\" o su archivo")
	}
	path, err := e.databasePath()
	if err != nil {
		return err
	}
	// Restoring rewrites the whole database: not while a window works on it.
	if err := lockDatabase(path); err != nil {
		return userError{err.Error()}
	}
	backup := fs.Arg(0)
	if n, err := strconv.Atoi(backup); err == nil {
		list, err := data.ListBackups(ctx, path)
		if err != nil {
			return err
		}
		if n < 1 || n > len(list) {
			return errorf("no existe la copia %d: hay %d (vea comunidad backup list)", n, len(list))
		}
		backup = list[n-1].Path
	}
	st, err := e.open(ctx)
	if err != nil {
		if !damaged(err) {
			return err
		}
		// The database does not even open: put the backup in its place.
		aside, rerr := data.RecoverFromBackup(ctx, path, backup)
		if rerr != nil {
			return userError{rerr.Error()}
		}
		fmt.Fprintf(e.stdout, "restaurada %s; la base dañada quedó en %s\n", filepath.Base(backup), aside)
		return nil
	}
	defer st.Close()
	if ierr := st.IntegrityCheck(ctx); ierr != nil {
		st.Close()
		aside, rerr := data.RecoverFromBackup(ctx, path, backup)
		if rerr != nil {
			return userError{rerr.Error()}
		}
		fmt.Fprintf(e.stdout, "restaurada %s; la base dañada quedó en %s\n", filepath.Base(backup), aside)
		return nil
	}
	before, err := flows(st).Restore(ctx, backup)
	if err != nil {
		return userError{err.Error()}
	}
	fmt.Fprintf(e.stdout, "restaurada %s; el estado anterior quedó en %s\n", filepath.Base(backup), before.Path)
	return nil
}

func runBackupKeep(ctx context.Context, e *env, args []string) error {
	if e.office() {
		return errOfficeBackups
	}
	fs := newFlagSet("backup keep")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errorf("indique cuántas copias conservar (1 a %d)", data.MaxBackupKeep)
	}
	n, err := strconv.Atoi(fs.Arg(0))
	if err != nil {
		return errorf("%q no es un número de copias", fs.Arg(0))
	}
	st, done, err := e.openWrite(ctx)
	if err != nil {
		return err
	}
	defer done()
	if err := flows(st).SetBackupKeep(ctx, n); err != nil {
		return userError{err.Error()}
	}
	fmt.Fprintf(e.stdout, "se conservarán las últimas %d copias\n", n)
	return nil
}

// errOfficeBackups is a backup command on the office database: its server
// keeps the backups (the app does not pretend to), and db export writes a
// copy Comunidad opens.
var errOfficeBackups = userError{"la base de datos de la oficina (PostgreSQL) la respalda su servidor, no Comunidad: pida sus copias a quien lo administra (pg_dump); " +
	"«comunidad db export ARCHIVO» guarda en un archivo una copia que Comunidad abre"}
