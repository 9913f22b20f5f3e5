package data

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Snapshot is everything one Kastor export says about a community: its
// units, the people it lists and who belongs where. app/kastor builds it
// from a file; kastor.Plan decides what the database must change to agree with it and
// Store.Sync writes that plan.
type Snapshot struct {
	Units    []SnapshotUnit
	People   []SnapshotPerson
	Problems []SyncProblem // found while reading; saved with the run
}

// SnapshotUnit is one inmueble and the people Kastor lists on it, in order.
type SnapshotUnit struct {
	Code     string
	Name     string
	Assigned string
	Sector   string
	Floor    string
	Factor   float64
	Members  []SnapshotMember
}

// SnapshotMember places the person with index Person (in Snapshot.People)
// on a unit, as its main account or as an additional user.
type SnapshotMember struct {
	Person int
	Role   Role
}

// SnapshotPerson is one person as Kastor lists them. Key is how the next
// import recognises them (see people.kastor_key); when an export changes the
// key (a RUT added later), the person is still found by RUT or email.
type SnapshotPerson struct {
	Key        string
	FirstNames string
	LastNames  string
	RUT        string // normalised, or ""
	Email      string // normalised, or ""
	Phone      string
	Type       UserType
}

// SyncProblem is a row the import could not take as it was. Row is the
// spreadsheet's row number (1-based), 0 when the problem is not one row's.
type SyncProblem struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

func (p SyncProblem) String() string {
	if p.Row > 0 {
		return fmt.Sprintf("fila %d: %s", p.Row, p.Message)
	}
	return p.Message
}

// SyncCounts counts what a sync did to units or to users.
type SyncCounts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Archived  int `json:"archived"`
}

// Changed is how many rows the sync wrote.
func (c SyncCounts) Changed() int { return c.New + c.Updated + c.Archived }

// SyncReport is one import: what it changed and what it could not take.
type SyncReport struct {
	ID          int64         `json:"id"`
	CommunityID int64         `json:"community_id"`
	Community   string        `json:"community"`
	Source      string        `json:"source"`
	StartedAt   time.Time     `json:"started_at"`
	FinishedAt  time.Time     `json:"finished_at"`
	Units       SyncCounts    `json:"units"`
	Users       SyncCounts    `json:"users"`
	Problems    []SyncProblem `json:"problems"`
	RunBy       string        `json:"run_by,omitempty"` // «ana@PC-ADMIN2» (WhoText); "" before version 6
}

// Changed reports whether the import changed any unit or user.
func (r SyncReport) Changed() bool { return r.Units.Changed()+r.Users.Changed() > 0 }

// SyncTarget names the community a snapshot goes to: an existing one by id,
// or by name (created inside the sync's transaction when it does not exist).
type SyncTarget struct {
	CommunityID   int64
	CommunityName string
	// Source, when set, becomes the community's remembered source
	// (communities.source) if it has none yet.
	Source string
}

// ErrEmptySnapshot refuses a snapshot with no units: applying it would
// archive the whole community, which is never what a broken export means.
var ErrEmptySnapshot = errors.New("la exportación no tiene ninguna unidad")

// ErrStalePlan refuses a plan computed on a state the community no longer
// has (something was written between the preview and the import).
var ErrStalePlan = errors.New("los datos de la comunidad cambiaron desde la vista previa: vuelva a revisar la importación")

// FullName is "Nombres Apellidos".
func (p SnapshotPerson) FullName() string { return joinNonEmpty(p.FirstNames, p.LastNames) }

