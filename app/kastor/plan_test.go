package kastor

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"comunidad/data"
)

// The sync plan is tested here without a database: a state is built from
// domain values and the plan read back as short lines.

// stateBuilder builds a community's stored state from units, people and
// memberships.
type stateBuilder struct{ s data.SyncState }

func newState() *stateBuilder {
	return &stateBuilder{s: data.SyncState{Community: data.Community{ID: 1, Name: "X"}}}
}

func (b *stateBuilder) unit(id int64, code string, archived bool) *stateBuilder {
	b.s.Units = append(b.s.Units, data.Unit{ID: id, CommunityID: 1, Code: code, Name: "Depto " + code, Sector: "Torre A", Factor: 0.01, Archived: archived})
	return b
}

func (b *stateBuilder) kastor(id int64, key, first, last, email string) *stateBuilder {
	b.s.People = append(b.s.People, data.Person{ID: id, CommunityID: 1, KastorKey: key, FirstNames: first, LastNames: last,
		Email: email, Type: data.Propietario, Origin: data.OriginKastor})
	return b
}

func (b *stateBuilder) local(id int64, first, last, email string) *stateBuilder {
	b.s.People = append(b.s.People, data.Person{ID: id, CommunityID: 1, FirstNames: first, LastNames: last,
		Email: email, Type: data.Residente, Origin: data.OriginLocal})
	return b
}

func (b *stateBuilder) member(unit, person int64, role data.Role, origin data.Origin, pos int, archived bool) *stateBuilder {
	b.s.Members = append(b.s.Members, data.Membership{UnitID: unit, PersonID: person, Role: role, Origin: origin, Position: pos, Archived: archived})
	return b
}

func (b *stateBuilder) state() *data.SyncState { return &b.s }

func (b *stateBuilder) archive(person int64) *stateBuilder {
	for i := range b.s.People {
		if b.s.People[i].ID == person {
			b.s.People[i].Archived = true
		}
	}
	return b
}

// planLines is what a plan does, one line a decision, in a stable order.
func planLines(p *data.SyncPlan) []string {
	names := [...]string{"unchanged", "new", "updated", "restored", "archived"}
	var out []string
	for _, u := range p.Units {
		out = append(out, fmt.Sprintf("unit %s #%d %s", u.Code, u.ID, names[u.Change]))
	}
	for _, u := range p.ArchivedUnits {
		out = append(out, fmt.Sprintf("unit %s #%d archived", u.Code, u.ID))
	}
	for _, pp := range p.People {
		w := ""
		if pp.Write {
			w = " write"
		}
		out = append(out, fmt.Sprintf("person %s #%d %s <%s>%s", pp.KastorKey, pp.ID, names[pp.Change], pp.Email, w))
	}
	for _, pp := range p.ArchivedPeople {
		out = append(out, fmt.Sprintf("person %s #%d archived", pp.KastorKey, pp.ID))
	}
	for _, id := range p.ReleaseEmails {
		out = append(out, fmt.Sprintf("release #%d", id))
	}
	for _, k := range p.ArchiveMembers {
		out = append(out, fmt.Sprintf("member %d/%d archived", k.UnitID, k.PersonID))
	}
	member := func(what string, m data.PlannedMember) string {
		return fmt.Sprintf("member %s/%s %s %s %d", p.Units[m.Unit].Code, p.People[m.Person].KastorKey, what, m.Role, m.Position)
	}
	for _, m := range p.Demote {
		out = append(out, member("demote", m))
	}
	for _, m := range p.Members {
		what := "change"
		if m.New {
			what = "add"
		}
		out = append(out, member(what, m))
	}
	for _, pr := range p.Problems {
		out = append(out, "problem "+pr.String())
	}
	return out
}

