package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Undoing an import on the office database. On a file, an import is undone
// by putting back the copy of the whole file made just before it (backup.go,
// workflow's UndoLastImport). The office database keeps no such copies, and
// other desktops work on its other communities meanwhile: so an import there
// keeps, in its own transaction, the community as it was before it (its
// units, people and users of units, and its own row) and a fingerprint of
// the community right after it. Undoing compares the fingerprint with the
// community now, table by table, and puts the rows back only when nothing
// of that community changed since; what other communities do is no reason
// to refuse.

// OfficeUndoKey is the setting (per community) where an import on the office
// database keeps what undoing it needs; the fingerprints leave it out.
const OfficeUndoKey = "import.undo.office"

// OfficeUndo is the last import of a community on the office database, as
// undoing it needs it.
type OfficeUndo struct {
	RunID   int64      `json:"run_id"`
	At      time.Time  `json:"at"`
	Created bool       `json:"created"` // the import created the community: undoing removes it
	Units   SyncCounts `json:"units"`
	Users   SyncCounts `json:"users"`
}

// ChangedSinceImportError refuses to undo an import after which something
// of its community changed: undoing would lose that too. Tables are the
// tables where it changed, by name.
type ChangedSinceImportError struct {
	At     time.Time
	Tables []string
}

func (e *ChangedSinceImportError) Error() string {
	return fmt.Sprintf("no se deshizo la importación del %s: después cambiaron %s", e.At.Local().Format("02-01-2006 15:04"), strings.Join(e.Tables, ", "))
}

// ErrNoOfficeUndo is a community with no import to undo on the office
// database (none changed anything since it was kept, or it was undone).
var ErrNoOfficeUndo = errors.New("no hay una importación que deshacer")

// communityParts is what a community's fingerprint covers: each table
// holding its rows, how they are found (?1 is the community) and what of a
// row counts. An outbox row is fingerprinted by its state, not its letter
// (the bodies are large, and a letter's text never changes without its
// updated_at). TestFingerprintCoversEveryCommunityTable keeps this list
// whole when the schema grows.
var communityParts = []struct{ table, from, row string }{
	{"communities", `communities t WHERE t.id = ?1`, `t::text`},
	{"units", `units t WHERE t.community_id = ?1`, `t::text`},
	{"people", `people t WHERE t.community_id = ?1`, `t::text`},
	{"memberships", `memberships t JOIN units u ON u.id = t.unit_id WHERE u.community_id = ?1`, `t::text`},
	{"secondary_emails", `secondary_emails t JOIN units u ON u.id = t.unit_id WHERE u.community_id = ?1`, `t::text`},
	{"accounts", `accounts t WHERE t.community_id = ?1`, `t::text`},
	{"settings", `settings t WHERE t.community_id = ?1 AND ` + notUndoKey("t.key"), `t::text`},
	{"templates", `templates t WHERE t.community_id = ?1`, `t::text`},
	{"outbox", `outbox t WHERE t.community_id = ?1`,
		`concat_ws(':', t.id, t.state, t.attempts, t.updated_at, t.sent_at, t.committed_at, t.to_addr, t.person_id, t.unit_id)`},
}

// fingerprintSQL is one row of one text column: a JSON object with, for
// each table, the number of the community's rows (community ?1) and the
// sum of their rows' 64-bit hashes (no sort, no text the size of the
// table: a 10,000-inmueble community is fingerprinted in a fraction of its
// import).
func fingerprintSQL() string {
	parts := make([]string, len(communityParts))
	for i, p := range communityParts {
		parts[i] = fmt.Sprintf(`'%s', (SELECT count(*) || ':' || coalesce(sum(hashtextextended(%s, 0)), 0) FROM %s)`, p.table, p.row, p.from)
	}
	return `SELECT CAST(jsonb_build_object(` + strings.Join(parts, ", ") + `) AS TEXT)`
}

