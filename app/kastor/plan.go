package kastor

import (
	"fmt"
	"strings"

	"comunidad/data"
)

// Plan decides what a sync of snap into a community whose rows are state
// must write, without writing anything (no SQL: it reads only its
// arguments). Kastor's fields replace the stored ones; a unit or person Kastor
// no longer lists is archived and comes back when it lists them again;
// people and memberships added in Comunidad are left as they are, and keep
// their emails. A stored person is found again by Kastor key, else by RUT,
// else by email, else (someone Kastor listed without RUT or email) by name
// on one of the same units. The returned plan carries the counts and the
// problems to show before it is applied with data.Store.Sync.
func Plan(snap *data.Snapshot, state *data.SyncState) (*data.SyncPlan, error) {
	if err := checkSnapshot(snap); err != nil {
		return nil, err
	}
	pl := &planner{snap: snap, state: state, plan: &data.SyncPlan{
		Problems: append([]data.SyncProblem(nil), snap.Problems...),
	}}
	if err := pl.units(); err != nil {
		return nil, err
	}
	pl.match()
	pl.assignEmails()
	pl.people()
	pl.members()
	pl.count()
	return pl.plan, nil
}

// checkSnapshot refuses a snapshot that cannot be applied: no units (it
// would archive the whole community, never what a broken export means), a
// person without a key or with another's, a member that is nobody.
func checkSnapshot(snap *data.Snapshot) error {
	if len(snap.Units) == 0 {
		return data.ErrEmptySnapshot
	}
	keys := make(map[string]bool, len(snap.People))
	for _, p := range snap.People {
		if p.Key == "" || keys[p.Key] {
			return &SnapshotError{Problem: ProblemKey, Person: p.FullName(), Key: p.Key}
		}
		keys[p.Key] = true
	}
	for _, u := range snap.Units {
		for _, m := range u.Members {
			if m.Person < 0 || m.Person >= len(snap.People) {
				return &SnapshotError{Problem: ProblemMember, Unit: u.Code, Index: m.Person}
			}
		}
	}
	return nil
}

// What makes a snapshot impossible to apply (besides data.ErrEmptySnapshot).
const (
	ProblemKey    = "key"    // a person without a Kastor key, or with another's
	ProblemUnit   = "unit"   // a unit code listed twice
	ProblemMember = "member" // a member who is not one of the snapshot's people
)

// SnapshotError refuses a snapshot Plan cannot apply, with the facts: which
// Problem, and the Unit code, the Person's name and Key, or the member's
// Index it concerns. It reads as the Spanish sentence shown today.
type SnapshotError struct {
	Problem string
	Unit    string
	Person  string
	Key     string
	Index   int
}

func (e *SnapshotError) Error() string {
	switch e.Problem {
	case ProblemKey:
		return fmt.Sprintf("persona %q: clave de Kastor vacía o repetida", e.Person)
	case ProblemUnit:
		return fmt.Sprintf("unidad %s repetida en la exportación", e.Unit)
	}
	return fmt.Sprintf("unidad %s: persona %d fuera de la exportación", e.Unit, e.Index)
}

// planner holds one plan's indexes while it is computed.
type planner struct {
	snap  *data.Snapshot
	state *data.SyncState
	plan  *data.SyncPlan

	unitOf     map[int64]int // stored unit id -> index in plan.Units
	matched    []int         // per snapshot person: index in state.People, or -1
	taken      []bool        // per state person: matched with a snapshot person
	byEmail    map[string]int
	localEmail map[string]bool
	emails     []string // per snapshot person: the email they get
	released   map[int64]bool
	touched    []bool // per snapshot person: a membership of theirs changes
}

func (pl *planner) units() error {
	stored := make(map[string]int, len(pl.state.Units))
	for i, u := range pl.state.Units {
		stored[u.Code] = i
	}
	seen := make(map[string]bool, len(pl.snap.Units))
	pl.unitOf = make(map[int64]int, len(pl.state.Units))
	pl.plan.Units = make([]data.PlannedUnit, len(pl.snap.Units))
	for i, su := range pl.snap.Units {
		code := strings.TrimSpace(su.Code)
		if seen[code] {
			return &SnapshotError{Problem: ProblemUnit, Unit: code}
		}
		seen[code] = true
		pu := data.PlannedUnit{Unit: data.Unit{Code: code, Name: su.Name, Assigned: su.Assigned, Sector: su.Sector,
			Floor: su.Floor, Factor: su.Factor}}
		if j, ok := stored[code]; ok {
			u := pl.state.Units[j]
			pu.ID, pu.CommunityID = u.ID, u.CommunityID
			pl.unitOf[u.ID] = i
			switch {
			case u.Archived:
				pu.Change = data.Restored
			case u.Name != su.Name || u.Assigned != su.Assigned || u.Sector != su.Sector || u.Floor != su.Floor || u.Factor != su.Factor:
				pu.Change = data.Updated
			}
		} else {
			pu.Change = data.New
		}
		pl.plan.Units[i] = pu
	}
	for _, u := range pl.state.Units {
		if !seen[u.Code] && !u.Archived {
			pl.plan.ArchivedUnits = append(pl.plan.ArchivedUnits, u)
		}
	}
	return nil
}

