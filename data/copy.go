package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrNotEmpty is a copy into a database that already holds communities.
var ErrNotEmpty = errors.New("la base de datos de destino ya tiene comunidades: la copia va a una base vacía")

// CopyCount is how many rows of one table a copy wrote, and found again.
type CopyCount struct {
	Table string
	Rows  int
}

// CopyReport says what Copy wrote, table by table, in the order written.
type CopyReport struct {
	Communities []string // their names, in the order of their ids
	Tables      []CopyCount
}

// Rows is the total of rows written.
func (r CopyReport) Rows() int {
	n := 0
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// copyTables are the tables a copy writes, parents before children, and
// how each one's rows belong to a community: a condition on the table where
// %s stands for «IN (ids)». outbox_lock is left out: it is a sender's claim
// on the database it runs on, meaningless in another.
var copyTables = []struct{ name, community string }{
	{"communities", "id%s"},
	{"units", "community_id%s"},
	{"people", "community_id%s"},
	{"memberships", "unit_id IN (SELECT id FROM units WHERE community_id%s)"},
	{"secondary_emails", "unit_id IN (SELECT id FROM units WHERE community_id%s)"},
	{"accounts", "community_id%s"},
	{"settings", "community_id%s"},
	{"templates", "community_id%s"},
	{"sync_runs", "community_id%s"},
	{"outbox", "community_id%s"},
}

// Copy writes communities of src (all when ids is empty) into dst, which
// must hold none, with everything they carry: units, people, memberships,
// secondary emails, accounts, settings, templates, the import history and
// the outbox, under the same ids. It is one transaction on dst, read from
// one consistent view of src, and the rows of each table are counted again
// in dst before it commits: a copy is whole or is not there. dst's own
// identity (InstallationID) is kept unless every community is copied into
// it, where it takes src's, so that this computer's credentials for the
// database still apply (an office moving in from its file). The
// application-wide settings go with either.
func Copy(ctx context.Context, src, dst *Store, ids []int64, progress func(table string)) (CopyReport, error) {
	var rep CopyReport
	sv, err := src.SchemaVersion(ctx)
	if err != nil {
		return rep, fmt.Errorf("copiar: %w", err)
	}
	dv, err := dst.SchemaVersion(ctx)
	if err != nil {
		return rep, fmt.Errorf("copiar: %w", err)
	}
	if sv != dv {
		return rep, fmt.Errorf("copiar: el origen está en la versión %d del esquema y el destino en la %d", sv, dv)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if src.w.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	rtx, err := src.r.BeginTx(ctx, opts)
	if err != nil {
		return rep, fmt.Errorf("copiar: leer el origen: %w", err)
	}
	defer rtx.Rollback()

	all := len(ids) == 0
	if all {
		if ids, err = queryAll(ctx, rtx, func(row scanner) (id int64, err error) { return id, row.Scan(&id) },
			`SELECT id FROM communities ORDER BY id`); err != nil {
			return rep, fmt.Errorf("copiar: %w", err)
		}
	}
	if len(ids) == 0 {
		return rep, errors.New("copiar: el origen no tiene comunidades")
	}
	in := inList(ids)

	err = dst.Tx(ctx, func(tx *DBTx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM communities`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotEmpty
		}
		for _, t := range copyTables {
			if progress != nil {
				progress(t.name)
			}
			where := fmt.Sprintf(t.community, in)
			if t.name == "settings" {
				// The application-wide settings (community 0) are the
				// source's; the identity only with the whole database.
				keep := ""
				where = "(" + where + " OR community_id = " + fmt.Sprint(Global) + ")"
				if !all {
					keep = " AND key <> '" + keyInstallation + "'"
					where += keep
				}
				if !tx.pg {
					// A file cannot undo an office import: its record and
					// its image of the community stay behind.
					where += " AND key NOT LIKE '" + OfficeUndoKey + "%'"
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE community_id = ?`+keep, Global); err != nil {
					return err
				}
			}
			wrote, err := copyTable(ctx, rtx, tx, t.name, where)
			if err != nil {
				return fmt.Errorf("copiar %s: %w", t.name, err)
			}
			var found int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+` WHERE `+where).Scan(&found); err != nil {
				return fmt.Errorf("contar %s: %w", t.name, err)
			}
			var want int
			if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name+` WHERE `+where).Scan(&want); err != nil {
				return fmt.Errorf("contar %s: %w", t.name, err)
			}
			if found != want || wrote != want {
				return fmt.Errorf("copiar %s: el origen tiene %d filas, se escribieron %d y el destino tiene %d", t.name, want, wrote, found)
			}
			rep.Tables = append(rep.Tables, CopyCount{Table: t.name, Rows: found})
		}
		if err := resyncIDs(ctx, tx, tx.pg); err != nil {
			return err
		}
		rep.Communities, err = queryAll(ctx, tx, scanString, `SELECT name FROM communities ORDER BY id`)
		return err
	})
	if err != nil {
		return CopyReport{}, err
	}
	return rep, nil
}

// copyTable writes into tx the rows of table in rtx that match where, all
// their columns under their names, many rows to an INSERT; it returns how
// many it wrote.
func copyTable(ctx context.Context, rtx *DBTx, tx *DBTx, table, where string) (int, error) {
	rows, err := rtx.QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+where)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	ins := newBatcher(ctx, tx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `, row)
	defer ins.close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b) // SQLite may hand text as bytes; the schema has no blobs
			}
			if err := ins.add(v); err != nil {
				return n, err
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, ins.flush()
}

// inList is « IN (1, 2, 3)» for ids (numbers, so written into the query).
func inList(ids []int64) string {
	var sb strings.Builder
	sb.WriteString(" IN (")
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprint(&sb, id)
	}
	sb.WriteString(")")
	return sb.String()
}