// SyncState loads, without writing, what the target community holds now: the
// state a preview's plan is computed on. A community the sync would create
// has an empty state (Community.ID 0).
func (s *Store) SyncState(ctx context.Context, target SyncTarget) (*SyncState, error) {
	var c Community
	var err error
	if target.CommunityID != 0 {
		c, err = getCommunity(ctx, s.r, `id = ?`, target.CommunityID)
	} else {
		name := strings.TrimSpace(target.CommunityName)
		c, err = getCommunity(ctx, s.r, `lower(name) = lower(?)`, name)
		if errors.Is(err, ErrNotFound) {
			return &SyncState{Community: Community{Name: name}}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return loadSyncState(ctx, s.r, c)
}

func loadSyncState(ctx context.Context, q Querier, c Community) (*SyncState, error) {
	st := &SyncState{Community: c}
	if c.ID == 0 {
		return st, nil
	}
	var err error
	st.Units, err = queryAll(ctx, q, func(rows scanner) (Unit, error) {
		u := Unit{CommunityID: c.ID}
		err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Assigned, &u.Sector, &u.Floor, &u.Factor, &u.Archived)
		return u, err
	}, `SELECT id, code, name, assigned, sector, floor, factor, archived FROM units WHERE community_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	st.People, err = queryAll(ctx, q, func(rows scanner) (Person, error) {
		p := Person{CommunityID: c.ID}
		var typ, origin string
		err := rows.Scan(&p.ID, &p.KastorKey, &p.FirstNames, &p.LastNames, &p.RUT, &p.Email, &p.Phone, &typ, &origin, &p.Archived)
		p.Type, p.Origin = UserType(typ), Origin(origin)
		return p, err
	}, `SELECT id, coalesce(kastor_key, ''), first_names, last_names, rut, email, phone, user_type, origin, archived
		FROM people WHERE community_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	st.Members, err = queryAll(ctx, q, func(rows scanner) (Membership, error) {
		var m Membership
		var role, origin string
		err := rows.Scan(&m.UnitID, &m.PersonID, &role, &origin, &m.Position, &m.Archived)
		m.Role, m.Origin = Role(role), Origin(origin)
		return m, err
	}, `SELECT m.unit_id, m.person_id, m.role, m.origin, m.position, m.archived
		FROM memberships m JOIN units u ON u.id = m.unit_id WHERE u.community_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load memberships: %w", err)
	}
	return st, nil
}

// Sync makes the target community what a plan says, in one transaction: it
// loads the community's state (creating the community by name when it does
// not exist), asks plan for what to write (kastor.Plan decides it from a
// snapshot), writes it, and records the run in the history with source and
// the community's last import time. Rows Kastor no longer lists are archived,
// never deleted; people and memberships added in Comunidad and secondary
// emails are never touched. A plan that changes nothing writes only the
// history row. progress, if not nil, is called with the share of the work
// done (0..1). A failure or a cancelled ctx leaves the database as it was.
func (s *Store) Sync(ctx context.Context, target SyncTarget, source string, plan func(*SyncState) (*SyncPlan, error), progress func(float64)) (SyncReport, error) {
	source = RedactSource(source) // a URL's password and query never reach the database
	rep := SyncReport{Source: source, StartedAt: time.Now().UTC()}
	if progress == nil {
		progress = func(float64) {}
	}
	// A first import writes tens of thousands of rows in one transaction:
	// with SQLite's default 2 MB page cache, its pages spill to the WAL and
	// are read back while the indexes grow. The writer connection gets a
	// bigger cache for the sync and its own size back afterwards.
	var oldCache int64
	cacheSet := false
	err := s.Tx(ctx, func(tx *DBTx) error {
		if !tx.Postgres() {
			if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&oldCache); err != nil {
				return fmt.Errorf("cache size: %w", err)
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, syncCacheSize)); err != nil {
				return fmt.Errorf("cache size: %w", err)
			}
			cacheSet = true
		}
		var c Community
		var err error
		created := false // by this import (undoing it removes the community)
		if target.CommunityID != 0 {
			c, err = getCommunity(ctx, tx, `id = ?`, target.CommunityID)
		} else {
			// Another desktop importing the same new community: told so
			// before either creates it.
			if err := lockImportOf(ctx, tx, 0, strings.TrimSpace(target.CommunityName)); err != nil {
				return err
			}
			c, created, err = ensureCommunity(ctx, tx, target.CommunityName)
		}
		if err != nil {
			return err
		}
		if err := lockForImport(ctx, tx, c); err != nil {
			return err
		}
		rep.CommunityID, rep.Community = c.ID, c.Name
		state, err := loadSyncState(ctx, tx, c)
		if err != nil {
			return err
		}
		p, err := plan(state)
		if err != nil {
			return err
		}
		rep.Problems = append([]SyncProblem(nil), p.Problems...)
		rep.Units, rep.Users = p.UnitCounts.Report(), p.PeopleCounts.Report()
		// On the office database the import keeps the community as it was,
		// to be undone (undo_office.go); a file's is the backup made before.
		if tx.pg && rep.Changed() && !created {
			if err := captureImage(ctx, tx, c.ID); err != nil {
				return err
			}
		}
		w := &planWriter{ctx: ctx, tx: tx, community: c.ID, plan: p, progress: progress, now: FormatTime(rep.StartedAt)}
		if err := w.run(); err != nil {
			return err
		}
		rep.FinishedAt = time.Now().UTC()
		problems, err := json.Marshal(nonNil(rep.Problems))
		if err != nil {
			return err
		}
		rep.ID, err = insertID(ctx, tx, `INSERT INTO sync_runs (community_id, source, started_at, finished_at,
			units_new, units_updated, units_unchanged, units_archived,
			users_new, users_updated, users_unchanged, users_archived, problems, run_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, source, FormatTime(rep.StartedAt), FormatTime(rep.FinishedAt),
			rep.Units.New, rep.Units.Updated, rep.Units.Unchanged, rep.Units.Archived,
			rep.Users.New, rep.Users.Updated, rep.Users.Unchanged, rep.Users.Archived, string(problems), WhoText())
		if err != nil {
			return fmt.Errorf("save sync run: %w", err)
		}
		rep.RunBy = WhoText()
		// The first source used is remembered for "Importar datos".
		if _, err := tx.ExecContext(ctx, `UPDATE communities SET last_sync_at = ?, last_sync_source = ?,
			source = CASE WHEN source = '' THEN ? ELSE source END WHERE id = ?`,
			FormatTime(rep.FinishedAt), source, RedactSource(target.Source), c.ID); err != nil {
			return fmt.Errorf("save sync time: %w", err)
		}
		if tx.pg {
			return recordOfficeUndo(ctx, tx, rep, created)
		}
		return nil
	})
	if cacheSet {
		// The only writer connection, now idle: back to its usual cache (if
		// this fails the connection merely keeps the bigger one).
		_, _ = s.w.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, oldCache))
	}
	if err != nil {
		return rep, err
	}
	progress(1)
	return rep, nil
}

