package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file holds the administrator's own writes on a unit: the additional
// users added in Comunidad (at most MaxLocalUsers per unit) and the secondary
// emails. Kastor rows are never modified here: the sync owns them.

// Fields a FieldError can name, so a form can show the message beside the field.
const (
	FieldFirstNames = "first_names"
	FieldLastNames  = "last_names"
	FieldEmail      = "email"
	FieldRUT        = "rut"
	FieldPhone      = "phone"
	FieldType       = "type"
	FieldLabel      = "label"
)

// FieldError is a validation problem with one field of a form. Field and
// Problem say what is wrong and the other fields hold its facts, so that the
// window words it in the user's language; Error is the Spanish sentence
// (the command line's, and the window's in Spanish).
type FieldError struct {
	Field   string
	Problem FieldProblem
	// Value is what was typed (trimmed): the email, RUT, phone or type
	// refused; for ProblemMember, the email of the person already there.
	Value string
	Char  rune // ProblemChar: the character a name cannot have
	Max   int  // ProblemTooLong: the most characters allowed
	// Owner is who already has the email or the RUT ("" for no name),
	// Kastor whether that person comes from Kastor, Units their units.
	Owner  string
	Kastor bool
	Units  []string
	// Unit is the unit the person already belongs to (ProblemMember) or
	// where the email is a secondary one (ProblemSecondary).
	Unit string
	// RUT is the RUT the person is registered with (ProblemRUTConflict),
	// formatted.
	RUT string
}

// FieldProblem is what is wrong with a field.
type FieldProblem string

// The problems a FieldError names.
const (
	ProblemMissing     FieldProblem = "missing"      // required and empty
	ProblemChar        FieldProblem = "char"         // a name with Char in it
	ProblemTooLong     FieldProblem = "too_long"     // longer than Max
	ProblemInvalid     FieldProblem = "invalid"      // not an email, RUT, phone or user type
	ProblemDigits      FieldProblem = "digits"       // a phone without 8 to 15 digits
	ProblemTaken       FieldProblem = "taken"        // the email is Owner's login
	ProblemSecondary   FieldProblem = "secondary"    // the email is a secondary one of Unit
	ProblemMember      FieldProblem = "member"       // Owner is already a user of Unit
	ProblemKastor      FieldProblem = "kastor"       // the email is a Kastor person's, for a user added here
	ProblemRUTConflict FieldProblem = "rut_conflict" // Owner is registered with another RUT
)

func (e *FieldError) Error() string {
	owner := nameOr(e.Owner, "otra persona")
	switch e.Problem {
	case ProblemMissing:
		if e.Field == FieldEmail {
			return "Falta el correo: es obligatorio"
		}
		return "Faltan " + nameWhat(e.Field) + ": son obligatorios"
	case ProblemChar:
		return fmt.Sprintf("%s no pueden llevar %q: revise lo escrito", Capitalize(nameWhat(e.Field)), e.Char)
	case ProblemTooLong:
		if e.Field == FieldLabel {
			return fmt.Sprintf("La descripción es demasiado larga (máximo %d caracteres)", e.Max)
		}
		return fmt.Sprintf("%s son demasiado largos (máximo %d caracteres)", Capitalize(nameWhat(e.Field)), e.Max)
	case ProblemInvalid:
		switch e.Field {
		case FieldEmail:
			return fmt.Sprintf("Correo inválido %q: escríbalo como nombre@dominio.cl", e.Value)
		case FieldRUT:
			return fmt.Sprintf("RUT inválido %q: revise los números y el dígito verificador", e.Value)
		case FieldPhone:
			return fmt.Sprintf("Teléfono inválido %q: use solo números, espacios y +", e.Value)
		}
		return fmt.Sprintf("Tipo de usuario inválido %q: use propietario, arrendatario, residente u otro", e.Value)
	case ProblemDigits:
		return fmt.Sprintf("Teléfono inválido %q: debe tener entre 8 y 15 dígitos", e.Value)
	case ProblemTaken:
		from := ""
		if e.Kastor {
			from = ", que viene de Kastor"
		}
		return fmt.Sprintf("El correo %s ya es de %s%s (%s): cada correo es el acceso de una sola persona", e.Value, owner, from, whereUnits(e.Units))
	case ProblemSecondary:
		return fmt.Sprintf("El correo %s ya está registrado como correo secundario de la unidad %s", e.Value, e.Unit)
	case ProblemMember:
		return fmt.Sprintf("%s (%s) ya es usuario de la unidad %s", nameOr(e.Owner, e.Value), e.Value, e.Unit)
	case ProblemKastor:
		return fmt.Sprintf("El correo %s ya es de %s, que viene de Kastor (%s): no se puede usar para otro usuario agregado", e.Value, owner, whereUnits(e.Units))
	case ProblemRUTConflict:
		return fmt.Sprintf("%s ya está registrado con el RUT %s (%s), no %s", e.Owner, e.RUT, whereUnits(e.Units), e.Value)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Problem)
}