func TestPlan(t *testing.T) {
	ana := syncPerson("ana", "Ana", "Núñez", "ana@example.cl")
	luis := syncPerson("luis", "Luis", "Soto", "luis@example.cl")
	// stored: 101 (Ana main, Luis additional), 102 (Luis main).
	stored := func() *stateBuilder {
		return newState().unit(1, "101", false).unit(2, "102", false).
			kastor(10, "ana", "Ana", "Núñez", "ana@example.cl").
			kastor(11, "luis", "Luis", "Soto", "luis@example.cl").
			member(1, 10, data.RoleMain, data.OriginKastor, 0, false).
			member(1, 11, data.RoleAdditional, data.OriginKastor, 1, false).
			member(2, 11, data.RoleMain, data.OriginKastor, 0, false)
	}
	same := syncSnapOf(map[string][]string{"101:Depto 101": {"*ana", "luis"}, "102:Depto 102": {"*luis"}}, ana, luis)

	tests := []struct {
		name       string
		snap       *data.Snapshot
		state      *data.SyncState
		want       []string
		units, ppl data.PlanCounts
	}{{
		name:  "first import into an empty community",
		snap:  syncSnapOf(map[string][]string{"101:Depto 101": {"*ana", "luis"}, "102:Depto 102": {}}, ana, luis),
		state: &data.SyncState{},
		want: []string{
			"unit 101 #0 new", "unit 102 #0 new",
			"person ana #0 new <ana@example.cl>", "person luis #0 new <luis@example.cl>",
			"member 101/ana add main 0", "member 101/luis add additional 1",
		},
		units: data.PlanCounts{New: 2}, ppl: data.PlanCounts{New: 2},
	}, {
		name:  "the same export again changes nothing",
		snap:  same,
		state: stored().state(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person ana #10 unchanged <ana@example.cl>", "person luis #11 unchanged <luis@example.cl>",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Unchanged: 2},
	}, {
		name: "a unit's data changes, a unit is gone, an archived unit comes back",
		snap: syncSnapOf(map[string][]string{"101:Depto 101 B": {"*ana"}, "103:Depto 103": {"*luis"}}, ana, luis),
		state: stored().unit(3, "103", true).
			member(3, 11, data.RoleMain, data.OriginKastor, 0, true).state(),
		want: []string{
			"unit 101 #1 updated", "unit 103 #3 restored", "unit 102 #2 archived",
			"person ana #10 unchanged <ana@example.cl>", "person luis #11 updated <luis@example.cl>",
			"member 1/11 archived", "member 2/11 archived",
			"member 103/luis change main 0",
		},
		units: data.PlanCounts{Updated: 1, Restored: 1, Archived: 1}, ppl: data.PlanCounts{Unchanged: 1, Updated: 1},
	}, {
		name: "someone gone from Kastor is archived; an archived one listed again is restored",
		snap: syncSnapOf(map[string][]string{"101:Depto 101": {"*ana"}, "102:Depto 102": {"*rosa"}}, ana, syncPerson("rosa", "Rosa", "Peña", "")),
		state: stored().kastor(12, "rosa", "Rosa", "Peña", "").archive(12).
			member(2, 12, data.RoleAdditional, data.OriginKastor, 1, true).state(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person ana #10 unchanged <ana@example.cl>", "person rosa #12 restored <> write",
			"person luis #11 archived",
			"member 1/11 archived", "member 2/11 archived",
			"member 102/rosa change main 0",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Unchanged: 1, Restored: 1, Archived: 1},
	}, {
		name: "a person is found again by RUT, then by email, when Kastor's key changes",
		snap: func() *data.Snapshot {
			a := syncPerson("rut:12345678-5", "Ana", "Núñez", "otro@example.cl")
			a.RUT = "12345678-5"
			l := syncPerson("correo:luis@example.cl", "Luis", "Soto", "luis@example.cl")
			return syncSnapOf(map[string][]string{"101:Depto 101": {"*rut:12345678-5", "correo:luis@example.cl"}, "102:Depto 102": {"*correo:luis@example.cl"}}, a, l)
		}(),
		state: func() *data.SyncState {
			s := stored().state()
			s.People[0].RUT = "12345678-5"
			return s
		}(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person rut:12345678-5 #10 updated <otro@example.cl> write", "person correo:luis@example.cl #11 updated <luis@example.cl> write",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Updated: 2},
	}, {
		name: "someone listed without RUT or email is found by name on the same unit",
		snap: syncSnapOf(map[string][]string{"101:Depto 101": {"*correo:ana@example.cl"}}, syncPerson("correo:ana@example.cl", "ANA", "NUNEZ", "ana@example.cl")),
		state: newState().unit(1, "101", false).kastor(10, "nombre:ana nunez@101", "Ana", "Núñez", "").
			member(1, 10, data.RoleMain, data.OriginKastor, 0, false).state(),
		want: []string{
			"unit 101 #1 unchanged",
			"person correo:ana@example.cl #10 updated <ana@example.cl> write",
		},
		units: data.PlanCounts{Unchanged: 1}, ppl: data.PlanCounts{Updated: 1},
	}, {
		name: "an email moves from one Kastor person to another: released first",
		snap: syncSnapOf(map[string][]string{"101:Depto 101": {"*ana", "luis"}, "102:Depto 102": {"*luis"}},
			syncPerson("ana", "Ana", "Núñez", "ana.nunez@example.cl"), syncPerson("luis", "Luis", "Soto", "ana@example.cl")),
		state: stored().state(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person ana #10 updated <ana.nunez@example.cl> write", "person luis #11 updated <ana@example.cl> write",
			"release #10",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Updated: 2},
	}, {
		name: "what was added in Comunidad stays: its email, its person, its membership",
		snap: syncSnapOf(map[string][]string{"101:Depto 101": {"*ana", "luis"}, "102:Depto 102": {"*luis"}},
			ana, luis, syncPerson("marta", "Marta", "Ñanco", "camila@example.cl"), syncPerson("pedro", "Pedro", "Díaz", "luis@example.cl")),
		state: stored().local(20, "Camila", "Rojas", "camila@example.cl").
			member(1, 20, data.RoleAdditional, data.OriginLocal, 0, false).state(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person ana #10 unchanged <ana@example.cl>", "person luis #11 unchanged <luis@example.cl>",
			"person marta #0 new <>", "person pedro #0 new <>",
			"problem el correo camila@example.cl de Marta Ñanco ya lo usa un usuario agregado en Comunidad: se importó sin correo",
			"problem el correo luis@example.cl aparece en Luis Soto y en Pedro Díaz: se importó solo para el primero",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Unchanged: 2, New: 2},
	}, {
		name:  "a new main account: the old one is demoted before, a membership-only change updates the person",
		snap:  syncSnapOf(map[string][]string{"101:Depto 101": {"*luis", "ana"}, "102:Depto 102": {"*luis"}}, ana, luis),
		state: stored().state(),
		want: []string{
			"unit 101 #1 unchanged", "unit 102 #2 unchanged",
			"person ana #10 updated <ana@example.cl>", "person luis #11 updated <luis@example.cl>",
			"member 101/ana demote additional 1",
			"member 101/luis change main 0",
		},
		units: data.PlanCounts{Unchanged: 2}, ppl: data.PlanCounts{Updated: 2},
	}, {
		name: "two main accounts on one unit: the first stays, the snapshot's problems come first",
		snap: func() *data.Snapshot {
			s := syncSnapOf(map[string][]string{"101:Depto 101": {"*ana", "*luis"}}, ana, luis)
			s.Problems = []data.SyncProblem{{Row: 3, Message: "Luis Soto no tiene correo"}}
			return s
		}(),
		state: &data.SyncState{},
		want: []string{
			"unit 101 #0 new",
			"person ana #0 new <ana@example.cl>", "person luis #0 new <luis@example.cl>",
			"member 101/ana add main 0", "member 101/luis add additional 1",
			"problem fila 3: Luis Soto no tiene correo",
		},
		units: data.PlanCounts{New: 1}, ppl: data.PlanCounts{New: 2},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.state.Fingerprint()
			p, err := Plan(tt.snap, tt.state)
			if err != nil {
				t.Fatal(err)
			}
			if got := planLines(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan:\n got %q\nwant %q", got, tt.want)
			}
			if p.UnitCounts != tt.units || p.PeopleCounts != tt.ppl {
				t.Errorf("counts: units %+v people %+v, want %+v %+v", p.UnitCounts, p.PeopleCounts, tt.units, tt.ppl)
			}
			changed := tt.units.Unchanged != len(p.Units) || tt.ppl.Unchanged != len(p.People)
			if p.Changed() != changed {
				t.Errorf("Changed() = %v, want %v", p.Changed(), changed)
			}
			if tt.state.Fingerprint() != before {
				t.Error("Plan changed the state it was given")
			}
		})
	}
}

func TestPlanRefuses(t *testing.T) {
	a := syncPerson("a", "A", "B", "a@example.cl")
	dupUnit := syncSnapOf(map[string][]string{"1": {"*a"}}, a)
	dupUnit.Units = append(dupUnit.Units, data.SnapshotUnit{Code: " 1 "})
	outside := syncSnapOf(map[string][]string{"1": {"*a"}}, a)
	outside.Units[0].Members = append(outside.Units[0].Members, data.SnapshotMember{Person: 5})
	tests := []struct {
		name string
		snap *data.Snapshot
		want string
		is   error
		as   SnapshotError
	}{
		{"no units", &data.Snapshot{People: []data.SnapshotPerson{a}}, "", data.ErrEmptySnapshot, SnapshotError{}},
		{"a repeated key", syncSnapOf(map[string][]string{"1": {"*a"}}, a, syncPerson("a", "Dup", "Key", "")), `persona "Dup Key": clave de Kastor vacía o repetida`, nil,
			SnapshotError{Problem: ProblemKey, Person: "Dup Key", Key: "a"}},
		{"an empty key", syncSnapOf(map[string][]string{"1": {}}, syncPerson("", "Sin", "Clave", "")), `persona "Sin Clave": clave de Kastor vacía o repetida`, nil,
			SnapshotError{Problem: ProblemKey, Person: "Sin Clave"}},
		{"a repeated unit code", dupUnit, "unidad 1 repetida en la exportación", nil, SnapshotError{Problem: ProblemUnit, Unit: "1"}},
		{"a member who is nobody", outside, "unidad 1: persona 5 fuera de la exportación", nil, SnapshotError{Problem: ProblemMember, Unit: "1", Index: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Plan(tt.snap, newState().state())
			if err == nil {
				t.Fatalf("planned: %q", planLines(p))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Fatalf("err = %q, want %q", err, tt.want)
			}
			var se *SnapshotError
			if errors.As(err, &se) != (tt.as.Problem != "") || se != nil && *se != tt.as {
				t.Fatalf("SnapshotError = %+v, want %+v", se, tt.as)
			}
		})
	}
}

// TestPlanCountsMatchReport: the report keeps restored rows among the
// updated ones, as the history always has.
func TestPlanCountsMatchReport(t *testing.T) {
	c := data.PlanCounts{New: 1, Updated: 2, Unchanged: 3, Archived: 4, Restored: 5}
	if got := c.Report(); got != (data.SyncCounts{New: 1, Updated: 7, Unchanged: 3, Archived: 4}) {
		t.Fatalf("report: %+v", got)
	}
}
