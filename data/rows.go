package data

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// UserRow is one line of the Unidades/Usuarios listing: a person in a unit,
// a secondary email on a unit, or a unit with no users at all (Role == "").
// The table, the CLI listings, the bulk users file and the letters all read it.
type UserRow struct {
	CommunityID int64
	Community   string

	UnitID       int64
	UnitCode     string
	UnitName     string
	Assigned     string
	Sector       string
	Floor        string
	Factor       float64
	UnitArchived bool

	PersonID         int64 // 0 for a secondary email or an empty unit
	SecondaryEmailID int64 // set only for a secondary email
	Role             Role  // "" for a unit without users
	Origin           Origin
	FirstNames       string
	LastNames        string
	RUT              string
	Email            string
	Phone            string
	Type             UserType
	Archived         bool // the person or their membership was archived by a sync

	AccountStatus    string // "" when the portal account has not been created
	AccountCreatedAt time.Time

	// From the outbox, for people: when the welcome letter was last sent by
	// email (zero if never), and the state of their "new user" notification
	// ("" when none is owed, else pending, sending, sent, failed, cancelled).
	LetterSentAt time.Time
	NoticeState  string
}

// FullName is "Nombres Apellidos".
func (r UserRow) FullName() string { return joinNonEmpty(r.FirstNames, r.LastNames) }

// IsMain reports whether the row is the unit's main account.
func (r UserRow) IsMain() bool { return r.Role == RoleMain }

// Empty reports whether the row only stands for a unit with no users.
func (r UserRow) Empty() bool { return r.Role == "" }

const userRowsSQL = `
SELECT c.id, c.name, u.id, u.code, u.name, u.assigned, u.sector, u.floor, u.factor, u.archived,
       coalesce(p.id, 0), 0, coalesce(m.role, ''), coalesce(m.origin, ''),
       coalesce(p.first_names, ''), coalesce(p.last_names, ''), coalesce(p.rut, ''), coalesce(p.email, ''),
       coalesce(p.phone, ''), coalesce(p.user_type, ''), coalesce(CASE WHEN p.archived > m.archived THEN p.archived ELSE m.archived END, 0),
       coalesce(a.status, ''), coalesce(a.created_at, ''), coalesce(m.position, 0),
       coalesce(ol.sent_at, ''), coalesce(onu.state, '')
FROM units u
JOIN communities c ON c.id = u.community_id
LEFT JOIN memberships m ON m.unit_id = u.id
LEFT JOIN people p ON p.id = m.person_id
LEFT JOIN accounts a ON a.community_id = u.community_id AND a.email = p.email AND p.email <> ''
LEFT JOIN (SELECT person_id, max(sent_at) AS sent_at FROM outbox
           WHERE community_id = ?1 AND kind = 'letter' AND state = 'sent' GROUP BY person_id) ol ON ol.person_id = p.id
LEFT JOIN (SELECT person_id, state FROM outbox WHERE id IN
             (SELECT max(id) FROM outbox WHERE community_id = ?1 AND kind = 'new_user' GROUP BY person_id)) onu
          ON onu.person_id = p.id
WHERE u.community_id = ?1
  AND (m.unit_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM secondary_emails s WHERE s.unit_id = u.id))
UNION ALL
SELECT c.id, c.name, u.id, u.code, u.name, u.assigned, u.sector, u.floor, u.factor, u.archived,
       0, s.id, 'secondary_email', 'local', '', '', '', s.email, '', '', 0,
       coalesce(a.status, ''), coalesce(a.created_at, ''), 1000000, '', ''
FROM secondary_emails s
JOIN units u ON u.id = s.unit_id
JOIN communities c ON c.id = u.community_id
LEFT JOIN accounts a ON a.community_id = u.community_id AND a.email = s.email
WHERE u.community_id = ?1`

// UserRows lists every user of every unit of a community, in unit order
// (natural: "Depto 2" before "Depto 10"), the main account first in each unit.
func (s *Store) UserRows(ctx context.Context, community int64) ([]UserRow, error) {
	return UserRowsTx(ctx, s.r, community)
}