// nameWhat is a name field as the sentences say it.
func nameWhat(field string) string {
	if field == FieldLastNames {
		return "los apellidos"
	}
	return "los nombres"
}

// ErrLimit is wrapped by the error returned when a unit already has
// MaxLocalUsers additional users.
var ErrLimit = errors.New("límite de usuarios adicionales")

// LimitError is the refusal of one additional user too many: Unit already
// has Max of them.
type LimitError struct {
	Unit string
	Max  int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("La unidad %s ya tiene %d usuarios adicionales, el máximo: quite uno para agregar otro", e.Unit, e.Max)
}
func (e *LimitError) Unwrap() error { return ErrLimit }

// ErrKastor is wrapped by the error returned when asked to change a row that
// came from Kastor.
var ErrKastor = errors.New("viene de Kastor: cámbielo allí y use «Importar datos»")

// LocalUser is what the administrator types for an additional user.
type LocalUser struct {
	FirstNames string
	LastNames  string
	Email      string
	RUT        string // any usual spelling; stored normalised
	Phone      string
	Type       UserType // "" means residente
}

// CleanName trims a name and collapses its inner spaces ("  Ana   María " ->
// "Ana María").
func CleanName(s string) string { return strings.Join(strings.Fields(s), " ") }

// ValidateName checks a required name field and returns it cleaned.
func ValidateName(field, s string) (string, error) {
	s = CleanName(s)
	if s == "" {
		return "", &FieldError{Field: field, Problem: ProblemMissing}
	}
	for _, r := range s {
		if unicode.IsDigit(r) || strings.ContainsRune("@<>{}[]|\\/#$%&=+*_;:\"", r) || unicode.IsControl(r) {
			return "", &FieldError{Field: field, Problem: ProblemChar, Char: r}
		}
	}
	if len([]rune(s)) > 100 {
		return "", &FieldError{Field: field, Problem: ProblemTooLong, Max: 100}
	}
	return s, nil
}

// ValidateEmail checks a required email and returns it normalised.
func ValidateEmail(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", &FieldError{Field: FieldEmail, Problem: ProblemMissing}
	}
	e, err := NormalizeEmail(s)
	if err != nil {
		return "", &FieldError{Field: FieldEmail, Problem: ProblemInvalid, Value: strings.TrimSpace(s)}
	}
	return e, nil
}

// ValidateRUT checks an optional RUT and returns it normalised ("" stays "").
func ValidateRUT(s string) (string, error) {
	r, err := NormalizeRUT(s)
	if err != nil {
		return "", &FieldError{Field: FieldRUT, Problem: ProblemInvalid, Value: strings.TrimSpace(s)}
	}
	return r, nil
}

// ValidatePhone checks an optional phone number: digits with the usual
// separators, 8 to 15 digits ("+56 9 1234 5678"). It returns it trimmed.
func ValidatePhone(s string) (string, error) {
	s = CleanName(s)
	if s == "" {
		return "", nil
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			return "", &FieldError{Field: FieldPhone, Problem: ProblemInvalid, Value: s}
		}
	}
	if digits < 8 || digits > 15 {
		return "", &FieldError{Field: FieldPhone, Problem: ProblemDigits, Value: s}
	}
	return s, nil
}

