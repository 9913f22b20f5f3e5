package workflow

import (
	"context"
	"fmt"
	"time"

	"comunidad/app/letter"
	"comunidad/data"
)

// LetterData is what a community's letters are made from: its letter
// templates (the default first), its letter settings and its users. The
// letter editor and the download dialog both start from it.
type LetterData struct {
	Templates []data.Template
	Settings  letter.Settings
	Rows      []data.UserRow
	// Accounts says of each person whether their portal account exists,
	// will exist when the users are generated, or will not (and why).
	Accounts map[int64]data.PersonAccount
	// Newcomers are the people who arrived with the latest import.
	Newcomers []data.MemberKey
	// UpgradeNotice names the edited copies of an earlier suggested letter
	// that the upgrade left alone and the user is still to be told about.
	UpgradeNotice []string
}

// LoadLetterData reads a community's LetterData, creating the suggested
// templates the first time.
func (s *Service) LoadLetterData(ctx context.Context, community int64) (LetterData, error) {
	ts, err := letter.EnsureTemplates(ctx, s.Store, community)
	if err != nil {
		return LetterData{}, err
	}
	set, err := letter.LoadSettings(ctx, s.Store, community)
	if err != nil {
		return LetterData{}, err
	}
	rows, err := s.Store.UserRows(ctx, community)
	if err != nil {
		return LetterData{}, err
	}
	acc, err := s.accounts(ctx, community)
	if err != nil {
		return LetterData{}, err
	}
	news, err := s.Store.Newcomers(ctx, community)
	if err != nil {
		return LetterData{}, err
	}
	notice, err := letter.UpgradeNotice(ctx, s.Store, community)
	if err != nil {
		return LetterData{}, err
	}
	return LetterData{Templates: ts, Settings: set, Rows: rows, Accounts: acc, Newcomers: news, UpgradeNotice: notice}, nil
}

// RestoreSuggested answers the upgrade's notice for the letter called
// name: the user's text is kept as «name (versión anterior)» and the
// letter gets the suggested text (letter.RestoreSuggested). It returns the
// copy's name.
func (s *Service) RestoreSuggested(ctx context.Context, community int64, name string) (string, error) {
	return letter.RestoreSuggested(ctx, s.Store, community, name)
}

// DismissUpgradeNotice answers the notice with «Dejar mis cartas»: it is
// not shown again.
func (s *Service) DismissUpgradeNotice(ctx context.Context, community int64) error {
	return letter.DismissUpgradeNotice(ctx, s.Store, community)
}

// accounts is, per person of the community, what the accounts plan says of
// their portal account.
func (s *Service) accounts(ctx context.Context, community int64) (map[int64]data.PersonAccount, error) {
	rep, err := s.Store.PlanAccounts(ctx, community, nil)
	if err != nil {
		return nil, err
	}
	return rep.PersonAccounts(), nil
}

// LetterTemplates are a community's letter templates, the default first
// (the suggested ones are created the first time).
func (s *Service) LetterTemplates(ctx context.Context, community int64) ([]data.Template, error) {
	return letter.EnsureTemplates(ctx, s.Store, community)
}

// Letters is one batch of welcome letters to render.
type Letters struct {
	Community data.Community
	Template  data.Template
	Settings  letter.Settings
	Selection letter.Selection
	Accounts  map[int64]data.PersonAccount // per person: see LetterData.Accounts
}

// Cases counts the recipients in each account case (with an account, with
// one to be created, without one), before anything is written.
func (l Letters) Cases() map[letter.Account]int {
	return CountCases(l.Selection.Rows, l.Accounts)
}

// CountCases counts rows by their person's account case.
func CountCases(rows []data.UserRow, accounts map[int64]data.PersonAccount) map[letter.Account]int {
	n := map[letter.Account]int{}
	for _, r := range rows {
		n[letter.AccountCase(accounts[r.PersonID])]++
	}
	return n
}