func communityFingerprint(ctx context.Context, tx *DBTx, community int64) (map[string]string, error) {
	var s string
	if err := tx.QueryRowContext(ctx, fingerprintSQL(), community).Scan(&s); err != nil {
		return nil, fmt.Errorf("huella de la comunidad: %w", err)
	}
	out := map[string]string{}
	return out, json.Unmarshal([]byte(s), &out)
}

// The image of a community, kept in settings beside OfficeUndoKey, one
// setting a part: each a JSON array of the part's rows (its own row for
// "community") as the server writes them (json, not jsonb: written and
// read in one pass). The server builds and reads them: the rows never
// travel to the desktop.
var imageParts = []struct{ part, query string }{
	{"community", `SELECT CAST(row_to_json(t) AS TEXT) FROM communities t WHERE t.id = ?1`},
	{"units", `SELECT coalesce(CAST(json_agg(t) AS TEXT), '[]') FROM units t WHERE t.community_id = ?1`},
	{"people", `SELECT coalesce(CAST(json_agg(t) AS TEXT), '[]') FROM people t WHERE t.community_id = ?1`},
	{"memberships", `SELECT coalesce(CAST(json_agg(t) AS TEXT), '[]') FROM memberships t JOIN units u ON u.id = t.unit_id WHERE u.community_id = ?1`},
}

func imageKey(part string) string { return OfficeUndoKey + "." + part }

// captureImage keeps the community as it is now, before the import writes
// (in the import's transaction).
func captureImage(ctx context.Context, tx *DBTx, community int64) error {
	for _, p := range imageParts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (community_id, key, value) SELECT ?1, ?2, (`+p.query+`)
			ON CONFLICT (community_id, key) DO UPDATE SET value = excluded.value`, community, imageKey(p.part)); err != nil {
			return fmt.Errorf("guardar la comunidad antes de importar: %w", err)
		}
	}
	return nil
}

// forgetOfficeUndo removes a community's undo record and image.
func forgetOfficeUndo(ctx context.Context, tx *DBTx, community int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE community_id = ? AND (key = ? OR key LIKE ?)`, community, OfficeUndoKey, OfficeUndoKey+".%")
	return err
}

// recordOfficeUndo keeps, inside the import's transaction, what undoing it
// needs beside the image captured before it (none for a community it
// created, which has no undo records either: undoing removes it): the
// fingerprint of the community as the import leaves it. An import that
// changed nothing leaves nothing to undo.
func recordOfficeUndo(ctx context.Context, tx *DBTx, rep SyncReport, created bool) error {
	if !rep.Changed() {
		return forgetOfficeUndo(ctx, tx, rep.CommunityID)
	}
	after, err := communityFingerprint(ctx, tx, rep.CommunityID)
	if err != nil {
		return err
	}
	rec, err := json.Marshal(officeUndoRecord{OfficeUndo: OfficeUndo{RunID: rep.ID, At: rep.FinishedAt, Created: created, Units: rep.Units, Users: rep.Users}, After: after})
	if err != nil {
		return err
	}
	if err := SetSettingTx(ctx, tx, rep.CommunityID, OfficeUndoKey, string(rec)); err != nil {
		return fmt.Errorf("guardar lo necesario para deshacer la importación: %w", err)
	}
	return nil
}

// officeUndoRecord is the setting OfficeUndoKey: the import, and the
// community's fingerprint right after it.
type officeUndoRecord struct {
	OfficeUndo
	After map[string]string `json:"after"`
}