// syncCacheSize is the page cache, in KiB as a negative PRAGMA cache_size,
// that a sync's transaction runs with: room for a 10,000-unit community's
// tables and indexes.
const syncCacheSize = -65536

func nonNil(p []SyncProblem) []SyncProblem {
	if p == nil {
		return []SyncProblem{}
	}
	return p
}

// planWriter writes one plan inside the sync's transaction.
type planWriter struct {
	ctx       context.Context
	tx        *DBTx
	community int64
	plan      *SyncPlan
	progress  func(float64)
	now       string

	unitIDs, personIDs []int64 // stored ids of the plan's units and people
	work, done         int
}

// step reports progress at most once per percent of the work.
func (w *planWriter) step(n int) {
	before := w.done * 100 / w.work
	w.done += n
	if after := w.done * 100 / w.work; after != before {
		w.progress(float64(w.done) / float64(w.work))
	}
}

func (w *planWriter) run() error {
	w.work = len(w.plan.Units) + 2*len(w.plan.People) + 1
	w.step(1)
	if err := w.units(); err != nil {
		return err
	}
	if err := w.people(); err != nil {
		return err
	}
	if err := w.members(); err != nil {
		return err
	}
	return w.ctx.Err()
}

// idsBy maps the first column of query (run for the community) to the second.
func (w *planWriter) idsBy(query string) (map[string]int64, error) {
	m := map[string]int64{}
	err := queryEach(w.ctx, w.tx, func(rows *sql.Rows) error {
		var k string
		var id int64
		err := rows.Scan(&k, &id)
		m[k] = id
		return err
	}, query, w.community)
	return m, err
}

