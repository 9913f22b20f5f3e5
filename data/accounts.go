package data

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Why a user of the covered units has no portal account. The first three
// are people who should have one but cannot; NotEligible is by design: only
// Kastor's owners and main accounts, the users added here and the secondary
// emails get an account.
type AccountReason string

const (
	ReasonNoEmail      AccountReason = "sin correo"
	ReasonInvalidEmail AccountReason = "correo inválido"
	ReasonSharedEmail  AccountReason = "correo compartido"
	ReasonNotEligible  AccountReason = "no es propietario ni cuenta principal"
)

// AccountRow is one user of one covered unit as "Generar usuarios" sees it:
// the listing row, its login and the state of the account behind it.
// AccountStatus and AccountCreatedAt are looked up by the normalised login,
// so an email stored with stray capitals still finds its account.
type AccountRow struct {
	UserRow
	Login  string        // the normalised email; "" when there is none or it is invalid
	New    bool          // the account was created by this run (or would be, in a plan)
	Reason AccountReason // why there is no account; "" when there is one or should be
}

// Exclusion is a person (or a secondary email) who should get an account but
// cannot, with the reason. A person appears once, with all their covered units.
type Exclusion struct {
	PersonID         int64
	SecondaryEmailID int64
	FirstNames       string
	LastNames        string
	RUT              string
	Email            string // as stored
	Type             UserType
	Origin           Origin
	Units            []string // codes of the covered units they belong to
	Reason           AccountReason
	Detail           string // Spanish, e.g. "también lo usa Ana Soto (unidad 12)"
}

// FullName is "Nombres Apellidos".
func (e Exclusion) FullName() string { return joinNonEmpty(e.FirstNames, e.LastNames) }