// match finds every snapshot person's stored row: by key, else (the key
// changed, e.g. Kastor now has their RUT) by RUT, else by email; last,
// someone Kastor listed without RUT or email who now has one, by the same
// name on one of the same units.
func (pl *planner) match() {
	people, snap := pl.state.People, pl.snap
	byKey := make(map[string]int, len(people))
	byRUT := make(map[string]int, len(people))
	pl.byEmail = make(map[string]int, len(people))
	pl.localEmail = map[string]bool{}
	for i, p := range people {
		if p.Origin != data.OriginKastor {
			if p.Email != "" {
				pl.localEmail[p.Email] = true
			}
			continue
		}
		byKey[p.KastorKey] = i
		if p.RUT != "" {
			byRUT[p.RUT] = i
		}
		if p.Email != "" {
			pl.byEmail[p.Email] = i
		}
	}
	pl.matched = make([]int, len(snap.People))
	pl.taken = make([]bool, len(people))
	take := func(i, j int) {
		pl.matched[i], pl.taken[j] = j, true
	}
	for i, sp := range snap.People {
		pl.matched[i] = -1
		if j, ok := byKey[sp.Key]; ok && !pl.taken[j] {
			take(i, j)
		}
	}
	for i, sp := range snap.People {
		if pl.matched[i] >= 0 {
			continue
		}
		j, ok := -1, false
		if sp.RUT != "" {
			j, ok = byRUT[sp.RUT]
		}
		if (!ok || pl.taken[j]) && sp.Email != "" {
			j, ok = pl.byEmail[sp.Email]
		}
		if ok && !pl.taken[j] {
			take(i, j)
		}
	}
	left := 0 // stored Kastor people not found yet
	for j, p := range people {
		if p.Origin == data.OriginKastor && !pl.taken[j] {
			left++
		}
	}
	if left == 0 {
		return
	}
	type nameUnit struct {
		name string
		unit int64
	}
	var byName map[nameUnit]int
	personAt := make(map[int64]int, len(people))
	for j, p := range people {
		personAt[p.ID] = j
	}
	for _, m := range pl.state.Members {
		if m.Origin != data.OriginKastor {
			continue
		}
		j, ok := personAt[m.PersonID]
		if !ok || people[j].Origin != data.OriginKastor || pl.taken[j] {
			continue
		}
		if byName == nil {
			byName = map[nameUnit]int{}
		}
		byName[nameUnit{data.Fold(people[j].FullName()), m.UnitID}] = j
	}
	if len(byName) == 0 {
		return
	}
	for ui, su := range snap.Units {
		id := pl.plan.Units[ui].ID
		if id == 0 {
			continue
		}
		for _, m := range su.Members {
			if pl.matched[m.Person] >= 0 {
				continue
			}
			if j, ok := byName[nameUnit{data.Fold(snap.People[m.Person].FullName()), id}]; ok && !pl.taken[j] {
				take(m.Person, j)
			}
		}
	}
}

// assignEmails gives every snapshot person their email: one person per email in a
// community. An address a local user holds stays theirs; one another Kastor
// person held is released first.
func (pl *planner) assignEmails() {
	snap := pl.snap
	pl.emails = make([]string, len(snap.People))
	claimed := map[string]int{}
	for i, sp := range snap.People {
		e := sp.Email
		if e == "" {
			continue
		}
		if pl.localEmail[e] {
			pl.problem("el correo %s de %s ya lo usa un usuario agregado en Comunidad: se importó sin correo", e, sp.FullName())
			continue
		}
		if j, dup := claimed[e]; dup {
			pl.problem("el correo %s aparece en %s y en %s: se importó solo para el primero", e,
				snap.People[j].FullName(), sp.FullName())
			continue
		}
		claimed[e] = i
		pl.emails[i] = e
		if j, ok := pl.byEmail[e]; ok && j != pl.matched[i] {
			if pl.released == nil {
				pl.released = map[int64]bool{}
			}
			id := pl.state.People[j].ID
			pl.released[id] = true
			pl.plan.ReleaseEmails = append(pl.plan.ReleaseEmails, id)
		}
	}
}

func (pl *planner) problem(format string, args ...any) {
	pl.plan.Problems = append(pl.plan.Problems, data.SyncProblem{Message: fmt.Sprintf(format, args...)})
}