// exec runs a prepared statement once per item.
func execEach[T any](ctx context.Context, tx *DBTx, query string, items []T, args func(T) []any) error {
	if len(items) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		if _, err := stmt.ExecContext(ctx, args(it)...); err != nil {
			return err
		}
	}
	return nil
}

func (w *planWriter) units() error {
	ctx, tx, p := w.ctx, w.tx, w.plan
	ins := newBatcher(ctx, tx, `INSERT INTO units (community_id, code, name, assigned, sector, floor, factor, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?)`)
	defer ins.close()
	var upd *sql.Stmt
	defer func() {
		if upd != nil {
			upd.Close()
		}
	}()
	w.unitIDs = make([]int64, len(p.Units))
	added := false
	for i, u := range p.Units {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch u.Change {
		case New:
			if err := ins.add(w.community, u.Code, u.Name, u.Assigned, u.Sector, u.Floor, u.Factor, w.now); err != nil {
				return fmt.Errorf("unidad %s: %w", u.Code, err)
			}
			added = true
		case Updated, Restored:
			if upd == nil {
				var err error
				if upd, err = tx.PrepareContext(ctx, `UPDATE units SET name = ?, assigned = ?, sector = ?, floor = ?, factor = ?, archived = 0, updated_at = ? WHERE id = ?`); err != nil {
					return err
				}
			}
			if _, err := upd.ExecContext(ctx, u.Name, u.Assigned, u.Sector, u.Floor, u.Factor, w.now, u.ID); err != nil {
				return fmt.Errorf("unidad %s: %w", u.Code, err)
			}
		}
		w.unitIDs[i] = u.ID
		w.step(1)
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("add units: %w", err)
	}
	if added {
		ids, err := w.idsBy(`SELECT code, id FROM units WHERE community_id = ?`)
		if err != nil {
			return fmt.Errorf("add units: %w", err)
		}
		for i, u := range p.Units {
			if u.Change == New {
				w.unitIDs[i] = ids[u.Code]
			}
		}
	}
	if err := execEach(ctx, tx, `UPDATE units SET archived = 1, updated_at = ? WHERE id = ?`, p.ArchivedUnits,
		func(u Unit) []any { return []any{w.now, u.ID} }); err != nil {
		return fmt.Errorf("archive unit: %w", err)
	}
	return nil
}