// ParseUserType reads a user type as typed ("Arrendatario", "residente");
// "" is residente, the usual case for someone added here.
func ParseUserType(s string) (UserType, error) {
	f := Fold(strings.TrimSpace(s))
	if f == "" {
		return Residente, nil
	}
	for _, t := range UserTypes {
		if string(t) == f {
			return t, nil
		}
	}
	return "", &FieldError{Field: FieldType, Problem: ProblemInvalid, Value: strings.TrimSpace(s)}
}

// Validate checks every field and returns the user with them normalised.
// It does not look at the database (see AddLocalUser for that).
func (in LocalUser) Validate() (LocalUser, error) {
	var out LocalUser
	var err error
	if out.FirstNames, err = ValidateName(FieldFirstNames, in.FirstNames); err != nil {
		return out, err
	}
	if out.LastNames, err = ValidateName(FieldLastNames, in.LastNames); err != nil {
		return out, err
	}
	if out.Email, err = ValidateEmail(in.Email); err != nil {
		return out, err
	}
	if out.RUT, err = ValidateRUT(in.RUT); err != nil {
		return out, err
	}
	if out.Phone, err = ValidatePhone(in.Phone); err != nil {
		return out, err
	}
	if out.Type, err = ParseUserType(string(in.Type)); err != nil {
		return out, err
	}
	return out, nil
}

// Member is a person as they belong to one unit.
type Member struct {
	Person
	Role           Role
	MemberOrigin   Origin
	MemberArchived bool
	// NoticeState is the state of the person's "new user" notification
	// ("" when none is owed); NoticeError the last sending error.
	NoticeState string
	NoticeError string
	// AddedBy is who added the membership here («ana@PC-ADMIN2», WhoText;
	// "" for Kastor's and for older rows), AddedAt when.
	AddedBy string
	AddedAt time.Time
}

// Local reports whether the administrator added this membership (and may
// edit or remove it).
func (m Member) Local() bool { return m.MemberOrigin == OriginLocal }

// UnitDetail is everything the Herramientas modal shows about one unit.
type UnitDetail struct {
	Unit            Unit
	Members         []Member // main account first, then Kastor's, then the local ones
	SecondaryEmails []SecondaryEmail
}

// Main returns the unit's main account (the person the Gasto Común is
// billed to), if any.
func (d UnitDetail) Main() (Member, bool) {
	for _, m := range d.Members {
		if m.Role == RoleMain && !m.MemberArchived {
			return m, true
		}
	}
	return Member{}, false
}

// LocalCount is how many additional users the administrator added (the ones
// MaxLocalUsers limits).
func (d UnitDetail) LocalCount() int {
	n := 0
	for _, m := range d.Members {
		if m.Local() && !m.MemberArchived {
			n++
		}
	}
	return n
}

// UnitDetail reads one unit with its people and secondary emails.
func (s *Store) UnitDetail(ctx context.Context, unitID int64) (UnitDetail, error) {
	return unitDetail(ctx, s.r, unitID)
}