func (pl *planner) people() {
	snap := pl.snap
	pl.plan.People = make([]data.PlannedPerson, len(snap.People))
	for i, sp := range snap.People {
		typ := sp.Type
		if typ == "" {
			typ = data.Propietario
		}
		pp := data.PlannedPerson{Person: data.Person{KastorKey: sp.Key, FirstNames: sp.FirstNames, LastNames: sp.LastNames,
			RUT: sp.RUT, Email: pl.emails[i], Phone: sp.Phone, Type: typ, Origin: data.OriginKastor}}
		if j := pl.matched[i]; j >= 0 {
			p := pl.state.People[j]
			pp.ID, pp.CommunityID, pp.CreatedAt = p.ID, p.CommunityID, p.CreatedAt
			switch {
			case p.Archived:
				pp.Change = data.Restored
			case p.KastorKey != sp.Key || p.FirstNames != sp.FirstNames || p.LastNames != sp.LastNames ||
				p.RUT != sp.RUT || p.Email != pl.emails[i] || p.Phone != sp.Phone || p.Type != typ:
				pp.Change = data.Updated
			}
			// A released email must be written back even when it ends up the same.
			pp.Write = pp.Change != data.Unchanged || pl.released[p.ID]
		} else {
			pp.Change = data.New
		}
		pl.plan.People[i] = pp
	}
	for j, p := range pl.state.People {
		if p.Origin == data.OriginKastor && !pl.taken[j] && !p.Archived {
			pl.plan.ArchivedPeople = append(pl.plan.ArchivedPeople, p)
		}
	}
}

// members decides the Kastor memberships: each unit's first main account
// stays its only one, everyone else on it is an additional user, in Kastor's
// order. Memberships no longer listed are archived; those added in
// Comunidad are left alone.
func (pl *planner) members() {
	snap, plan := pl.snap, pl.plan
	type ref struct{ unit, person int }
	type want struct {
		role     data.Role
		position int
	}
	wanted := make(map[ref]want, len(snap.People))
	var order []ref
	for ui, su := range snap.Units {
		hasMain := false
		for pos, m := range su.Members {
			role := data.RoleAdditional
			if m.Role == data.RoleMain && !hasMain {
				role, hasMain = data.RoleMain, true
			} else if m.Role == data.RoleMain {
				hasMain = true
			}
			k := ref{ui, m.Person}
			if _, dup := wanted[k]; dup {
				continue
			}
			wanted[k] = want{role, pos}
			order = append(order, k)
		}
	}
	personOf := make(map[int64]int, len(plan.People)) // stored person id -> snapshot index
	for i, pp := range plan.People {
		if pp.ID != 0 {
			personOf[pp.ID] = i
		}
	}
	pl.touched = make([]bool, len(snap.People))
	stored := make(map[ref]data.Membership, len(pl.state.Members))
	demoted := map[ref]bool{}
	for _, m := range pl.state.Members {
		ui, uok := pl.unitOf[m.UnitID]
		pi, pok := personOf[m.PersonID]
		k := ref{ui, pi}
		if uok && pok {
			stored[k] = m
		}
		if m.Origin != data.OriginKastor || m.Archived {
			continue
		}
		w, ok := wanted[k]
		switch {
		case !uok || !pok || !ok:
			plan.ArchiveMembers = append(plan.ArchiveMembers, data.MemberKey{UnitID: m.UnitID, PersonID: m.PersonID})
			if pok {
				pl.touched[pi] = true
			}
		case m.Role == data.RoleMain && w.role != data.RoleMain:
			plan.Demote = append(plan.Demote, data.PlannedMember{Unit: ui, Person: pi, Role: w.role, Position: w.position})
			demoted[k] = true
			pl.touched[pi] = true
		}
	}
	for _, k := range order {
		w := wanted[k]
		m, ok := stored[k]
		switch {
		case !ok:
			plan.Members = append(plan.Members, data.PlannedMember{Unit: k.unit, Person: k.person, Role: w.role, Position: w.position, New: true})
			pl.touched[k.person] = true
		case m.Origin != data.OriginKastor, demoted[k]:
			// Added in Comunidad: the administrator's, left as it is.
			// Demoted: already what Kastor says.
		case m.Archived || m.Role != w.role || m.Position != w.position:
			plan.Members = append(plan.Members, data.PlannedMember{Unit: k.unit, Person: k.person, Role: w.role, Position: w.position})
			pl.touched[k.person] = true
		}
	}
}

func (pl *planner) count() {
	plan := pl.plan
	for _, u := range plan.Units {
		plan.UnitCounts.Add(u.Change)
	}
	plan.UnitCounts.Archived += len(plan.ArchivedUnits)
	for i := range plan.People {
		pp := &plan.People[i]
		if pp.Change == data.Unchanged && pl.touched[i] {
			pp.Change = data.Updated
		}
		plan.PeopleCounts.Add(pp.Change)
	}
	plan.PeopleCounts.Archived += len(plan.ArchivedPeople)
}