// UserRowsTx is UserRows on the caller's connection or transaction.
func UserRowsTx(ctx context.Context, q Querier, community int64) ([]UserRow, error) {
	rows, err := q.QueryContext(ctx, userRowsSQL, community)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	type keyed struct {
		UserRow
		pos int
	}
	var out []keyed
	for rows.Next() {
		var k keyed
		var r = &k.UserRow
		var role, origin, typ, created, letterSent string
		var unitArchived, archived int
		if err := rows.Scan(&r.CommunityID, &r.Community, &r.UnitID, &r.UnitCode, &r.UnitName, &r.Assigned,
			&r.Sector, &r.Floor, &r.Factor, &unitArchived, &r.PersonID, &r.SecondaryEmailID, &role, &origin,
			&r.FirstNames, &r.LastNames, &r.RUT, &r.Email, &r.Phone, &typ, &archived,
			&r.AccountStatus, &created, &k.pos, &letterSent, &r.NoticeState); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		r.Role, r.Origin, r.Type = Role(role), Origin(origin), UserType(typ)
		r.UnitArchived, r.Archived = unitArchived != 0, archived != 0
		r.AccountCreatedAt = ParseTime(created)
		r.LetterSentAt = ParseTime(letterSent)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	rank := func(r Role) int {
		switch r {
		case RoleMain:
			return 0
		case RoleAdditional:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.UnitID != b.UnitID {
			if c := NaturalCompare(a.UnitCode, b.UnitCode); c != 0 {
				return c < 0
			}
			return a.UnitID < b.UnitID
		}
		if rank(a.Role) != rank(b.Role) {
			return rank(a.Role) < rank(b.Role)
		}
		if a.Origin != b.Origin {
			return a.Origin == OriginKastor
		}
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		return a.PersonID < b.PersonID
	})
	res := make([]UserRow, len(out))
	for i := range out {
		res[i] = out[i].UserRow
	}
	return res, nil
}

// Units lists a community's units in natural code order.
func (s *Store) Units(ctx context.Context, community int64) ([]Unit, error) {
	us, err := queryAll(ctx, s.r, func(row scanner) (Unit, error) {
		var u Unit
		err := row.Scan(&u.ID, &u.CommunityID, &u.Code, &u.Name, &u.Assigned, &u.Sector, &u.Floor, &u.Factor, &u.Archived)
		return u, err
	}, `SELECT id, community_id, code, name, assigned, sector, floor, factor, archived FROM units WHERE community_id = ?`, community)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	sort.SliceStable(us, func(i, j int) bool { return NaturalCompare(us[i].Code, us[j].Code) < 0 })
	return us, nil
}

// UnitByCode finds a unit of a community by its Kastor code.
func (s *Store) UnitByCode(ctx context.Context, community int64, code string) (Unit, error) {
	var u Unit
	var archived int
	err := s.r.QueryRowContext(ctx, `SELECT id, community_id, code, name, assigned, sector, floor, factor, archived
		FROM units WHERE community_id = ? AND code = ?`, community, strings.TrimSpace(code)).
		Scan(&u.ID, &u.CommunityID, &u.Code, &u.Name, &u.Assigned, &u.Sector, &u.Floor, &u.Factor, &archived)
	if err == sql.ErrNoRows {
		return u, fmt.Errorf("unidad %q: %w", code, ErrNotFound)
	}
	u.Archived = archived != 0
	return u, err
}

// NaturalCompare orders strings the way people read codes: case-insensitive,
// with runs of digits compared by value ("B-2" < "b-10").
func NaturalCompare(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		ca, cb := ra[i], rb[j]
		if unicode.IsDigit(ca) && unicode.IsDigit(cb) {
			si := i
			for i < len(ra) && unicode.IsDigit(ra[i]) {
				i++
			}
			sj := j
			for j < len(rb) && unicode.IsDigit(rb[j]) {
				j++
			}
			na := strings.TrimLeft(string(ra[si:i]), "0")
			nb := strings.TrimLeft(string(rb[sj:j]), "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if na != nb {
				return strings.Compare(na, nb)
			}
			continue
		}
		la, lb := unicode.ToLower(ca), unicode.ToLower(cb)
		if la != lb {
			return cmpInt(int(la), int(lb))
		}
		i++
		j++
	}
	return cmpInt(len(ra)-i, len(rb)-j)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