func (w *planWriter) people() error {
	ctx, tx, p := w.ctx, w.tx, w.plan
	// Emails another Kastor person takes are released first (one person per
	// email in a community).
	if err := execEach(ctx, tx, `UPDATE people SET email = '', updated_at = ? WHERE id = ?`, p.ReleaseEmails,
		func(id int64) []any { return []any{w.now, id} }); err != nil {
		return fmt.Errorf("release email: %w", err)
	}
	ins := newBatcher(ctx, tx, `INSERT INTO people (community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin, created_at, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?, 'kastor', ?, ?)`)
	defer ins.close()
	var upd *sql.Stmt
	defer func() {
		if upd != nil {
			upd.Close()
		}
	}()
	w.personIDs = make([]int64, len(p.People))
	added := false
	for i, pp := range p.People {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch {
		case pp.Change == New:
			if err := ins.add(w.community, pp.KastorKey, pp.FirstNames, pp.LastNames, pp.RUT, pp.Email, pp.Phone, string(pp.Type), w.now, w.now); err != nil {
				return fmt.Errorf("add people: %w", err)
			}
			added = true
		case pp.Write:
			if upd == nil {
				var err error
				if upd, err = tx.PrepareContext(ctx, `UPDATE people SET kastor_key = ?, first_names = ?, last_names = ?, rut = ?, email = ?, phone = ?, user_type = ?, archived = 0, updated_at = ? WHERE id = ?`); err != nil {
					return err
				}
			}
			if _, err := upd.ExecContext(ctx, pp.KastorKey, pp.FirstNames, pp.LastNames, pp.RUT, pp.Email, pp.Phone, string(pp.Type), w.now, pp.ID); err != nil {
				return fmt.Errorf("%s: %w", pp.FullName(), err)
			}
		}
		w.personIDs[i] = pp.ID
		w.step(1)
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("add people: %w", err)
	}
	if added {
		ids, err := w.idsBy(`SELECT kastor_key, id FROM people WHERE community_id = ? AND kastor_key IS NOT NULL`)
		if err != nil {
			return fmt.Errorf("add people: %w", err)
		}
		for i, pp := range p.People {
			if pp.Change == New {
				w.personIDs[i] = ids[pp.KastorKey]
			}
		}
	}
	if err := execEach(ctx, tx, `UPDATE people SET archived = 1, updated_at = ? WHERE id = ?`, p.ArchivedPeople,
		func(pp Person) []any { return []any{w.now, pp.ID} }); err != nil {
		return fmt.Errorf("archive person: %w", err)
	}
	return nil
}

func (w *planWriter) members() error {
	ctx, tx, p := w.ctx, w.tx, w.plan
	// First archive and demote, so that no unit ever has two main accounts
	// (memberships_one_main), then add, restore and promote.
	if err := execEach(ctx, tx, `UPDATE memberships SET archived = 1 WHERE unit_id = ? AND person_id = ?`, p.ArchiveMembers,
		func(k MemberKey) []any { return []any{k.UnitID, k.PersonID} }); err != nil {
		return fmt.Errorf("archive membership: %w", err)
	}
	const update = `UPDATE memberships SET role = ?, position = ?, archived = 0 WHERE unit_id = ? AND person_id = ?`
	args := func(m PlannedMember) []any {
		return []any{m.Role, m.Position, w.unitIDs[m.Unit], w.personIDs[m.Person]}
	}
	if err := execEach(ctx, tx, update, p.Demote, args); err != nil {
		return fmt.Errorf("update membership: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var added, changed []PlannedMember
	for _, m := range p.Members {
		if m.Unit < 0 || m.Unit >= len(w.unitIDs) || m.Person < 0 || m.Person >= len(w.personIDs) {
			return fmt.Errorf("membresía fuera del plan: unidad %d, persona %d", m.Unit, m.Person)
		}
		if m.New {
			added = append(added, m)
		} else {
			changed = append(changed, m)
		}
	}
	if err := execEach(ctx, tx, update, changed, args); err != nil {
		return fmt.Errorf("update membership: %w", err)
	}
	// In primary-key order: new memberships then append to the table's
	// B-tree instead of landing on random pages (a first import adds tens of
	// thousands of them).
	key := func(m PlannedMember) MemberKey { return MemberKey{w.unitIDs[m.Unit], w.personIDs[m.Person]} }
	slices.SortFunc(added, func(x, y PlannedMember) int {
		kx, ky := key(x), key(y)
		if c := cmp.Compare(kx.UnitID, ky.UnitID); c != 0 {
			return c
		}
		return cmp.Compare(kx.PersonID, ky.PersonID)
	})
	ins := newBatcher(ctx, tx, `INSERT INTO memberships (unit_id, person_id, role, origin, position, created_at) VALUES `,
		`(?, ?, ?, 'kastor', ?, ?)`)
	defer ins.close()
	for _, m := range added {
		k := key(m)
		if err := ins.add(k.UnitID, k.PersonID, m.Role, m.Position, w.now); err != nil {
			return fmt.Errorf("add membership: %w", err)
		}
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("add memberships: %w", err)
	}
	w.step(len(p.People))
	return nil
}

// batchRows is how many rows one INSERT carries: fewer statements (and cgo
// calls) for a first import of thousands of rows, well under SQLite's limit
// of bound variables.
const batchRows = 200

// pgBatchRows is batchRows on PostgreSQL, where each statement is a round
// trip to the server: more rows a statement (well under its 65,535 bound
// parameters).
const pgBatchRows = 1000

// batcher inserts rows many at a time with one multi-row INSERT.
type batcher struct {
	ctx    context.Context
	tx     *DBTx
	prefix string // "INSERT INTO t (a, b) VALUES "
	row    string // "(?, ?)"
	cols   int
	args   []any
	full   *sql.Stmt // prepared for rows rows
	rows   int       // rows a full INSERT carries (batchRows, pgBatchRows)
	arrays string    // PostgreSQL: the INSERT … SELECT FROM unnest (flushArrays)
	types  []string  // PostgreSQL: each column's kind, "int", "float" or "text"
}

func newBatcher(ctx context.Context, tx *DBTx, prefix, row string) *batcher {
	rows := batchRows
	if tx.pg {
		rows = pgBatchRows
	}
	return &batcher{ctx: ctx, tx: tx, prefix: prefix, row: row, cols: strings.Count(row, "?"), rows: rows}
}

func (b *batcher) add(args ...any) error {
	b.args = append(b.args, args...)
	if len(b.args) >= b.rows*b.cols {
		return b.flush()
	}
	return nil
}

func (b *batcher) stmt(n int) string {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(b.row)
	}
	return sb.String()
}

func (b *batcher) flush() error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	if b.tx.pg {
		return b.flushArrays(n)
	}
	var err error
	if n == b.rows {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(b.ctx, b.stmt(b.rows)); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(b.ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, b.stmt(n), b.args...)
	}
	b.args = b.args[:0]
	return err
}

