package data

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// Account planning from the facts alone: no database.

// urow is a user row of unit code (its id is the code's position in units)
// for person id (0: a secondary email).
func urow(unit int64, code string, person int64, role Role, origin Origin, typ UserType, name, email string) UserRow {
	r := UserRow{CommunityID: 1, UnitID: unit, UnitCode: code, PersonID: person, Role: role, Origin: origin,
		FirstNames: name, Email: email, Type: typ}
	if person == 0 && role != "" {
		r.SecondaryEmailID = unit*100 + int64(len(email))
	}
	return r
}

func TestPlanAccountsFrom(t *testing.T) {
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	owner := urow(1, "101", 1, RoleMain, OriginKastor, Propietario, "José", "jose@example.cl")
	tenant := urow(1, "101", 2, RoleAdditional, OriginKastor, Arrendatario, "Tomás", "tomas@example.cl")
	local := urow(1, "101", 3, RoleAdditional, OriginLocal, Residente, "Ana", "ana@example.cl")
	secondary := urow(1, "101", 0, RoleSecondaryEmail, OriginLocal, "", "", "conserje@example.cl")
	tests := []struct {
		name     string
		rows     []UserRow
		covered  []int64
		accounts []Account
		want     string
		people   map[int64]PersonAccount
	}{{
		name: "owners, main accounts, added users and secondary emails get one; other tenants do not",
		rows: []UserRow{owner, tenant, local, secondary},
		want: "units=1 new=[ana@example.cl conserje@example.cl jose@example.cl] existing=[] excluded=[] noteligible=1 empty=0 archived=0",
		people: map[int64]PersonAccount{
			1: {Outlook: AccountWillExist, Login: "jose@example.cl"},
			2: {Outlook: AccountWillNot, Login: "tomas@example.cl", Reason: ReasonNotEligible},
			3: {Outlook: AccountWillExist, Login: "ana@example.cl"},
		},
	}, {
		name:     "an account that exists is not created again, whatever the capitals",
		rows:     []UserRow{urow(1, "101", 1, RoleMain, OriginKastor, Propietario, "José", " Jose@Example.CL ")},
		accounts: []Account{{Email: "jose@example.cl", Status: "active", CreatedAt: created}},
		want:     "units=1 new=[] existing=[jose@example.cl] excluded=[] noteligible=0 empty=0 archived=0",
		people:   map[int64]PersonAccount{1: {Outlook: AccountExists, Login: "jose@example.cl", Status: "active"}},
	}, {
		name: "no email, an invalid one, one two people share (even outside the covered units)",
		rows: []UserRow{
			urow(1, "101", 1, RoleMain, OriginKastor, Propietario, "Marta", ""),
			urow(1, "101", 2, RoleAdditional, OriginKastor, Propietario, "María", "maria@"),
			urow(2, "102", 3, RoleMain, OriginKastor, Propietario, "Luis", "Luis@example.cl"),
			urow(3, "201", 4, RoleMain, OriginKastor, Propietario, "Luisa", "luis@example.cl"),
		},
		covered: []int64{1, 2},
		want:    "units=2 new=[] existing=[] excluded=[Marta[101]=sin correo Maríamaria@[101]=correo inválido LuisLuis@example.cl[102]=correo compartido] noteligible=0 empty=0 archived=0",
		people: map[int64]PersonAccount{
			1: {Outlook: AccountWillNot, Reason: ReasonNoEmail},
			2: {Outlook: AccountWillNot, Reason: ReasonInvalidEmail},
			3: {Outlook: AccountWillNot, Login: "luis@example.cl", Reason: ReasonSharedEmail, Detail: "luis@example.cl también lo usa Luisa (unidad 201)"},
		},
	}, {
		name: "an owner in one unit and a tenant in another gets one account, shown on both",
		rows: []UserRow{
			urow(1, "101", 1, RoleMain, OriginKastor, Propietario, "José", "jose@example.cl"),
			urow(2, "102", 1, RoleAdditional, OriginKastor, Arrendatario, "José", "jose@example.cl"),
		},
		want:   "units=2 new=[jose@example.cl] existing=[] excluded=[] noteligible=0 empty=0 archived=0",
		people: map[int64]PersonAccount{1: {Outlook: AccountWillExist, Login: "jose@example.cl"}},
	}, {
		name: "archived rows and units without users are counted, not planned",
		rows: func() []UserRow {
			a := urow(1, "101", 1, RoleMain, OriginKastor, Propietario, "Ido", "ido@example.cl")
			a.Archived = true
			return []UserRow{a, {CommunityID: 1, UnitID: 2, UnitCode: "102"}}
		}(),
		want:   "units=2 new=[] existing=[] excluded=[] noteligible=0 empty=1 archived=1",
		people: map[int64]PersonAccount{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			covered := map[int64]bool{}
			for _, r := range tt.rows {
				if tt.covered == nil {
					covered[r.UnitID] = true
				}
			}
			for _, id := range tt.covered {
				covered[id] = true
			}
			rep := PlanAccountsFrom(AccountFacts{Community: Community{ID: 1}, Covered: covered, Rows: tt.rows, Accounts: tt.accounts, Now: created})
			if got := summary(rep); got != tt.want {
				t.Errorf("plan:\n got %s\nwant %s", got, tt.want)
			}
			if got := rep.PersonAccounts(); !reflect.DeepEqual(got, tt.people) {
				t.Errorf("people:\n got %s\nwant %s", fmt.Sprint(got), fmt.Sprint(tt.people))
			}
		})
	}
}