// officeUndoMeta reads the last import's record.
func officeUndoMeta(ctx context.Context, q Querier, community int64) (OfficeUndo, map[string]string, bool, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE community_id = ? AND key = ?`, community, OfficeUndoKey).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return OfficeUndo{}, nil, false, nil
	}
	if err != nil {
		return OfficeUndo{}, nil, false, fmt.Errorf("leer la última importación: %w", err)
	}
	var rec officeUndoRecord
	if err := json.Unmarshal([]byte(s), &rec); err != nil || rec.RunID == 0 {
		return OfficeUndo{}, nil, false, nil
	}
	return rec.OfficeUndo, rec.After, true, nil
}

// OfficeUndoInfo says whether the community's last import on the office
// database can be undone, and what it did.
func (s *Store) OfficeUndoInfo(ctx context.Context, community int64) (OfficeUndo, bool, error) {
	if !s.w.pg {
		return OfficeUndo{}, false, nil
	}
	u, _, ok, err := officeUndoMeta(ctx, s.r, community)
	return u, ok, err
}

// UndoOfficeImport puts the community back as it was before its last import
// on the office database, in one transaction, as long as nothing of it
// changed since (*ChangedSinceImportError otherwise; nothing is written). An
// import that created the community is undone by removing it. The import's
// entry in the history goes too, as on a file, where the whole copy made
// before it comes back.
func (s *Store) UndoOfficeImport(ctx context.Context, community int64) (OfficeUndo, error) {
	if !s.w.pg {
		return OfficeUndo{}, ErrNoOfficeUndo
	}
	var undone OfficeUndo
	err := s.Tx(ctx, func(tx *DBTx) error {
		c, err := getCommunity(ctx, tx, `id = ?`, community)
		if err != nil {
			return err
		}
		// Not while another desktop imports it, and its other writers wait.
		if err := lockForImport(ctx, tx, c); err != nil {
			return err
		}
		rec, after, ok, err := officeUndoMeta(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNoOfficeUndo
		}
		now, err := communityFingerprint(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var changed []string
		for t, h := range now {
			if after[t] != h {
				changed = append(changed, t)
			}
		}
		if len(changed) > 0 {
			sort.Strings(changed)
			return &ChangedSinceImportError{At: rec.At, Tables: changed}
		}
		if rec.Created {
			for _, q := range []string{`DELETE FROM settings WHERE community_id = ?`, `DELETE FROM communities WHERE id = ?`} {
				if _, err := tx.ExecContext(ctx, q, c.ID); err != nil {
					return fmt.Errorf("quitar la comunidad creada por la importación: %w", err)
				}
			}
			undone = rec
			return nil
		}
		if err := restoreImage(ctx, tx, c.ID); err != nil {
			return fmt.Errorf("reponer la comunidad: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_runs WHERE id = ? AND community_id = ?`, rec.RunID, c.ID); err != nil {
			return err
		}
		if err := forgetOfficeUndo(ctx, tx, c.ID); err != nil {
			return err
		}
		undone = rec
		return nil
	})
	return undone, err
}

