package letter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"comunidad/assets"
	"comunidad/data"
)

// SuggestedVersion is the version of the suggested letters. Version 2
// (account sections, no gender for the community) replaced version 1's
// stored copies; a community's templates are brought to it once, by
// UpgradeTemplates.
const SuggestedVersion = 2

// Setting keys of the upgrade: the version a community's templates were
// brought to, and the names of its edited copies of a suggested letter the
// user is still to be told about (one a line).
const (
	KeySuggestedVersion = "letter.suggested_version"
	KeyUpgradeNotice    = "letter.upgrade_notice"
)

// UpgradeStore is what the upgrade reads and writes.
type UpgradeStore interface {
	TemplateStore
	Settings(ctx context.Context, community int64) (map[string]string, error)
	InTx(ctx context.Context, fn func(tx data.Tx) error) error
}

// UpgradeTemplates brings a community's stored letters to SuggestedVersion,
// once: a stored letter that is exactly a suggested letter of an earlier
// version (title and text byte for byte) becomes the one suggested now,
// keeping its name and whether it is the default; a letter named like a
// suggested one that the user edited (a copy of before: no account
// sections) is left as it is, and its name is kept
// under KeyUpgradeNotice so the window tells the user (UpgradeNotice). It
// returns the names of the letters it replaced.
func UpgradeTemplates(ctx context.Context, st UpgradeStore, community int64) ([]string, error) {
	set, err := st.Settings(ctx, community)
	if err != nil {
		return nil, fmt.Errorf("actualizar las cartas sugeridas: %w", err)
	}
	if v, _ := strconv.Atoi(set[KeySuggestedVersion]); v >= SuggestedVersion {
		return nil, nil
	}
	ts, err := st.Templates(ctx, community, data.TemplateLetter)
	if err != nil {
		return nil, fmt.Errorf("actualizar las cartas sugeridas: %w", err)
	}
	var replaced, edited []string
	for _, t := range ts {
		if old, ok := previousSuggested(t); ok {
			now := SuggestedFor(old)
			t.Title, t.Body = now.Title, now.Body
			if _, err := st.SaveTemplate(ctx, t); err != nil {
				return replaced, fmt.Errorf("actualizar la carta %q: %w", t.Name, err)
			}
			replaced = append(replaced, t.Name)
			continue
		}
		if isSuggestedName(t.Name) && FromData(t) != SuggestedFor(t.Name) && !strings.Contains(t.Body, "{si_") {
			edited = append(edited, t.Name)
		}
	}
	// The version last: an upgrade cut short runs again, and finds the
	// letters it replaced already current.
	err = st.InTx(ctx, func(tx data.Tx) error {
		if len(edited) > 0 {
			if err := tx.SetSetting(ctx, community, KeyUpgradeNotice, strings.Join(edited, "\n")); err != nil {
				return err
			}
		}
		return tx.SetSetting(ctx, community, KeySuggestedVersion, strconv.Itoa(SuggestedVersion))
	})
	if err != nil {
		return replaced, fmt.Errorf("actualizar las cartas sugeridas: %w", err)
	}
	return replaced, nil
}

// previousSuggested tells whether t is exactly a suggested letter of an
// earlier version, and the name of the letter suggested in its place.
func previousSuggested(t data.Template) (string, bool) {
	for _, p := range assets.PreviousSuggestedLetters() {
		if t.Title == p.Title && t.Body == p.Body {
			return p.Name, true
		}
	}
	return "", false
}

func isSuggestedName(name string) bool {
	for _, s := range Suggested() {
		if data.Fold(s.Name) == data.Fold(name) {
			return true
		}
	}
	return false
}

// UpgradeNotice is the names of the community's edited copies of a
// suggested letter that the upgrade left alone and the user has not yet
// been told about.
func UpgradeNotice(ctx context.Context, st SettingsStore, community int64) ([]string, error) {
	set, err := st.Settings(ctx, community)
	if err != nil {
		return nil, fmt.Errorf("leer el aviso de las cartas sugeridas: %w", err)
	}
	v := strings.TrimSpace(set[KeyUpgradeNotice])
	if v == "" {
		return nil, nil
	}
	return strings.Split(v, "\n"), nil
}

// DismissUpgradeNotice records that the user was told: the notice is not
// shown again.
func DismissUpgradeNotice(ctx context.Context, st SettingsStore, community int64) error {
	return st.InTx(ctx, func(tx data.Tx) error { return tx.SetSetting(ctx, community, KeyUpgradeNotice, "") })
}

// RestoreSuggested answers the upgrade's notice for the letter called name:
// the user's text is kept as a new letter, «name (versión anterior)» (or a
// free variant), and the letter called name gets the suggested title and
// text. The name leaves the notice. It returns the name of the copy.
func RestoreSuggested(ctx context.Context, st UpgradeStore, community int64, name string) (string, error) {
	t, err := st.TemplateByName(ctx, community, data.TemplateLetter, name)
	if err != nil {
		return "", fmt.Errorf("restaurar la carta %q: %w", name, err)
	}
	keep := data.Template{CommunityID: community, Kind: data.TemplateLetter, Title: t.Title, Body: t.Body}
	for i := 1; ; i++ {
		keep.Name = fmt.Sprintf("%s (versión anterior)", t.Name)
		if i > 1 {
			keep.Name = fmt.Sprintf("%s (versión anterior %d)", t.Name, i)
		}
		_, err = st.SaveTemplate(ctx, keep)
		if err == nil {
			break
		}
		if !errors.Is(err, data.ErrTemplateName) || i == 100 {
			return "", fmt.Errorf("guardar una copia de la carta %q: %w", name, err)
		}
	}
	sug := SuggestedFor(t.Name)
	t.Title, t.Body = sug.Title, sug.Body
	if _, err := st.SaveTemplate(ctx, t); err != nil {
		return keep.Name, fmt.Errorf("restaurar la carta %q: %w", name, err)
	}
	left, err := UpgradeNotice(ctx, st, community)
	if err != nil {
		return keep.Name, err
	}
	var rest []string
	for _, n := range left {
		if data.Fold(n) != data.Fold(name) {
			rest = append(rest, n)
		}
	}
	err = st.InTx(ctx, func(tx data.Tx) error {
		return tx.SetSetting(ctx, community, KeyUpgradeNotice, strings.Join(rest, "\n"))
	})
	return keep.Name, err
}