func unitDetail(ctx context.Context, q Querier, unitID int64) (UnitDetail, error) {
	var d UnitDetail
	u, err := unitByID(ctx, q, unitID)
	if err != nil {
		return d, err
	}
	d.Unit = u
	rows, err := q.QueryContext(ctx, `
SELECT p.id, p.community_id, coalesce(p.kastor_key, ''), p.first_names, p.last_names, p.rut, p.email, p.phone,
       p.user_type, p.origin, p.archived, p.created_at, m.role, m.origin, m.archived, m.position, m.added_by, m.created_at,
       coalesce((SELECT state FROM outbox o WHERE o.person_id = p.id AND o.kind = 'new_user' ORDER BY o.id DESC LIMIT 1), ''),
       coalesce((SELECT last_error FROM outbox o WHERE o.person_id = p.id AND o.kind = 'new_user' ORDER BY o.id DESC LIMIT 1), '')
FROM memberships m JOIN people p ON p.id = m.person_id
WHERE m.unit_id = ?`, unitID)
	if err != nil {
		return d, fmt.Errorf("unit %d: %w", unitID, err)
	}
	defer rows.Close()
	type keyed struct {
		Member
		pos int
	}
	var ms []keyed
	for rows.Next() {
		var k keyed
		var typ, origin, role, morigin, created, added string
		var archived, marchived int
		if err := rows.Scan(&k.ID, &k.CommunityID, &k.KastorKey, &k.FirstNames, &k.LastNames, &k.RUT, &k.Email, &k.Phone,
			&typ, &origin, &archived, &created, &role, &morigin, &marchived, &k.pos, &k.AddedBy, &added, &k.NoticeState, &k.NoticeError); err != nil {
			return d, fmt.Errorf("unit %d: %w", unitID, err)
		}
		k.Type, k.Origin, k.Role, k.MemberOrigin = UserType(typ), Origin(origin), Role(role), Origin(morigin)
		k.Archived, k.MemberArchived = archived != 0, marchived != 0
		k.CreatedAt, k.AddedAt = ParseTime(created), ParseTime(added)
		ms = append(ms, k)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("unit %d: %w", unitID, err)
	}
	rank := func(m Member) int {
		switch {
		case m.Role == RoleMain:
			return 0
		case m.MemberOrigin == OriginKastor:
			return 1
		}
		return 2
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if a, b := rank(ms[i].Member), rank(ms[j].Member); a != b {
			return a < b
		}
		if ms[i].pos != ms[j].pos {
			return ms[i].pos < ms[j].pos
		}
		return ms[i].ID < ms[j].ID
	})
	for _, k := range ms {
		d.Members = append(d.Members, k.Member)
	}
	srows, err := q.QueryContext(ctx, `SELECT id, unit_id, email, label, created_at, added_by FROM secondary_emails WHERE unit_id = ? ORDER BY id`, unitID)
	if err != nil {
		return d, fmt.Errorf("unit %d: %w", unitID, err)
	}
	defer srows.Close()
	for srows.Next() {
		var e SecondaryEmail
		var created string
		if err := srows.Scan(&e.ID, &e.UnitID, &e.Email, &e.Label, &created, &e.AddedBy); err != nil {
			return d, fmt.Errorf("unit %d: %w", unitID, err)
		}
		e.CreatedAt = ParseTime(created)
		d.SecondaryEmails = append(d.SecondaryEmails, e)
	}
	return d, srows.Err()
}

func unitByID(ctx context.Context, q Querier, id int64) (Unit, error) {
	var u Unit
	var archived int
	err := q.QueryRowContext(ctx, `SELECT id, community_id, code, name, assigned, sector, floor, factor, archived
		FROM units WHERE id = ?`, id).
		Scan(&u.ID, &u.CommunityID, &u.Code, &u.Name, &u.Assigned, &u.Sector, &u.Floor, &u.Factor, &archived)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("unidad %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("unit %d: %w", id, err)
	}
	u.Archived = archived != 0
	return u, nil
}

// PersonByEmail finds the person of a community whose login is email.
func (s *Store) PersonByEmail(ctx context.Context, community int64, email string) (Person, error) {
	e, err := NormalizeEmail(email)
	if err != nil || e == "" {
		return Person{}, fmt.Errorf("correo %q: %w", email, ErrNotFound)
	}
	return personWhere(ctx, s.r, `community_id = ? AND email = ?`, community, e)
}

