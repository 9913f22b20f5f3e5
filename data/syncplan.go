package data

import (
	"encoding/binary"
	"hash/fnv"
	"math"
)

// SyncState is what a community holds now, as a sync plan needs it: every
// unit, every person (Kastor's and those added in Comunidad) and every
// membership on its units, archived ones included. Store.SyncState and
// Store.Sync load it; kastor.Plan reads it and never changes it.
type SyncState struct {
	Community Community // ID 0: a community the sync will create
	Units     []Unit
	People    []Person
	Members   []Membership
}

// Fingerprint identifies the state's rows: two states with the same units,
// people and memberships have the same fingerprint (a community the sync
// creates has the empty state's, before and after it is created). A plan computed for a preview carries its
// state's fingerprint so that applying it later can tell whether the
// community changed in between.
func (s *SyncState) Fingerprint() uint64 {
	h := fnv.New64a()
	var buf [8]byte
	num := func(n int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	str := func(ss ...string) {
		for _, x := range ss {
			num(int64(len(x)))
			h.Write([]byte(x))
		}
	}
	flag := func(b bool) {
		if b {
			num(1)
		} else {
			num(0)
		}
	}
	num(int64(len(s.Units)))
	for _, u := range s.Units {
		num(u.ID)
		str(u.Code, u.Name, u.Assigned, u.Sector, u.Floor)
		num(int64(math.Float64bits(u.Factor)))
		flag(u.Archived)
	}
	num(int64(len(s.People)))
	for _, p := range s.People {
		num(p.ID)
		str(p.KastorKey, p.FirstNames, p.LastNames, p.RUT, p.Email, p.Phone, string(p.Type), string(p.Origin))
		flag(p.Archived)
	}
	num(int64(len(s.Members)))
	for _, m := range s.Members {
		num(m.UnitID)
		num(m.PersonID)
		str(string(m.Role), string(m.Origin))
		num(int64(m.Position))
		flag(m.Archived)
	}
	return h.Sum64()
}

// Change is what a sync does to one unit or person.
type Change int

const (
	Unchanged Change = iota
	New
	Updated
	Restored // was archived, Kastor lists it again
	Archived // Kastor no longer lists it
)

// PlanCounts counts a plan's units or people by what happens to them.
type PlanCounts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Archived  int `json:"archived"`
	Restored  int `json:"restored"`
}

// Add counts one unit or person that ch happens to.
func (c *PlanCounts) Add(ch Change) {
	switch ch {
	case New:
		c.New++
	case Updated:
		c.Updated++
	case Unchanged:
		c.Unchanged++
	case Archived:
		c.Archived++
	case Restored:
		c.Restored++
	}
}

// Report is the counts as the history keeps them: a restored row counts as
// updated.
func (c PlanCounts) Report() SyncCounts {
	return SyncCounts{New: c.New, Updated: c.Updated + c.Restored, Unchanged: c.Unchanged, Archived: c.Archived}
}

// SyncPlan is everything one sync will write, decided by kastor.Plan from a
// Snapshot and the community's SyncState before anything is written: it can
// be shown (counts, the units and people it archives, the problems), then
// applied as it is by Store.Sync.
type SyncPlan struct {
	Units  []PlannedUnit   // one per snapshot unit, in the export's order
	People []PlannedPerson // one per snapshot person, in the snapshot's order

	ArchivedUnits  []Unit   // Kastor units no longer listed
	ArchivedPeople []Person // Kastor people no longer listed

	// ReleaseEmails are Kastor people whose email another Kastor person
	// takes: their address is emptied before anyone is written.
	ReleaseEmails []int64
	// ArchiveMembers are Kastor memberships no longer listed; Demote are the
	// main accounts that stop being one. Both are written before Members, so
	// that no unit ever has two main accounts.
	ArchiveMembers []MemberKey
	Demote         []PlannedMember
	Members        []PlannedMember // memberships added, restored or changed

	UnitCounts   PlanCounts
	PeopleCounts PlanCounts
	Problems     []SyncProblem // the snapshot's, then the plan's own

	// Base is the fingerprint of the state the plan was computed on, when it
	// was computed for a preview (0 otherwise).
	Base uint64
}

// Changed reports whether the plan writes any unit, person or membership.
func (p *SyncPlan) Changed() bool {
	if len(p.ArchivedUnits)+len(p.ArchivedPeople)+len(p.ReleaseEmails)+len(p.ArchiveMembers)+len(p.Demote)+len(p.Members) > 0 {
		return true
	}
	for _, u := range p.Units {
		if u.Change != Unchanged {
			return true
		}
	}
	for _, pp := range p.People {
		if pp.Write || pp.Change != Unchanged {
			return true
		}
	}
	return false
}

// PlannedUnit is one snapshot unit: its values as Kastor lists them, the
// stored id (0 when New) and what happens to it.
type PlannedUnit struct {
	Unit
	Change Change
}

// PlannedPerson is one snapshot person: their values as they will be stored
// (Email is "" when the address could not be theirs), the stored id (0 when
// New) and what happens to them. Write says whether the person's row is
// written; a person whose only change is a membership is Updated without it.
type PlannedPerson struct {
	Person
	Change Change
	Write  bool
}

// PlannedMember places a snapshot person (an index in SyncPlan.People) on a
// snapshot unit (an index in SyncPlan.Units). New inserts it; otherwise the
// stored membership takes Role and Position and is no longer archived.
type PlannedMember struct {
	Unit, Person int
	Role         Role
	Position     int
	New          bool
}

// MemberKey names a stored membership.
type MemberKey struct{ UnitID, PersonID int64 }