// flushArrays is flush on PostgreSQL: the rows go as one array a column
// (INSERT … SELECT FROM unnest), a handful of parameters whatever the
// number of rows, instead of a VALUES list of thousands that the server
// parses and plans each time.
func (b *batcher) flushArrays(n int) error {
	if b.arrays == "" {
		table, cols, err := b.target()
		if err != nil {
			return err
		}
		// The row's items: a ? takes the next array, anything else (a
		// literal such as 'kastor') is written as it is.
		items := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(b.row), "("), ")"), ",")
		if len(items) != len(cols) {
			return fmt.Errorf("batcher: %d columnas y %d valores", len(cols), len(items))
		}
		var types, casts, sel, names []string
		for i, c := range cols {
			item := strings.TrimSpace(items[i])
			if item != "?" {
				sel = append(sel, item)
				continue
			}
			var t string
			if err := b.tx.QueryRowContext(b.ctx, `SELECT data_type FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?`, table, c).Scan(&t); err != nil {
				return fmt.Errorf("columna %s.%s: %w", table, c, err)
			}
			name := fmt.Sprintf("c%d", len(types))
			sel, names = append(sel, name), append(names, name)
			switch t {
			case "bigint", "integer", "smallint":
				types, casts = append(types, "int"), append(casts, "CAST(? AS BIGINT[])")
			case "double precision", "real", "numeric":
				types, casts = append(types, "float"), append(casts, "CAST(? AS DOUBLE PRECISION[])")
			default:
				types, casts = append(types, "text"), append(casts, "CAST(? AS TEXT[])")
			}
		}
		b.types = types
		b.arrays = strings.TrimSuffix(b.prefix, " VALUES ") + " SELECT " + strings.Join(sel, ", ") +
			" FROM unnest(" + strings.Join(casts, ", ") + ") AS u(" + strings.Join(names, ", ") + ")"
	}
	cols := make([]any, b.cols)
	for c := 0; c < b.cols; c++ {
		switch b.types[c] {
		case "int":
			v := make([]*int64, n)
			for r := 0; r < n; r++ {
				switch x := b.args[r*b.cols+c].(type) {
				case int64:
					v[r] = &x
				case int:
					y := int64(x)
					v[r] = &y
				case nil:
				default:
					return fmt.Errorf("columna %d: %T no es un número", c, x)
				}
			}
			cols[c] = v
		case "float":
			v := make([]*float64, n)
			for r := 0; r < n; r++ {
				switch x := b.args[r*b.cols+c].(type) {
				case float64:
					v[r] = &x
				case int64:
					y := float64(x)
					v[r] = &y
				case nil:
				default:
					return fmt.Errorf("columna %d: %T no es un número", c, x)
				}
			}
			cols[c] = v
		default:
			v := make([]*string, n)
			for r := 0; r < n; r++ {
				switch x := b.args[r*b.cols+c].(type) {
				case string:
					v[r] = &x
				case nil:
				default:
					y := fmt.Sprint(x)
					v[r] = &y
				}
			}
			cols[c] = v
		}
	}
	b.args = b.args[:0]
	_, err := b.tx.ExecContext(b.ctx, b.arrays, cols...)
	return err
}