// Message is the reason with its detail, as the user reads it.
func (e Exclusion) Message() string {
	if e.Detail == "" {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Detail
}

// AccountsReport is what "Generar usuarios" did (CreateAccountsTx) or would
// do (PlanAccounts) for a community's units, as PlanAccountsFrom decides it.
type AccountsReport struct {
	Community   Community
	GeneratedAt time.Time
	Units       int           // units covered (archived ones never are)
	Rows        []AccountRow  // every user of the covered units, in listing order; archived ones left out
	Created     []string      // logins created (or to create), sorted
	Existing    []string      // logins of covered users that already had an account, sorted
	Excluded    []Exclusion   // who cannot get an account, in unit order
	NotEligible int           // Kastor users who are neither owners nor a main account: no account by design
	EmptyUnits  []UserRow     // covered units with no users at all
	Archived    int           // rows of the covered units left out because a sync archived them
	excludedBy  map[int64]int // person id -> index in Excluded, while planning
}

// AccountOutlook is what the plan says of one person's portal account.
type AccountOutlook int

const (
	AccountUnknown   AccountOutlook = iota // not a user of the covered units (or archived there)
	AccountExists                          // their login has an account (Status: active or disabled)
	AccountWillExist                       // created when the users are generated
	AccountWillNot                         // no account: Reason (and Detail) say why
)

// PersonAccount is one person's portal account as the plan sees it.
type PersonAccount struct {
	Outlook AccountOutlook
	Login   string        // the normalised email, when valid
	Status  string        // the account's status, when it exists
	Reason  AccountReason // when it will not exist
	Detail  string        // the reason's detail, e.g. who else uses the email
}

// PersonAccounts answers, for every person of the covered units, whether
// their account exists (and its login), will exist when the users are
// generated, or will not (and why): what a letter recipient's row shows.
func (r AccountsReport) PersonAccounts() map[int64]PersonAccount {
	out := map[int64]PersonAccount{}
	for _, row := range r.Rows {
		if row.PersonID == 0 {
			continue
		}
		pa := out[row.PersonID]
		switch {
		case pa.Outlook == AccountExists:
		case row.AccountStatus != "":
			pa = PersonAccount{Outlook: AccountExists, Login: row.Login, Status: row.AccountStatus}
		case pa.Outlook == AccountWillExist:
		case row.New:
			pa = PersonAccount{Outlook: AccountWillExist, Login: row.Login}
		case pa.Outlook == AccountUnknown || pa.Reason == ReasonNotEligible && row.Reason != "":
			pa = PersonAccount{Outlook: AccountWillNot, Login: row.Login, Reason: row.Reason}
		}
		out[row.PersonID] = pa
	}
	for _, e := range r.Excluded {
		if pa, ok := out[e.PersonID]; ok && e.PersonID != 0 && pa.Outlook == AccountWillNot && pa.Reason == e.Reason {
			pa.Detail = e.Detail
			out[e.PersonID] = pa
		}
	}
	return out
}

// Count returns how many exclusions have the given reason.
func (r AccountsReport) Count(reason AccountReason) int {
	n := 0
	for _, e := range r.Excluded {
		if e.Reason == reason {
			n++
		}
	}
	return n
}

// PlanAccounts says, without writing anything, which accounts "Generar
// usuarios" would create for the given units (all of them when unitIDs is
// empty) and who would be left without one.
func (s *Store) PlanAccounts(ctx context.Context, community int64, unitIDs []int64) (AccountsReport, error) {
	return planAccounts(ctx, s.r, community, unitIDs, time.Now())
}

// CreateAccounts creates, in one transaction, every missing account of the
// given units (all of them when unitIDs is empty) and reports what it did.
func (s *Store) CreateAccounts(ctx context.Context, community int64, unitIDs []int64) (AccountsReport, error) {
	var rep AccountsReport
	err := s.Tx(ctx, func(tx *DBTx) error {
		if err := lockCommunity(ctx, tx, community); err != nil {
			return err
		}
		var err error
		rep, err = CreateAccountsTx(ctx, tx, community, unitIDs, time.Now())
		return err
	})
	return rep, err
}

// CreateAccountsTx is CreateAccounts inside the caller's transaction, so that
// writing the users file can share its fate: if the file cannot be written,
// no account is left behind either. New accounts are stamped with now.
func CreateAccountsTx(ctx context.Context, tx Querier, community int64, unitIDs []int64, now time.Time) (AccountsReport, error) {
	rep, err := planAccounts(ctx, tx, community, unitIDs, now)
	if err != nil {
		return rep, err
	}
	if len(rep.Created) == 0 {
		return rep, nil
	}
	stamp := FormatTime(now)
	// One multi-row INSERT per chunk: 30,000 single-row statements cost
	// several times more in cgo calls than the rows themselves.
	const chunk = 300 // 3 parameters each, well under SQLite's 32,766 limit
	for i := 0; i < len(rep.Created); i += chunk {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		part := rep.Created[i:min(i+chunk, len(rep.Created))]
		var q strings.Builder
		q.WriteString(`INSERT INTO accounts (community_id, email, created_at) VALUES `)
		args := make([]any, 0, 3*len(part))
		for j, email := range part {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, community, email, stamp)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return rep, fmt.Errorf("crear cuentas: %w", err)
		}
	}
	created := now.UTC().Truncate(time.Millisecond)
	for i := range rep.Rows {
		if rep.Rows[i].New {
			rep.Rows[i].AccountStatus, rep.Rows[i].AccountCreatedAt = "active", created
		}
	}
	return rep, nil
}

// AccountFacts is what account planning reads: the community, which of its
// units are covered, every user row of the community in listing order (a
// person outside the covered units still makes an address ambiguous) and
// its portal accounts.
type AccountFacts struct {
	Community Community
	Covered   map[int64]bool // unit id -> covered
	Rows      []UserRow      // UserRows of the whole community
	Accounts  []Account
	Now       time.Time
}