func personWhere(ctx context.Context, q Querier, where string, args ...any) (Person, error) {
	var p Person
	var typ, origin, created string
	var archived int
	err := q.QueryRowContext(ctx, `SELECT id, community_id, coalesce(kastor_key, ''), first_names, last_names, rut, email, phone,
		user_type, origin, archived, created_at FROM people WHERE `+where, args...).
		Scan(&p.ID, &p.CommunityID, &p.KastorKey, &p.FirstNames, &p.LastNames, &p.RUT, &p.Email, &p.Phone,
			&typ, &origin, &archived, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("persona: %w", ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("person: %w", err)
	}
	p.Type, p.Origin, p.Archived, p.CreatedAt = UserType(typ), Origin(origin), archived != 0, ParseTime(created)
	return p, nil
}

// unitCodesOf lists, in natural order, the codes of the units a person belongs to.
func unitCodesOf(ctx context.Context, q Querier, personID int64) ([]string, error) {
	codes, err := queryAll(ctx, q, func(rows scanner) (string, error) {
		var c string
		return c, rows.Scan(&c)
	}, `SELECT u.code FROM memberships m JOIN units u ON u.id = m.unit_id WHERE m.person_id = ? AND m.archived = 0`, personID)
	sort.Slice(codes, func(i, j int) bool { return NaturalCompare(codes[i], codes[j]) < 0 })
	return codes, err
}

// whereUnits is "la unidad 101" or "las unidades 101, 102".
func whereUnits(codes []string) string {
	switch len(codes) {
	case 0:
		return "ninguna unidad"
	case 1:
		return "la unidad " + codes[0]
	}
	return "las unidades " + strings.Join(codes, ", ")
}

// EmailUse is who already uses an email in a community: the person whose
// login it is, with the codes of their units, or else a unit where it is a
// secondary email. The zero value is a free address.
type EmailUse struct {
	Person      *Person
	Units       []string // the person's units, in natural order
	SecondaryOn string   // code of a unit where it is a secondary email
}

// EmailTakenError is the refusal of email when use says someone already
// has it, nil when it is free. It looks at nothing but its arguments.
func EmailTakenError(email string, use EmailUse) error {
	if p := use.Person; p != nil {
		return &FieldError{Field: FieldEmail, Problem: ProblemTaken, Value: email, Owner: p.FullName(), Kastor: p.Origin == OriginKastor, Units: use.Units}
	}
	if use.SecondaryOn != "" {
		return &FieldError{Field: FieldEmail, Problem: ProblemSecondary, Value: email, Unit: use.SecondaryOn}
	}
	return nil
}

// emailUse loads who uses email in the community, other than the person with
// id self (0 for none) and the secondary email with id selfSecondary.
func emailUse(ctx context.Context, q Querier, community int64, email string, self, selfSecondary int64) (EmailUse, error) {
	var use EmailUse
	p, err := personWhere(ctx, q, `community_id = ? AND email = ? AND id <> ?`, community, email, self)
	if err == nil {
		use.Person = &p
		if use.Units, err = unitCodesOf(ctx, q, p.ID); err != nil {
			return use, fmt.Errorf("check email: %w", err)
		}
		return use, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return use, err
	}
	err = q.QueryRowContext(ctx, `SELECT u.code FROM secondary_emails s JOIN units u ON u.id = s.unit_id
		WHERE u.community_id = ? AND s.email = ? AND s.id <> ? ORDER BY u.id LIMIT 1`, community, email, selfSecondary).Scan(&use.SecondaryOn)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return use, fmt.Errorf("check email: %w", err)
	}
	return use, nil
}

// emailTaken explains who already uses email in the community, other than
// the person with id self (0 for none) and the secondary email with id
// selfSecondary. It returns nil when the address is free.
func emailTaken(ctx context.Context, q Querier, community int64, email string, self, selfSecondary int64) error {
	use, err := emailUse(ctx, q, community, email, self, selfSecondary)
	if err != nil {
		return err
	}
	return EmailTakenError(email, use)
}

func nameOr(name, other string) string {
	if strings.TrimSpace(name) == "" {
		return other
	}
	return name
}