// restoreImage writes back the image kept in the community's undo record:
// rows the import added go, rows it changed get their values back, and the
// users of units are written again. Unique emails and Kastor keys are
// cleared first on the people whose value comes back different, so that
// two people trading an email never meet on the way.
func restoreImage(ctx context.Context, tx *DBTx, community int64) error {
	var parts int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE community_id = ? AND key LIKE ?`, community, OfficeUndoKey+".%").Scan(&parts); err != nil {
		return err
	}
	if parts != len(imageParts) {
		return fmt.Errorf("falta la copia de la comunidad anterior a la importación (%d de %d partes)", parts, len(imageParts))
	}
	// Each part once into a temporary table (dropped at commit): the
	// statements below read them several times.
	for _, t := range []string{"units", "people", "memberships"} {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE undo_`+t+` (LIKE `+t+`) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO undo_`+t+` SELECT * FROM json_populate_recordset(NULL::`+t+`,
			(SELECT CAST(value AS JSON) FROM settings WHERE community_id = ? AND key = ?))`, community, imageKey(t)); err != nil {
			return err
		}
	}
	set := func(table string, key ...string) (string, error) {
		cols, err := queryAll(ctx, tx, scanString, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, table)
		if err != nil {
			return "", err
		}
		cols = slices.DeleteFunc(cols, func(c string) bool { return slices.Contains(key, c) })
		if len(cols) == 0 {
			return "", fmt.Errorf("la tabla %s no tiene columnas", table)
		}
		src := make([]string, len(cols))
		for i, c := range cols {
			src[i] = "s." + c
		}
		return `(` + strings.Join(cols, ", ") + `) = ROW(` + strings.Join(src, ", ") + `)`, nil
	}
	setUnits, err := set("units", "id")
	if err != nil {
		return err
	}
	setPeople, err := set("people", "id")
	if err != nil {
		return err
	}
	setMembers, err := set("memberships", "unit_id", "person_id")
	if err != nil {
		return err
	}
	setCommunity, err := set("communities", "id")
	if err != nil {
		return err
	}
	const members = `memberships m USING units u WHERE m.unit_id = u.id AND u.community_id = ?1`
	for _, q := range []string{
		// Users of units the import added, then its people and units.
		`DELETE FROM ` + members + ` AND NOT EXISTS (SELECT 1 FROM undo_memberships s WHERE s.unit_id = m.unit_id AND s.person_id = m.person_id)`,
		`DELETE FROM people WHERE community_id = ?1 AND id NOT IN (SELECT id FROM undo_people)`,
		`DELETE FROM units WHERE community_id = ?1 AND id NOT IN (SELECT id FROM undo_units)`,
		// People and units it changed (and any it removed) as they were.
		`UPDATE people p SET email = '', kastor_key = NULL FROM undo_people s
			WHERE p.id = s.id AND p.community_id = ?1 AND (p.email IS DISTINCT FROM s.email OR p.kastor_key IS DISTINCT FROM s.kastor_key)`,
		`UPDATE people p SET ` + setPeople + ` FROM undo_people s WHERE p.id = s.id AND p.community_id = ?1 AND ROW(p.*) IS DISTINCT FROM ROW(s.*)`,
		`INSERT INTO people SELECT s.* FROM undo_people s WHERE s.id NOT IN (SELECT id FROM people WHERE community_id = ?1)`,
		`UPDATE units t SET ` + setUnits + ` FROM undo_units s WHERE t.id = s.id AND t.community_id = ?1 AND ROW(t.*) IS DISTINCT FROM ROW(s.*)`,
		`INSERT INTO units SELECT s.* FROM undo_units s WHERE s.id NOT IN (SELECT id FROM units WHERE community_id = ?1)`,
		// Users of units it changed: archived first, so that a unit never
		// has two main accounts on the way (memberships_one_main).
		`UPDATE memberships t SET archived = 1 FROM undo_memberships s, units u
			WHERE t.unit_id = s.unit_id AND t.person_id = s.person_id AND u.id = t.unit_id AND u.community_id = ?1 AND ROW(t.*) IS DISTINCT FROM ROW(s.*)`,
		`UPDATE memberships t SET ` + setMembers + ` FROM undo_memberships s, units u
			WHERE t.unit_id = s.unit_id AND t.person_id = s.person_id AND u.id = t.unit_id AND u.community_id = ?1 AND ROW(t.*) IS DISTINCT FROM ROW(s.*)`,
		`INSERT INTO memberships SELECT s.* FROM undo_memberships s
			WHERE NOT EXISTS (SELECT 1 FROM memberships t WHERE t.unit_id = s.unit_id AND t.person_id = s.person_id)`,
		`UPDATE communities t SET ` + setCommunity + ` FROM json_populate_record(NULL::communities,
			(SELECT CAST(value AS JSON) FROM settings WHERE community_id = ?1 AND key = '` + imageKey("community") + `')) s
			WHERE t.id = ?1`,
	} {
		var args []any
		if strings.Contains(q, "?1") {
			args = append(args, community)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// CommunityFingerprint is a community's fingerprint on the office database,
// table by table: what undoing an import compares.
func (s *Store) CommunityFingerprint(ctx context.Context, community int64) (map[string]string, error) {
	if !s.w.pg {
		return nil, ErrNoOfficeUndo
	}
	var f map[string]string
	err := s.Tx(ctx, func(tx *DBTx) (err error) {
		f, err = communityFingerprint(ctx, tx, community)
		return err
	})
	return f, err
}