func planAccounts(ctx context.Context, q Querier, community int64, unitIDs []int64, now time.Time) (AccountsReport, error) {
	f := AccountFacts{Now: now}
	var err error
	if f.Community, err = getCommunity(ctx, q, `id = ?`, community); err != nil {
		return AccountsReport{GeneratedAt: now}, err
	}
	if f.Covered, err = coveredUnits(ctx, q, community, unitIDs); err != nil {
		return AccountsReport{GeneratedAt: now, Community: f.Community}, err
	}
	if f.Rows, err = UserRowsTx(ctx, q, community); err != nil {
		return AccountsReport{GeneratedAt: now, Community: f.Community}, err
	}
	if f.Accounts, err = accounts(ctx, q, community); err != nil {
		return AccountsReport{GeneratedAt: now, Community: f.Community}, err
	}
	return PlanAccountsFrom(f), nil
}

// PlanAccountsFrom decides, from the facts alone (no database), who of the
// covered units gets a portal account and who does not, and why: Kastor's
// owners and main accounts, the users added in Comunidad and the secondary
// emails get one, one per email (an owner in one unit and a tenant in
// another gets it once, as an owner); a login that already has an account is
// not created again; no email, an invalid one or one two people share leave
// the person out, listed in Excluded; Kastor's other tenants and residents
// get none by design (NotEligible), unless their login is created anyway.
func PlanAccountsFrom(f AccountFacts) AccountsReport {
	rep := AccountsReport{GeneratedAt: f.Now, Community: f.Community, Units: len(f.Covered), excludedBy: map[int64]int{}}
	all, covered := f.Rows, f.Covered
	accounts := make(map[string]Account, len(f.Accounts))
	for _, a := range f.Accounts {
		accounts[strings.ToLower(strings.TrimSpace(a.Email))] = a
	}

	// Who uses each address, over the whole community: a person outside the
	// selection still makes an address ambiguous.
	type user struct {
		id   int64
		name string
		unit string
	}
	// Each address is checked once (people hold several units).
	logins := make([]string, len(all))
	loginErrs := make([]error, len(all))
	for i, r := range all {
		if i > 0 && r.Email == all[i-1].Email {
			logins[i], loginErrs[i] = logins[i-1], loginErrs[i-1]
			continue
		}
		logins[i], loginErrs[i] = NormalizeEmail(r.Email)
	}
	users := map[string][]user{}
	for i, r := range all {
		if r.PersonID == 0 || r.Archived || r.UnitArchived {
			continue
		}
		login := logins[i]
		if loginErrs[i] != nil || login == "" {
			continue
		}
		us := users[login]
		if len(us) > 0 && us[len(us)-1].id == r.PersonID {
			continue
		}
		seen := false
		for _, u := range us {
			seen = seen || u.id == r.PersonID
		}
		if !seen {
			users[login] = append(us, user{r.PersonID, r.FullName(), r.UnitCode})
		}
	}

	// First pass: which people should get an account (an owner in one unit
	// and a tenant in another gets it once, as an owner).
	eligible := map[int64]bool{}
	for _, r := range all {
		if !covered[r.UnitID] || r.PersonID == 0 || r.Archived || r.UnitArchived {
			continue
		}
		if r.Origin == OriginLocal || r.Role == RoleMain || r.Type == Propietario {
			eligible[r.PersonID] = true
		}
	}

	created := map[string]bool{}
	existing := map[string]bool{}
	for i, r := range all {
		if !covered[r.UnitID] {
			continue
		}
		switch {
		case r.Empty():
			rep.EmptyUnits = append(rep.EmptyUnits, r)
			continue
		case r.Archived || r.UnitArchived:
			rep.Archived++
			continue
		}
		row := AccountRow{UserRow: r}
		row.AccountStatus, row.AccountCreatedAt = "", time.Time{}
		login, emailErr := logins[i], loginErrs[i]
		if emailErr == nil {
			row.Login = login
			if a, ok := accounts[login]; ok {
				row.AccountStatus, row.AccountCreatedAt = a.Status, a.CreatedAt
			}
		}
		isPerson := r.PersonID != 0
		switch {
		case isPerson && !eligible[r.PersonID]:
			if row.AccountStatus == "" {
				row.Reason = ReasonNotEligible
			}
		case emailErr != nil:
			row.Reason = ReasonInvalidEmail
			rep.exclude(r, ReasonInvalidEmail, "")
		case login == "":
			row.Reason = ReasonNoEmail
			rep.exclude(r, ReasonNoEmail, "")
		case isPerson && len(users[login]) > 1:
			row.Reason = ReasonSharedEmail
			var others []string
			for _, u := range users[login] {
				if u.id != r.PersonID {
					others = append(others, fmt.Sprintf("%s (unidad %s)", orDash(u.name), u.unit))
				}
			}
			rep.exclude(r, ReasonSharedEmail, fmt.Sprintf("%s también lo usa %s", login, strings.Join(others, ", ")))
		case row.AccountStatus != "":
			existing[login] = true
		default:
			row.New = true
			created[login] = true
		}
		rep.Rows = append(rep.Rows, row)
	}
	// A login created now is new on every row that shows it, also on rows
	// (a tenant, say) that would not have created it themselves.
	notEligible := map[int64]bool{}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if row.Login != "" && created[row.Login] && row.AccountStatus == "" {
			if row.Reason == ReasonNotEligible {
				row.Reason = ""
			}
			row.New = row.Reason == ""
		}
		if row.Reason == ReasonNotEligible {
			notEligible[row.PersonID] = true
		}
	}
	rep.NotEligible = len(notEligible)
	rep.Created = sortedKeys(created)
	rep.Existing = sortedKeys(existing)
	rep.excludedBy = nil
	return rep
}