// localCount counts a unit's additional users added here.
func localCount(ctx context.Context, q Querier, unitID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE unit_id = ? AND origin = 'local' AND archived = 0`, unitID).Scan(&n)
	return n, err
}

// AddLocalUser adds an additional user to a unit, in one transaction: it
// validates the fields, refuses a sixth user and an email that is already
// another person's login, creates the person (or, when the email is already
// the login of a person added here with the same names, links that person:
// one person may hold several units), and queues their "new user"
// notification in the outbox. It returns the person's id.
func (s *Store) AddLocalUser(ctx context.Context, unitID int64, in LocalUser) (int64, error) {
	in, err := in.Validate()
	if err != nil {
		return 0, err
	}
	var personID int64
	err = s.Tx(ctx, func(tx *DBTx) error {
		if err := lockUnitsCommunity(ctx, tx, unitID); err != nil {
			return err
		}
		u, err := unitByID(ctx, tx, unitID)
		if err != nil {
			return err
		}
		f := LocalUserFacts{Unit: u}
		if f.LocalCount, err = localCount(ctx, tx, unitID); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if f.Email, err = emailUse(ctx, tx, u.CommunityID, in.Email, 0, 0); err != nil {
			return err
		}
		link, err := CheckAddLocalUser(in, f)
		if err != nil {
			return err
		}
		if p := link; p != nil {
			personID = p.ID
			if p.RUT == "" && in.RUT != "" || p.Phone == "" && in.Phone != "" {
				if _, err := tx.ExecContext(ctx, `UPDATE people SET rut = CASE WHEN rut = '' THEN ? ELSE rut END,
					phone = CASE WHEN phone = '' THEN ? ELSE phone END, updated_at = ?
					WHERE id = ?`, in.RUT, in.Phone, now(), p.ID); err != nil {
					return fmt.Errorf("update person: %w", err)
				}
			}
		} else {
			if personID, err = insertID(ctx, tx, `INSERT INTO people (community_id, first_names, last_names, rut, email, phone, user_type, origin)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'local')`, u.CommunityID, in.FirstNames, in.LastNames, in.RUT, in.Email, in.Phone, string(in.Type)); err != nil {
				return fmt.Errorf("add person: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (unit_id, person_id, role, origin, position, added_by, created_at)
			VALUES (?, ?, 'additional', 'local', (SELECT coalesce(max(position), 0) + 1 FROM memberships WHERE unit_id = ?), ?, ?)`,
			unitID, personID, unitID, WhoText(), now()); err != nil {
			return fmt.Errorf("add membership: %w", err)
		}
		return queueNewUser(ctx, tx, u.CommunityID, personID, unitID, in.Email, in.FirstNames+" "+in.LastNames)
	})
	if err != nil {
		return 0, err
	}
	return personID, nil
}

// LocalUserFacts is what adding an additional user to a unit depends on
// besides the typed fields: the unit, how many users were added to it here,
// and who already uses the typed email.
type LocalUserFacts struct {
	Unit       Unit
	LocalCount int
	Email      EmailUse
}

// CheckAddLocalUser decides, from the facts alone (no database), whether in
// (already validated) may be added to the unit: not to an archived unit, not
// beyond MaxLocalUsers, and with an email nobody else uses, except a person
// added here with the same names and no conflicting RUT, who is then linked
// (returned) instead of created again: one person may hold several units.
func CheckAddLocalUser(in LocalUser, f LocalUserFacts) (link *Person, err error) {
	u := f.Unit
	if u.Archived {
		return nil, &UnitArchivedError{Code: u.Code}
	}
	if f.LocalCount >= MaxLocalUsers {
		return nil, &LimitError{Unit: u.Code, Max: MaxLocalUsers}
	}
	p := f.Email.Person
	if p == nil {
		return nil, EmailTakenError(in.Email, f.Email)
	}
	codes := f.Email.Units
	for _, c := range codes {
		if c == u.Code {
			return nil, &FieldError{Field: FieldEmail, Problem: ProblemMember, Value: p.Email, Owner: p.FullName(), Unit: u.Code}
		}
	}
	if p.Origin == OriginKastor {
		return nil, &FieldError{Field: FieldEmail, Problem: ProblemKastor, Value: p.Email, Owner: p.FullName(), Kastor: true, Units: codes}
	}
	if Fold(p.FirstNames) != Fold(in.FirstNames) || Fold(p.LastNames) != Fold(in.LastNames) {
		return nil, &FieldError{Field: FieldEmail, Problem: ProblemTaken, Value: p.Email, Owner: p.FullName(), Units: codes}
	}
	if p.RUT != "" && in.RUT != "" && p.RUT != in.RUT {
		return nil, &FieldError{Field: FieldRUT, Problem: ProblemRUTConflict, Value: FormatRUT(in.RUT), Owner: p.FullName(), RUT: FormatRUT(p.RUT), Units: codes}
	}
	return p, nil
}