// target reads the table and the columns out of the batcher's INSERT.
func (b *batcher) target() (table string, cols []string, err error) {
	rest, ok := strings.CutPrefix(b.prefix, "INSERT INTO ")
	open, closing := strings.IndexByte(rest, '('), strings.IndexByte(rest, ')')
	if !ok || open < 0 || closing < open {
		return "", nil, fmt.Errorf("batcher: %q", b.prefix)
	}
	for _, c := range strings.Split(rest[open+1:closing], ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return strings.TrimSpace(rest[:open]), cols, nil
}

func (b *batcher) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// SyncRuns lists a community's imports, newest first (at most limit; all when limit <= 0).
func (s *Store) SyncRuns(ctx context.Context, community int64, limit int) ([]SyncReport, error) {
	out, err := queryAll(ctx, s.r, func(row scanner) (SyncReport, error) {
		var r SyncReport
		var started, finished, problems string
		if err := row.Scan(&r.ID, &r.CommunityID, &r.Community, &r.Source, &started, &finished,
			&r.Units.New, &r.Units.Updated, &r.Units.Unchanged, &r.Units.Archived,
			&r.Users.New, &r.Users.Updated, &r.Users.Unchanged, &r.Users.Archived, &problems, &r.RunBy); err != nil {
			return r, err
		}
		r.StartedAt, r.FinishedAt = ParseTime(started), ParseTime(finished)
		if err := json.Unmarshal([]byte(problems), &r.Problems); err != nil {
			return r, fmt.Errorf("sync run %d: problems: %w", r.ID, err)
		}
		return r, nil
	}, `SELECT r.id, r.community_id, c.name, r.source, r.started_at, r.finished_at,
		units_new, units_updated, units_unchanged, units_archived,
		users_new, users_updated, users_unchanged, users_archived, problems, run_by
		FROM sync_runs r JOIN communities c ON c.id = r.community_id
		WHERE r.community_id = ? ORDER BY r.id DESC`+limitSQL(limit), community)
	if err != nil {
		return nil, fmt.Errorf("list sync runs: %w", err)
	}
	return out, nil
}

// SetCommunitySource remembers the Kastor export (path or URL) "Importar
// datos" uses for a community.
func (s *Store) SetCommunitySource(ctx context.Context, community int64, source string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE communities SET source = ? WHERE id = ?`, RedactSource(source), community)
	if err != nil {
		return fmt.Errorf("save source: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("comunidad %d: %w", community, ErrNotFound)
	}
	return nil
}