// LettersRequest chooses the letters: the template by name ("" the
// default), the units (none: all of them) and who in each unit.
type LettersRequest struct {
	Template   string
	UnitIDs    []int64
	Recipients letter.Recipients
	// AllUnits is the explicit choice of every unit; without it and without
	// UnitIDs the request is refused (*NoUnitsError).
	AllUnits bool
	// New writes to the people who arrived with the latest import (every one
	// of them, in their units; those of UnitIDs when it is not empty),
	// instead of Recipients.
	New bool
}

// newcomers are the people the latest import brought, and their units;
// *NoNewcomersError when it brought nobody.
func (s *Service) newcomers(ctx context.Context, c data.Community, within []int64) ([]data.MemberKey, []int64, error) {
	keys, err := s.Store.Newcomers(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	keys = NewcomersIn(keys, within)
	if len(keys) == 0 {
		return nil, nil, &NoNewcomersError{}
	}
	var units []int64
	for _, k := range keys {
		if len(units) == 0 || units[len(units)-1] != k.UnitID {
			units = append(units, k.UnitID)
		}
	}
	return keys, units, nil
}

// NewcomersIn keeps the newcomers of the given units (all of them when
// units is empty): «Carta a los nuevos» with some of their units selected.
func NewcomersIn(keys []data.MemberKey, units []int64) []data.MemberKey {
	if len(units) == 0 {
		return keys
	}
	in := map[int64]bool{}
	for _, u := range units {
		in[u] = true
	}
	var out []data.MemberKey
	for _, k := range keys {
		if in[k.UnitID] {
			out = append(out, k)
		}
	}
	return out
}

// PrepareLetters finds the template, the settings and the recipients of a
// request.
func (s *Service) PrepareLetters(ctx context.Context, c data.Community, req LettersRequest) (Letters, error) {
	var only []data.MemberKey
	if req.New {
		var err error
		if only, req.UnitIDs, err = s.newcomers(ctx, c, req.UnitIDs); err != nil {
			return Letters{}, err
		}
		req.Recipients = letter.AllUsers
	}
	if len(req.UnitIDs) == 0 && !req.AllUnits {
		return Letters{}, &NoUnitsError{}
	}
	t, err := letter.FindTemplate(ctx, s.Store, c.ID, req.Template)
	if err != nil {
		return Letters{}, err
	}
	set, err := letter.LoadSettings(ctx, s.Store, c.ID)
	if err != nil {
		return Letters{}, err
	}
	rows, err := s.Store.UserRows(ctx, c.ID)
	if err != nil {
		return Letters{}, err
	}
	acc, err := s.accounts(ctx, c.ID)
	if err != nil {
		return Letters{}, err
	}
	sel := letter.SelectRecipients(rows, req.UnitIDs, req.Recipients)
	if only != nil {
		sel = sel.Keep(only)
	}
	return Letters{Community: c, Template: t, Settings: set, Selection: sel, Accounts: acc}, nil
}

// Write renders the letters into dest: one PDF per recipient in the folder
// dest, or, combined, all of them in the one file dest. It returns the
// files written (the whole letters already written, on a cancel).
// progress, when set, is told after each letter.
func (l Letters) Write(ctx context.Context, dest string, combined bool, progress func(done, total int)) ([]string, error) {
	miss, err := l.Missing()
	if err != nil {
		return nil, err
	}
	if len(miss) > 0 {
		return nil, &letter.MissingError{Missing: miss}
	}
	b := letter.Batch{Template: letter.FromData(l.Template), Settings: l.Settings, Community: l.Community, Rows: l.Selection.Rows,
		Accounts: l.Accounts, OnProgress: progress}
	if combined {
		if err := b.WriteCombined(ctx, dest); err != nil {
			return nil, err
		}
		return []string{dest}, nil
	}
	return b.WriteFolder(ctx, dest)
}

// Missing are the settings the letters would print empty (the community's
// address, the administrator, the portal...): Write refuses them, naming
// what to fill in.
func (l Letters) Missing() ([]letter.Setting, error) {
	c, err := letter.CompileLetter(letter.FromData(l.Template))
	if err != nil {
		return nil, fmt.Errorf("la plantilla %q: %w", l.Template.Name, err)
	}
	return letter.Holes(letter.SampleFields(l.Community, l.Settings, time.Now()), c), nil
}