// NewUserDedupeKey is the outbox key of a person's "new user" notification:
// one per person, however many units they are added to.
func NewUserDedupeKey(community, person int64) string {
	return "new_user:" + strconv.FormatInt(community, 10) + ":" + strconv.FormatInt(person, 10)
}

// queueNewUser records that the person is owed a "new user" email. The
// subject and body are left empty: the sender fills them from the template.
func queueNewUser(ctx context.Context, tx Querier, community, person, unit int64, to, name string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (community_id, kind, dedupe_key, person_id, unit_id, to_addr, to_name, state)
		VALUES (?, 'new_user', ?, ?, ?, ?, ?, 'pending') ON CONFLICT (dedupe_key) DO NOTHING`,
		community, NewUserDedupeKey(community, person), person, unit, to, CleanName(name))
	if err != nil {
		return fmt.Errorf("queue notification: %w", err)
	}
	return nil
}

// localPerson loads a person who must be an additional user of the unit
// added here.
func localPerson(ctx context.Context, q Querier, unitID, personID int64) (Person, Unit, error) {
	u, err := unitByID(ctx, q, unitID)
	if err != nil {
		return Person{}, u, err
	}
	p, err := personWhere(ctx, q, `id = ? AND community_id = ?`, personID, u.CommunityID)
	if err != nil {
		return p, u, err
	}
	var origin string
	err = q.QueryRowContext(ctx, `SELECT origin FROM memberships WHERE unit_id = ? AND person_id = ?`, unitID, personID).Scan(&origin)
	if errors.Is(err, sql.ErrNoRows) {
		return p, u, &NotMemberError{Person: nameOr(p.FullName(), p.Email), Unit: u.Code}
	}
	if err != nil {
		return p, u, fmt.Errorf("membership: %w", err)
	}
	if origin != string(OriginLocal) || p.Origin != OriginLocal {
		return p, u, fmt.Errorf("%s %w", nameOr(p.FullName(), p.Email), ErrKastor)
	}
	return p, u, nil
}

// UpdateLocalUser saves the fields of an additional user added here. A
// changed email also readdresses their notification if it is not sent yet.
func (s *Store) UpdateLocalUser(ctx context.Context, unitID, personID int64, in LocalUser) error {
	in, err := in.Validate()
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *DBTx) error {
		if err := lockUnitsCommunity(ctx, tx, unitID); err != nil {
			return err
		}
		p, u, err := localPerson(ctx, tx, unitID, personID)
		if err != nil {
			return err
		}
		if in.Email != p.Email {
			if err := emailTaken(ctx, tx, u.CommunityID, in.Email, p.ID, 0); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET first_names = ?, last_names = ?, rut = ?, email = ?, phone = ?,
			user_type = ?, updated_at = ? WHERE id = ? AND origin = 'local'`,
			in.FirstNames, in.LastNames, in.RUT, in.Email, in.Phone, string(in.Type), now(), p.ID); err != nil {
			return fmt.Errorf("update person: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET to_addr = ?, to_name = ?, updated_at = ?
			WHERE person_id = ? AND kind = 'new_user' AND state IN ('pending', 'failed')`,
			in.Email, in.FirstNames+" "+in.LastNames, now(), p.ID); err != nil {
			return fmt.Errorf("readdress notification: %w", err)
		}
		return nil
	})
}

// RemoveLocalUser takes an additional user added here out of a unit. A
// person left without units is deleted, and a notification not sent yet is
// cancelled.
func (s *Store) RemoveLocalUser(ctx context.Context, unitID, personID int64) error {
	return s.Tx(ctx, func(tx *DBTx) error {
		if err := lockUnitsCommunity(ctx, tx, unitID); err != nil {
			return err
		}
		p, _, err := localPerson(ctx, tx, unitID, personID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE unit_id = ? AND person_id = ? AND origin = 'local'`, unitID, p.ID); err != nil {
			return fmt.Errorf("remove membership: %w", err)
		}
		var left int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE person_id = ?`, p.ID).Scan(&left); err != nil {
			return fmt.Errorf("remove person: %w", err)
		}
		if left > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'cancelled', updated_at = ?
			WHERE person_id = ? AND kind = 'new_user' AND state IN ('pending', 'failed')`, now(), p.ID); err != nil {
			return fmt.Errorf("cancel notification: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id = ? AND origin = 'local'`, p.ID); err != nil {
			return fmt.Errorf("remove person: %w", err)
		}
		return nil
	})
}

