// Package datatest gives tests a temporary database and a factory for what
// they put in it (communities, units, people, memberships, secondary
// emails), so that no test above data writes SQL of its own or keeps its own
// copy of "open a store in a temporary folder".
//
// Rows are given as the domain types: a zero ID lets the database choose
// it, a set one is kept (tests that name rows by id); a person's Origin is
// Kastor unless set, and a Kastor person without a KastorKey gets one.
package datatest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/data"
	"comunidad/internal/enginetest"
)

// Open opens a new database of the pass's engine (internal/enginetest): a
// file in the test's temporary folder on SQLite's pass, a new database on
// the test cluster on PostgreSQL's; closed when the test ends. A package
// whose tests use it runs them on both engines with
//
//	func TestMain(m *testing.M) { enginetest.Main(m) }
func Open(tb testing.TB) *data.Store {
	tb.Helper()
	var st *data.Store
	var err error
	if enginetest.IsPostgres() {
		st, err = data.OpenPostgres(context.Background(), enginetest.PostgresSchemaDSN(tb, data.MigratePostgres))
	} else {
		st, err = data.Open(context.Background(), filepath.Join(tb.TempDir(), "comunidad.db"))
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// Fixture writes test rows into a store.
type Fixture struct {
	TB    testing.TB
	Store *data.Store
}

// New is a fixture on st, or on a new temporary database when st is nil.
func New(tb testing.TB, st *data.Store) *Fixture {
	tb.Helper()
	if st == nil {
		st = Open(tb)
	}
	return &Fixture{TB: tb, Store: st}
}

// insert writes one row into table and returns its id: the given one, or
// the one the database chose when id is 0.
func (f *Fixture) insert(table string, id int64, cols string, args ...any) int64 {
	f.TB.Helper()
	ctx := context.Background()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	if id != 0 {
		cols, marks, args = "id, "+cols, "?, "+marks, append([]any{id}, args...)
	}
	var got int64
	q := "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ") RETURNING id"
	if err := f.Store.Writer().QueryRowContext(ctx, q, args...).Scan(&got); err != nil {
		f.TB.Fatalf("datatest: %s: %v", table, err)
	}
	if id != 0 {
		if err := f.Store.ResyncIDs(ctx); err != nil {
			f.TB.Fatalf("datatest: %v", err)
		}
	}
	return got
}

// flag is a boolean as the schema stores it (0 or 1).
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Community creates a community.
func (f *Fixture) Community(name string) data.Community {
	f.TB.Helper()
	c, err := f.Store.CreateCommunity(context.Background(), name)
	if err != nil {
		f.TB.Fatalf("datatest: %v", err)
	}
	return c
}

// Units adds units to community c and returns them with their ids.
func (f *Fixture) Units(c data.Community, us ...data.Unit) []data.Unit {
	f.TB.Helper()
	for i := range us {
		u := &us[i]
		u.CommunityID = c.ID
		u.ID = f.insert("units", u.ID, "community_id, code, name, assigned, sector, floor, factor, archived",
			c.ID, u.Code, u.Name, u.Assigned, u.Sector, u.Floor, u.Factor, flag(u.Archived))
	}
	return us
}

// Unit adds one unit.
func (f *Fixture) Unit(c data.Community, u data.Unit) data.Unit {
	f.TB.Helper()
	return f.Units(c, u)[0]
}

// People adds people to community c and returns them with their ids (and
// the defaults they got: Kastor origin, a key, propietario).
func (f *Fixture) People(c data.Community, ps ...data.Person) []data.Person {
	f.TB.Helper()
	for i := range ps {
		p := &ps[i]
		p.CommunityID = c.ID
		if p.Origin == "" {
			p.Origin = data.OriginKastor
		}
		if p.Type == "" {
			p.Type = data.Propietario
		}
		var key any
		if p.Origin == data.OriginKastor {
			if p.KastorKey == "" {
				p.KastorKey = fmt.Sprintf("datatest:%d:%d:%s %s <%s>", c.ID, i, p.FirstNames, p.LastNames, p.Email)
			}
			key = p.KastorKey
		}
		p.ID = f.insert("people", p.ID, "community_id, kastor_key, first_names, last_names, rut, email, phone, user_type, origin, archived",
			c.ID, key, p.FirstNames, p.LastNames, p.RUT, p.Email, p.Phone, string(p.Type), string(p.Origin), flag(p.Archived))
	}
	return ps
}

// Person adds one person.
func (f *Fixture) Person(c data.Community, p data.Person) data.Person {
	f.TB.Helper()
	return f.People(c, p)[0]
}

// Members places people on units; a membership's Origin is Kastor unless set.
func (f *Fixture) Members(ms ...data.Membership) {
	f.TB.Helper()
	for _, m := range ms {
		if m.Origin == "" {
			m.Origin = data.OriginKastor
		}
		if _, err := f.Store.Writer().ExecContext(context.Background(), `INSERT INTO memberships (unit_id, person_id, role, origin, position, archived) VALUES (?, ?, ?, ?, ?, ?)`,
			m.UnitID, m.PersonID, string(m.Role), string(m.Origin), m.Position, flag(m.Archived)); err != nil {
			f.TB.Fatalf("datatest: memberships: %v", err)
		}
	}
}

// Member places person p on unit u with role (Kastor's, at position 0).
func (f *Fixture) Member(u data.Unit, p data.Person, role data.Role) {
	f.TB.Helper()
	f.Members(data.Membership{UnitID: u.ID, PersonID: p.ID, Role: role})
}

// SecondaryEmails adds addresses on units and returns them with their ids.
func (f *Fixture) SecondaryEmails(es ...data.SecondaryEmail) []data.SecondaryEmail {
	f.TB.Helper()
	for i := range es {
		es[i].ID = f.insert("secondary_emails", es[i].ID, "unit_id, email, label", es[i].UnitID, es[i].Email, es[i].Label)
	}
	return es
}
