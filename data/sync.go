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
// from a file; ApplySnapshot makes the database agree with it.
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

type dbUnit struct {
	id                            int64
	name, assigned, sector, floor string
	factor                        float64
	archived                      bool
	seen                          bool
}

type dbPerson struct {
	id                                       int64
	key                                      string
	first, last, rut, email, phone, userType string
	archived                                 bool
	matched                                  bool
}

type memberKey struct{ unit, person int64 }

type dbMember struct {
	role     Role
	origin   Origin
	position int
	archived bool
}

// ApplySnapshot makes the community's Kastor-owned units, people and
// memberships what snap says, in one transaction: rows Kastor no longer
// lists are archived (never deleted) and come back when it lists them again;
// people and memberships added in Comunidad (origin 'local') and secondary
// emails are never touched. A snapshot equal to what is stored writes no
// unit, person or membership: only the run's history row and the
// community's last import time. progress, if not nil, is called with the
// share of the work done (0..1). A failure or a cancelled ctx leaves the
// database as it was.
func (s *Store) ApplySnapshot(ctx context.Context, target SyncTarget, source string, snap *Snapshot, progress func(float64)) (SyncReport, error) {
	rep := SyncReport{Source: source, StartedAt: time.Now().UTC(), Problems: append([]SyncProblem(nil), snap.Problems...)}
	if len(snap.Units) == 0 {
		return rep, ErrEmptySnapshot
	}
	if progress == nil {
		progress = func(float64) {}
	}
	keys := make(map[string]bool, len(snap.People))
	for _, p := range snap.People {
		if p.Key == "" || keys[p.Key] {
			return rep, fmt.Errorf("persona %q: clave de Kastor vacía o repetida", joinNonEmpty(p.FirstNames, p.LastNames))
		}
		keys[p.Key] = true
	}
	// A first import writes tens of thousands of rows in one transaction:
	// with SQLite's default 2 MB page cache, its pages spill to the WAL and
	// are read back while the indexes grow. The writer connection gets a
	// bigger cache for the sync and its own size back afterwards.
	var oldCache int64
	cacheSet := false
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&oldCache); err != nil {
			return fmt.Errorf("cache size: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, syncCacheSize)); err != nil {
			return fmt.Errorf("cache size: %w", err)
		}
		cacheSet = true
		var c Community
		var err error
		if target.CommunityID != 0 {
			c, err = getCommunity(ctx, tx, `id = ?`, target.CommunityID)
		} else {
			c, err = EnsureCommunity(ctx, tx, target.CommunityName)
		}
		if err != nil {
			return err
		}
		rep.CommunityID, rep.Community = c.ID, c.Name
		a := &applier{ctx: ctx, tx: tx, community: c.ID, snap: snap, rep: &rep, progress: progress,
			now: FormatTime(rep.StartedAt)}
		if err := a.run(); err != nil {
			return err
		}
		rep.FinishedAt = time.Now().UTC()
		problems, err := json.Marshal(nonNil(rep.Problems))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sync_runs (community_id, source, started_at, finished_at,
			units_new, units_updated, units_unchanged, units_archived,
			users_new, users_updated, users_unchanged, users_archived, problems)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, source, FormatTime(rep.StartedAt), FormatTime(rep.FinishedAt),
			rep.Units.New, rep.Units.Updated, rep.Units.Unchanged, rep.Units.Archived,
			rep.Users.New, rep.Users.Updated, rep.Users.Unchanged, rep.Users.Archived, string(problems))
		if err != nil {
			return fmt.Errorf("save sync run: %w", err)
		}
		if rep.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		// The first source used is remembered for "Importar datos".
		if _, err := tx.ExecContext(ctx, `UPDATE communities SET last_sync_at = ?, last_sync_source = ?,
			source = CASE WHEN source = '' THEN ? ELSE source END WHERE id = ?`,
			FormatTime(rep.FinishedAt), source, strings.TrimSpace(target.Source), c.ID); err != nil {
			return fmt.Errorf("save sync time: %w", err)
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

// applier holds one sync's state inside its transaction.
type applier struct {
	ctx       context.Context
	tx        *sql.Tx
	community int64
	snap      *Snapshot
	rep       *SyncReport
	progress  func(float64)
	now       string

	units      map[string]*dbUnit // by code
	unitIDs    []int64            // per snapshot unit
	people     map[string]*dbPerson
	ids        map[int64]*dbPerson
	byRUT      map[string]*dbPerson
	byEmail    map[string]*dbPerson
	localEmail map[string]bool
	personIDs  []int64 // per snapshot person
	members    map[memberKey]*dbMember
	work, done int
}

// step reports progress at most once per percent of the work.
func (a *applier) step(n int) {
	before := a.done * 100 / a.work
	a.done += n
	if after := a.done * 100 / a.work; after != before {
		a.progress(float64(a.done) / float64(a.work))
	}
}

func (a *applier) run() error {
	a.work = 2*len(a.snap.Units) + 2*len(a.snap.People) + 1
	if err := a.load(); err != nil {
		return err
	}
	if err := a.applyUnits(); err != nil {
		return err
	}
	if err := a.applyPeopleAndMembers(); err != nil {
		return err
	}
	return a.ctx.Err()
}

// idsBy maps the first column of query (run for the community) to the second.
func (a *applier) idsBy(query string) (map[string]int64, error) {
	rows, err := a.tx.QueryContext(a.ctx, query, a.community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		m[k] = id
	}
	return m, rows.Err()
}

// byID finds a loaded Kastor person by id.
func (a *applier) byID(id int64) *dbPerson {
	if a.ids == nil {
		a.ids = make(map[int64]*dbPerson, len(a.people))
		for _, p := range a.people {
			a.ids[p.id] = p
		}
	}
	return a.ids[id]
}

func (a *applier) load() error {
	ctx, tx := a.ctx, a.tx
	a.units = map[string]*dbUnit{}
	rows, err := tx.QueryContext(ctx, `SELECT id, code, name, assigned, sector, floor, factor, archived FROM units WHERE community_id = ?`, a.community)
	if err != nil {
		return fmt.Errorf("load units: %w", err)
	}
	for rows.Next() {
		u := &dbUnit{}
		var code string
		if err := rows.Scan(&u.id, &code, &u.name, &u.assigned, &u.sector, &u.floor, &u.factor, &u.archived); err != nil {
			rows.Close()
			return fmt.Errorf("load units: %w", err)
		}
		a.units[code] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load units: %w", err)
	}

	a.people, a.byRUT, a.byEmail, a.localEmail = map[string]*dbPerson{}, map[string]*dbPerson{}, map[string]*dbPerson{}, map[string]bool{}
	rows, err = tx.QueryContext(ctx, `SELECT id, coalesce(kastor_key, ''), first_names, last_names, rut, email, phone, user_type, origin, archived
		FROM people WHERE community_id = ?`, a.community)
	if err != nil {
		return fmt.Errorf("load people: %w", err)
	}
	for rows.Next() {
		p := &dbPerson{}
		var origin string
		if err := rows.Scan(&p.id, &p.key, &p.first, &p.last, &p.rut, &p.email, &p.phone, &p.userType, &origin, &p.archived); err != nil {
			rows.Close()
			return fmt.Errorf("load people: %w", err)
		}
		if Origin(origin) != OriginKastor {
			if p.email != "" {
				a.localEmail[p.email] = true
			}
			continue
		}
		a.people[p.key] = p
		if p.rut != "" {
			a.byRUT[p.rut] = p
		}
		if p.email != "" {
			a.byEmail[p.email] = p
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load people: %w", err)
	}

	a.members = map[memberKey]*dbMember{}
	rows, err = tx.QueryContext(ctx, `SELECT m.unit_id, m.person_id, m.role, m.origin, m.position, m.archived
		FROM memberships m JOIN units u ON u.id = m.unit_id WHERE u.community_id = ?`, a.community)
	if err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	for rows.Next() {
		var k memberKey
		m := &dbMember{}
		var role, origin string
		if err := rows.Scan(&k.unit, &k.person, &role, &origin, &m.position, &m.archived); err != nil {
			rows.Close()
			return fmt.Errorf("load memberships: %w", err)
		}
		m.role, m.origin = Role(role), Origin(origin)
		a.members[k] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	a.step(1)
	return nil
}

func (a *applier) applyUnits() error {
	ctx, tx := a.ctx, a.tx
	ins := newBatcher(ctx, tx, `INSERT INTO units (community_id, code, name, assigned, sector, floor, factor, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?)`)
	defer ins.close()
	upd, err := tx.PrepareContext(ctx, `UPDATE units SET name = ?, assigned = ?, sector = ?, floor = ?, factor = ?, archived = 0, updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	a.unitIDs = make([]int64, len(a.snap.Units))
	var added []int // snapshot indexes of new units, whose ids come after the insert
	for i, su := range a.snap.Units {
		if err := ctx.Err(); err != nil {
			return err
		}
		code := strings.TrimSpace(su.Code)
		u, ok := a.units[code]
		switch {
		case !ok:
			if err := ins.add(a.community, code, su.Name, su.Assigned, su.Sector, su.Floor, su.Factor, a.now); err != nil {
				return fmt.Errorf("unidad %s: %w", code, err)
			}
			u = &dbUnit{}
			a.units[code] = u
			added = append(added, i)
			a.rep.Units.New++
		case u.seen:
			return fmt.Errorf("unidad %s repetida en la exportación", code)
		case u.archived || u.name != su.Name || u.assigned != su.Assigned || u.sector != su.Sector || u.floor != su.Floor || u.factor != su.Factor:
			if _, err := upd.ExecContext(ctx, su.Name, su.Assigned, su.Sector, su.Floor, su.Factor, a.now, u.id); err != nil {
				return fmt.Errorf("unidad %s: %w", code, err)
			}
			a.rep.Units.Updated++
		default:
			a.rep.Units.Unchanged++
		}
		u.seen = true
		a.unitIDs[i] = u.id
		a.step(1)
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("add units: %w", err)
	}
	if len(added) > 0 {
		ids, err := a.idsBy(`SELECT code, id FROM units WHERE community_id = ?`)
		if err != nil {
			return fmt.Errorf("add units: %w", err)
		}
		for _, i := range added {
			code := strings.TrimSpace(a.snap.Units[i].Code)
			a.unitIDs[i] = ids[code]
			a.units[code].id = ids[code]
		}
	}
	arch, err := tx.PrepareContext(ctx, `UPDATE units SET archived = 1, updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer arch.Close()
	for _, u := range a.units {
		if u.seen || u.archived {
			continue
		}
		if _, err := arch.ExecContext(ctx, a.now, u.id); err != nil {
			return fmt.Errorf("archive unit: %w", err)
		}
		a.rep.Units.Archived++
	}
	return nil
}

func (a *applier) applyPeopleAndMembers() error {
	ctx, tx := a.ctx, a.tx
	snap := a.snap

	// Match every snapshot person with a stored one: by key, else (the key
	// changed, e.g. Kastor now has their RUT) by RUT, else by email.
	matched := make([]*dbPerson, len(snap.People))
	for i, sp := range snap.People {
		if p, ok := a.people[sp.Key]; ok && !p.matched {
			p.matched, matched[i] = true, p
		}
	}
	for i, sp := range snap.People {
		if matched[i] != nil {
			continue
		}
		var p *dbPerson
		if sp.RUT != "" {
			p = a.byRUT[sp.RUT]
		}
		if (p == nil || p.matched) && sp.Email != "" {
			p = a.byEmail[sp.Email]
		}
		if p != nil && !p.matched {
			p.matched, matched[i] = true, p
		}
	}
	// Last, someone Kastor listed without RUT or email who now has one: the
	// same name on one of the same units.
	type nameUnit struct {
		name string
		unit int64
	}
	byName := map[nameUnit]*dbPerson{}
	for k, m := range a.members {
		if m.origin != OriginKastor {
			continue
		}
		if p := a.byID(k.person); p != nil && !p.matched {
			byName[nameUnit{Fold(joinNonEmpty(p.first, p.last)), k.unit}] = p
		}
	}
	if len(byName) > 0 {
		for ui, su := range snap.Units {
			for _, m := range su.Members {
				if m.Person < 0 || m.Person >= len(snap.People) || matched[m.Person] != nil {
					continue
				}
				sp := snap.People[m.Person]
				if p := byName[nameUnit{Fold(joinNonEmpty(sp.FirstNames, sp.LastNames)), a.unitIDs[ui]}]; p != nil && !p.matched {
					p.matched, matched[m.Person] = true, p
				}
			}
		}
	}

	// Emails: one person per email in a community. An address a local user
	// holds stays theirs; one another Kastor person held is released first.
	emails := make([]string, len(snap.People))
	claimed := map[string]int{}
	for i, sp := range snap.People {
		e := sp.Email
		if e == "" {
			continue
		}
		if a.localEmail[e] {
			a.rep.Problems = append(a.rep.Problems, SyncProblem{Message: fmt.Sprintf(
				"el correo %s de %s ya lo usa un usuario agregado en Comunidad: se importó sin correo", e, joinNonEmpty(sp.FirstNames, sp.LastNames))})
			continue
		}
		if j, dup := claimed[e]; dup {
			a.rep.Problems = append(a.rep.Problems, SyncProblem{Message: fmt.Sprintf(
				"el correo %s aparece en %s y en %s: se importó solo para el primero", e,
				joinNonEmpty(snap.People[j].FirstNames, snap.People[j].LastNames), joinNonEmpty(sp.FirstNames, sp.LastNames))})
			continue
		}
		claimed[e] = i
		emails[i] = e
	}
	rel, err := tx.PrepareContext(ctx, `UPDATE people SET email = '', updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer rel.Close()
	released := map[int64]bool{}
	for e, i := range claimed {
		if p := a.byEmail[e]; p != nil && p != matched[i] {
			if _, err := rel.ExecContext(ctx, a.now, p.id); err != nil {
				return fmt.Errorf("release email: %w", err)
			}
			released[p.id] = true
		}
	}

	// Memberships wanted, by stored ids (units first, people resolved below).
	type want struct {
		role     Role
		position int
	}
	ins := newBatcher(ctx, tx, `INSERT INTO people (community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin, created_at, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?, 'kastor', ?, ?)`)
	defer ins.close()
	upd, err := tx.PrepareContext(ctx, `UPDATE people SET kastor_key = ?, first_names = ?, last_names = ?, rut = ?, email = ?, phone = ?, user_type = ?, archived = 0, updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()

	a.personIDs = make([]int64, len(snap.People))
	state := make([]int, len(snap.People)) // 0 unchanged, 1 new, 2 updated
	for i, sp := range snap.People {
		if err := ctx.Err(); err != nil {
			return err
		}
		typ := sp.Type
		if typ == "" {
			typ = Propietario
		}
		if p := matched[i]; p != nil {
			changed := p.archived || p.key != sp.Key || p.first != sp.FirstNames || p.last != sp.LastNames ||
				p.rut != sp.RUT || p.email != emails[i] || p.phone != sp.Phone || p.userType != string(typ)
			// A released email must be written back even when it ends up the same.
			if changed || released[p.id] {
				if _, err := upd.ExecContext(ctx, sp.Key, sp.FirstNames, sp.LastNames, sp.RUT, emails[i], sp.Phone, string(typ), a.now, p.id); err != nil {
					return fmt.Errorf("%s: %w", joinNonEmpty(sp.FirstNames, sp.LastNames), err)
				}
			}
			if changed {
				state[i] = 2
			}
			a.personIDs[i] = p.id
		} else {
			if err := ins.add(a.community, sp.Key, sp.FirstNames, sp.LastNames, sp.RUT, emails[i], sp.Phone, string(typ), a.now, a.now); err != nil {
				return fmt.Errorf("add people: %w", err)
			}
			state[i] = 1
		}
		a.step(1)
	}
	if err := ins.flush(); err != nil {
		return fmt.Errorf("add people: %w", err)
	}
	var ids map[string]int64 // the new people's ids, read back once
	for i, st := range state {
		if st != 1 {
			continue
		}
		if ids == nil {
			if ids, err = a.idsBy(`SELECT kastor_key, id FROM people WHERE community_id = ? AND kastor_key IS NOT NULL`); err != nil {
				return fmt.Errorf("add people: %w", err)
			}
		}
		a.personIDs[i] = ids[snap.People[i].Key]
	}
	personIndex := make(map[int64]int, len(snap.People))
	for i, id := range a.personIDs {
		personIndex[id] = i
	}

	wanted := make(map[memberKey]want, len(snap.People))
	for ui, su := range snap.Units {
		hasMain := false
		for pos, m := range su.Members {
			if m.Person < 0 || m.Person >= len(snap.People) {
				return fmt.Errorf("unidad %s: persona %d fuera de la exportación", su.Code, m.Person)
			}
			role := m.Role
			if role == RoleMain {
				if hasMain {
					role = RoleAdditional
				}
				hasMain = true
			} else {
				role = RoleAdditional
			}
			k := memberKey{a.unitIDs[ui], a.personIDs[m.Person]}
			if _, dup := wanted[k]; dup {
				continue
			}
			wanted[k] = want{role, pos}
		}
	}

	// First archive and demote, so that no unit ever has two main accounts
	// (memberships_one_main), then add, restore and promote.
	arch, err := tx.PrepareContext(ctx, `UPDATE memberships SET archived = 1 WHERE unit_id = ? AND person_id = ?`)
	if err != nil {
		return err
	}
	defer arch.Close()
	mupd, err := tx.PrepareContext(ctx, `UPDATE memberships SET role = ?, position = ?, archived = 0 WHERE unit_id = ? AND person_id = ?`)
	if err != nil {
		return err
	}
	defer mupd.Close()
	mins := newBatcher(ctx, tx, `INSERT INTO memberships (unit_id, person_id, role, origin, position, created_at) VALUES `,
		`(?, ?, ?, 'kastor', ?, ?)`)
	defer mins.close()
	touched := func(person int64) {
		if i, ok := personIndex[person]; ok && state[i] == 0 {
			state[i] = 2
		}
	}
	for k, m := range a.members {
		if m.origin != OriginKastor || m.archived {
			continue
		}
		w, ok := wanted[k]
		switch {
		case !ok:
			if _, err := arch.ExecContext(ctx, k.unit, k.person); err != nil {
				return fmt.Errorf("archive membership: %w", err)
			}
			m.archived = true
			touched(k.person)
		case m.role == RoleMain && w.role != RoleMain:
			if _, err := mupd.ExecContext(ctx, w.role, w.position, k.unit, k.person); err != nil {
				return fmt.Errorf("update membership: %w", err)
			}
			m.role, m.position = w.role, w.position
			touched(k.person)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// In primary-key order: new memberships then append to the table's
	// B-tree instead of landing on random pages (a first import adds tens of
	// thousands of them).
	order := make([]memberKey, 0, len(wanted))
	for k := range wanted {
		order = append(order, k)
	}
	slices.SortFunc(order, func(x, y memberKey) int {
		if c := cmp.Compare(x.unit, y.unit); c != 0 {
			return c
		}
		return cmp.Compare(x.person, y.person)
	})
	for _, k := range order {
		w := wanted[k]
		m, ok := a.members[k]
		switch {
		case !ok:
			if err := mins.add(k.unit, k.person, w.role, w.position, a.now); err != nil {
				return fmt.Errorf("add membership: %w", err)
			}
			touched(k.person)
		case m.origin != OriginKastor:
			// Added in Comunidad: the administrator's, left as it is.
		case m.archived || m.role != w.role || m.position != w.position:
			if _, err := mupd.ExecContext(ctx, w.role, w.position, k.unit, k.person); err != nil {
				return fmt.Errorf("update membership: %w", err)
			}
			touched(k.person)
		}
	}
	if err := mins.flush(); err != nil {
		return fmt.Errorf("add memberships: %w", err)
	}
	a.step(len(snap.People))

	for _, st := range state {
		switch st {
		case 0:
			a.rep.Users.Unchanged++
		case 1:
			a.rep.Users.New++
		case 2:
			a.rep.Users.Updated++
		}
	}
	parch, err := tx.PrepareContext(ctx, `UPDATE people SET archived = 1, updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer parch.Close()
	for _, p := range a.people {
		if p.matched || p.archived {
			continue
		}
		if _, err := parch.ExecContext(ctx, a.now, p.id); err != nil {
			return fmt.Errorf("archive person: %w", err)
		}
		a.rep.Users.Archived++
	}
	return nil
}

// batchRows is how many rows one INSERT carries: fewer statements (and cgo
// calls) for a first import of thousands of rows, well under SQLite's limit
// of bound variables.
const batchRows = 200

// batcher inserts rows many at a time with one multi-row INSERT.
type batcher struct {
	ctx    context.Context
	tx     *sql.Tx
	prefix string // "INSERT INTO t (a, b) VALUES "
	row    string // "(?, ?)"
	cols   int
	args   []any
	full   *sql.Stmt // prepared for batchRows rows
}

func newBatcher(ctx context.Context, tx *sql.Tx, prefix, row string) *batcher {
	return &batcher{ctx: ctx, tx: tx, prefix: prefix, row: row, cols: strings.Count(row, "?")}
}

func (b *batcher) add(args ...any) error {
	b.args = append(b.args, args...)
	if len(b.args) >= batchRows*b.cols {
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
	var err error
	if n == batchRows {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(b.ctx, b.stmt(batchRows)); err != nil {
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

func (b *batcher) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// SyncRuns lists a community's imports, newest first (at most limit; all when limit <= 0).
func (s *Store) SyncRuns(ctx context.Context, community int64, limit int) ([]SyncReport, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.community_id, c.name, r.source, r.started_at, r.finished_at,
		units_new, units_updated, units_unchanged, units_archived,
		users_new, users_updated, users_unchanged, users_archived, problems
		FROM sync_runs r JOIN communities c ON c.id = r.community_id
		WHERE r.community_id = ? ORDER BY r.id DESC LIMIT ?`, community, limit)
	if err != nil {
		return nil, fmt.Errorf("list sync runs: %w", err)
	}
	defer rows.Close()
	var out []SyncReport
	for rows.Next() {
		var r SyncReport
		var started, finished, problems string
		if err := rows.Scan(&r.ID, &r.CommunityID, &r.Community, &r.Source, &started, &finished,
			&r.Units.New, &r.Units.Updated, &r.Units.Unchanged, &r.Units.Archived,
			&r.Users.New, &r.Users.Updated, &r.Users.Unchanged, &r.Users.Archived, &problems); err != nil {
			return nil, fmt.Errorf("list sync runs: %w", err)
		}
		r.StartedAt, r.FinishedAt = ParseTime(started), ParseTime(finished)
		if err := json.Unmarshal([]byte(problems), &r.Problems); err != nil {
			return nil, fmt.Errorf("sync run %d: problems: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetCommunitySource remembers the Kastor export (path or URL) "Importar
// datos" uses for a community.
func (s *Store) SetCommunitySource(ctx context.Context, community int64, source string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE communities SET source = ? WHERE id = ?`, strings.TrimSpace(source), community)
	if err != nil {
		return fmt.Errorf("save source: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("comunidad %d: %w", community, ErrNotFound)
	}
	return nil
}