// ValidateLabel checks a secondary email's optional label ("Conserjería").
func ValidateLabel(s string) (string, error) {
	s = CleanName(s)
	if len([]rune(s)) > 60 {
		return "", &FieldError{Field: FieldLabel, Problem: ProblemTooLong, Max: 60}
	}
	return s, nil
}

// AddSecondaryEmail adds an address on a unit. It refuses an address that is
// already a person's login or a secondary email elsewhere.
func (s *Store) AddSecondaryEmail(ctx context.Context, unitID int64, email, label string) (int64, error) {
	e, err := ValidateEmail(email)
	if err != nil {
		return 0, err
	}
	if label, err = ValidateLabel(label); err != nil {
		return 0, err
	}
	var id int64
	err = s.Tx(ctx, func(tx *DBTx) error {
		if err := lockUnitsCommunity(ctx, tx, unitID); err != nil {
			return err
		}
		u, err := unitByID(ctx, tx, unitID)
		if err != nil {
			return err
		}
		if err := emailTaken(ctx, tx, u.CommunityID, e, 0, 0); err != nil {
			return err
		}
		id, err = insertID(ctx, tx, `INSERT INTO secondary_emails (unit_id, email, label, added_by, created_at) VALUES (?, ?, ?, ?, ?)`, unitID, e, label, WhoText(), now())
		if err != nil {
			return fmt.Errorf("add secondary email: %w", err)
		}
		return nil
	})
	return id, err
}

// UpdateSecondaryEmail changes a secondary email's address and label.
func (s *Store) UpdateSecondaryEmail(ctx context.Context, id int64, email, label string) error {
	e, err := ValidateEmail(email)
	if err != nil {
		return err
	}
	if label, err = ValidateLabel(label); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *DBTx) error {
		var community int64
		err := tx.QueryRowContext(ctx, `SELECT u.community_id FROM secondary_emails s JOIN units u ON u.id = s.unit_id WHERE s.id = ?`, id).Scan(&community)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("correo secundario %d: %w", id, ErrNotFound)
		}
		if err == nil {
			err = lockCommunity(ctx, tx, community)
		}
		if err != nil {
			return fmt.Errorf("secondary email %d: %w", id, err)
		}
		if err := emailTaken(ctx, tx, community, e, 0, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE secondary_emails SET email = ?, label = ? WHERE id = ?`, e, label, id); err != nil {
			return fmt.Errorf("update secondary email: %w", err)
		}
		return nil
	})
}

// RemoveSecondaryEmail deletes a secondary email.
func (s *Store) RemoveSecondaryEmail(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *DBTx) error {
		if tx.pg {
			var unit int64
			if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM secondary_emails WHERE id = ?`, id).Scan(&unit); err == nil {
				if err := lockUnitsCommunity(ctx, tx, unit); err != nil {
					return err
				}
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM secondary_emails WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("remove secondary email: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("correo secundario %d: %w", id, ErrNotFound)
		}
		return nil
	})
}
