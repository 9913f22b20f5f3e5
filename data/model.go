package data

import "time"

// UserType is how Kastor classifies a person in a unit.
type UserType string

const (
	Propietario  UserType = "propietario"
	Arrendatario UserType = "arrendatario"
	Residente    UserType = "residente"
	Otro         UserType = "otro"
)

// UserTypes lists the types in the order forms offer them.
var UserTypes = []UserType{Propietario, Arrendatario, Residente, Otro}

// Label is the type as the interface shows it.
func (t UserType) Label() string {
	switch t {
	case Propietario:
		return "Propietario"
	case Arrendatario:
		return "Arrendatario"
	case Residente:
		return "Residente"
	case Otro:
		return "Otro"
	}
	return string(t)
}

// Origin says who owns a row: Kastor (replaced by each sync, read-only here)
// or the administrator (added in Comunidad, never touched by a sync).
type Origin string

const (
	OriginKastor Origin = "kastor"
	OriginLocal  Origin = "local"
)

// Role is how a person belongs to a unit. RoleSecondaryEmail only appears in
// listings: a secondary email is an address on the unit, not a person.
type Role string

const (
	RoleMain           Role = "main"
	RoleAdditional     Role = "additional"
	RoleSecondaryEmail Role = "secondary_email"
)

// MaxLocalUsers is how many additional users the administrator may add to
// one unit besides the people Kastor lists.
const MaxLocalUsers = 5

// Community is one building or condominium.
type Community struct {
	ID             int64
	Name           string
	Address        string
	Source         string // Kastor export path or URL used by "Importar datos"
	CreatedAt      time.Time
	LastSyncAt     time.Time // zero when never imported
	LastSyncSource string
}

// Unit is a Kastor inmueble.
type Unit struct {
	ID          int64
	CommunityID int64
	Code        string
	Name        string
	Assigned    string // "Depto 101, Bod. 12, Est. 34"
	Sector      string
	Floor       string
	Factor      float64
	Archived    bool
}

// Person is one login in a community.
type Person struct {
	ID          int64
	CommunityID int64
	KastorKey   string
	FirstNames  string
	LastNames   string
	RUT         string
	Email       string
	Phone       string
	Type        UserType
	Origin      Origin
	Archived    bool
	CreatedAt   time.Time
}

// FullName is "Nombres Apellidos".
func (p Person) FullName() string { return joinNonEmpty(p.FirstNames, p.LastNames) }

// Membership links a person to a unit.
type Membership struct {
	UnitID   int64
	PersonID int64
	Role     Role
	Origin   Origin
	Position int
	Archived bool
}

// SecondaryEmail is an address added on a unit in Comunidad.
type SecondaryEmail struct {
	ID        int64
	UnitID    int64
	Email     string
	Label     string
	CreatedAt time.Time
	AddedBy   string // «ana@PC-ADMIN2» (WhoText); "" for older rows
}

// Account is a residents' portal account; its login is the email.
type Account struct {
	ID          int64
	CommunityID int64
	Email       string
	Status      string
	CreatedAt   time.Time
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