// exclude records that the person (or secondary email) of r cannot get an
// account, adding r's unit to them when they were already recorded.
func (rep *AccountsReport) exclude(r UserRow, reason AccountReason, detail string) {
	if r.PersonID != 0 {
		if i, ok := rep.excludedBy[r.PersonID]; ok {
			e := &rep.Excluded[i]
			if e.Units[len(e.Units)-1] != r.UnitCode {
				e.Units = append(e.Units, r.UnitCode)
			}
			return
		}
		rep.excludedBy[r.PersonID] = len(rep.Excluded)
	}
	rep.Excluded = append(rep.Excluded, Exclusion{
		PersonID: r.PersonID, SecondaryEmailID: r.SecondaryEmailID,
		FirstNames: r.FirstNames, LastNames: r.LastNames, RUT: r.RUT, Email: r.Email,
		Type: r.Type, Origin: r.Origin, Units: []string{r.UnitCode},
		Reason: reason, Detail: detail,
	})
}

// coveredUnits is the set of unit ids "Generar usuarios" works on: the given
// ones, checked to belong to the community, or every unit that is not archived.
func coveredUnits(ctx context.Context, q Querier, community int64, unitIDs []int64) (map[int64]bool, error) {
	live := map[int64]bool{}
	err := queryEach(ctx, q, func(rows *sql.Rows) error {
		var id int64
		var archived bool
		err := rows.Scan(&id, &archived)
		live[id] = !archived
		return err
	}, `SELECT id, archived FROM units WHERE community_id = ?`, community)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	if len(unitIDs) == 0 {
		out := map[int64]bool{}
		for id, ok := range live {
			if ok {
				out[id] = true
			}
		}
		return out, nil
	}
	out := map[int64]bool{}
	for _, id := range unitIDs {
		ok, known := live[id]
		if !known {
			return nil, fmt.Errorf("la unidad %d no es de la comunidad: %w", id, ErrNotFound)
		}
		if ok {
			out[id] = true
		}
	}
	return out, nil
}

// accounts lists a community's portal accounts by login.
func accounts(ctx context.Context, q Querier, community int64) ([]Account, error) {
	out, err := queryAll(ctx, q, func(rows scanner) (Account, error) {
		var a Account
		var created string
		err := rows.Scan(&a.ID, &a.CommunityID, &a.Email, &a.Status, &created)
		a.CreatedAt = ParseTime(created)
		return a, err
	}, `SELECT id, community_id, email, status, created_at FROM accounts WHERE community_id = ? ORDER BY email`, community)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// Accounts lists a community's portal accounts by login.
func (s *Store) Accounts(ctx context.Context, community int64) ([]Account, error) {
	return accounts(ctx, s.r, community)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
