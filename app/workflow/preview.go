package workflow

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"comunidad/app/kastor"
	"comunidad/data"
)

// Preview is what an import will do, computed before anything is written:
// the plan (new, updated, unchanged, archived and restored units and
// people, and the observations) and the guard rails it trips. The window
// shows it and asks; «comunidad sync --dry-run» prints it.
type Preview struct {
	Target    data.SyncTarget
	Community data.Community // the community updated; ID 0 for a new one
	Plan      *data.SyncPlan
	Guards    []Guard
	// ActiveUnits and ActivePeople are the community's units and Kastor
	// people not archived before the import.
	ActiveUnits, ActivePeople int
}

// GuardKind is one of the guard rails an import can trip.
type GuardKind int

const (
	// GuardOtherCommunity: the export's title or sheet names another
	// community than the one being updated.
	GuardOtherCommunity GuardKind = iota + 1
	// GuardArchivesMany: the import would archive more than a fifth of
	// the community's units or people.
	GuardArchivesMany
	// GuardFewRows: the export has far fewer rows than the community has
	// units (a partial export, a header and two rows).
	GuardFewRows
)

// Guard is one guard rail tripped, with its message for the user (naming
// the numbers) and Confirm, the words an explicit confirmation says.
type Guard struct {
	Kind    GuardKind
	Message string
	Confirm string
}

// GuardError refuses an import that trips guard rails nobody confirmed
// (the command line without --yes).
type GuardError struct{ Guards []Guard }

func (e *GuardError) Error() string {
	msgs := make([]string, len(e.Guards))
	for i, g := range e.Guards {
		msgs[i] = g.Message
	}
	return strings.Join(msgs, "; ")
}

// Preview computes what Save would write into target now, and the guard
// rails it trips. It writes nothing.
func (im *Import) Preview(ctx context.Context, target data.SyncTarget) (*Preview, error) {
	pv, err := im.preview(ctx, target)
	return pv, cancelled(ctx, err)
}

func (im *Import) preview(ctx context.Context, target data.SyncTarget) (*Preview, error) {
	st := im.s.Store
	plan, err := kastor.Preview(ctx, st, target, im.Source, im.Result)
	if err != nil {
		return nil, err
	}
	p := &Preview{Target: target, Plan: plan}
	if target.CommunityID != 0 {
		if p.Community, err = st.Community(ctx, target.CommunityID); err != nil {
			return nil, err
		}
	}
	uc, pc := plan.UnitCounts, plan.PeopleCounts
	p.ActiveUnits = uc.Unchanged + uc.Updated + uc.Archived
	p.ActivePeople = pc.Unchanged + pc.Updated + pc.Archived
	if p.Community.ID == 0 {
		return p, nil // a new community: nothing to lose
	}
	cs, err := st.Communities(ctx)
	if err != nil {
		return nil, err
	}
	if g, ok := otherCommunity(p.Community, cs, im.Result); ok {
		p.Guards = append(p.Guards, g)
	}
	if g, ok := archivesMany(uc.Archived, p.ActiveUnits, pc.Archived, p.ActivePeople); ok {
		p.Guards = append(p.Guards, g)
	}
	if p.ActiveUnits >= 4 && im.Result.Rows*2 < p.ActiveUnits {
		p.Guards = append(p.Guards, Guard{Kind: GuardFewRows,
			Message: fmt.Sprintf("la exportación tiene %s y la comunidad «%s» tiene %s: ¿es una exportación parcial?",
				plural(im.Result.Rows, "fila de datos", "filas de datos"), p.Community.Name, plural(p.ActiveUnits, "unidad", "unidades")),
			Confirm: fmt.Sprintf("Sí, importar %s para %s", plural(im.Result.Rows, "fila", "filas"), plural(p.ActiveUnits, "unidad", "unidades"))})
	}
	return p, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// archivesMany trips when more than a fifth of the units or of the people
// would be archived.
func archivesMany(units, ofUnits, people, ofPeople int) (Guard, bool) {
	var parts []string
	if units > 0 && units*5 > ofUnits {
		parts = append(parts, fmt.Sprintf("%d de %d unidades (%d %%)", units, ofUnits, units*100/max(ofUnits, 1)))
	}
	if people > 0 && people*5 > ofPeople {
		parts = append(parts, fmt.Sprintf("%d de %d personas (%d %%)", people, ofPeople, people*100/max(ofPeople, 1)))
	}
	if len(parts) == 0 {
		return Guard{}, false
	}
	return Guard{Kind: GuardArchivesMany,
		Message: "la importación archivaría " + strings.Join(parts, " y ") + ": más de una quinta parte",
		Confirm: "Sí, archivar " + strings.Join(parts, " y ")}, true
}

// communityWords start a community's name in a title: "Reporte de
// usuarios — Condominio X", "Edificio Y - Listado de copropietarios".
var communityWords = map[string]bool{"condominio": true, "edificio": true, "comunidad": true, "conjunto": true,
	"residencial": true, "condominios": true, "torres": true, "villa": true, "loteo": true}

// nameWords are a name's words folded (case and accents) without
// punctuation, and without a leading community word: "Condominio Los
// Álamos" and "los alamos" both give [los alamos].
func nameWords(s string) []string {
	f := strings.FieldsFunc(data.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(f) > 1 && communityWords[f[0]] {
		f = f[1:]
	}
	return f
}

func containsWords(hay, needle []string) bool {
	if len(needle) == 0 {
		return false
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j := range needle {
			if hay[i+j] != needle[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// otherCommunity trips when the export's title row or sheet names a
// community that is not c: another community of the database appears in
// it, or a community word ("Condominio", "Edificio"...) introduces a name
// that is not c's. c's own name anywhere in it (ignoring case and accents)
// settles it.
func otherCommunity(c data.Community, all []data.Community, res *kastor.Result) (Guard, bool) {
	own := nameWords(c.Name)
	words := func(s string) []string {
		return strings.FieldsFunc(data.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	for _, text := range []string{res.Title, res.Sheet} {
		if containsWords(words(text), own) {
			return Guard{}, false
		}
	}
	named := ""
	for _, text := range []string{res.Title, res.Sheet} {
		for _, o := range all {
			if o.ID != c.ID && containsWords(words(text), nameWords(o.Name)) {
				named = o.Name
			}
		}
		if named == "" {
			if n := introducedName(text); n != "" && !containsWords(own, nameWords(n)) {
				// "Condominio Las Brisas" in the title of «Condominio
				// Las Brisas de Ñuñoa» is the same community.
				named = n
			}
		}
		if named != "" {
			break
		}
	}
	if named == "" {
		return Guard{}, false
	}
	return Guard{Kind: GuardOtherCommunity,
		Message: fmt.Sprintf("la exportación es de «%s» (lo dice su título: «%s»), no de «%s», la comunidad que se actualizaría", named, titleOf(res), c.Name),
		Confirm: fmt.Sprintf("Sí, importar «%s» en «%s»", named, c.Name)}, true
}

func titleOf(res *kastor.Result) string {
	if strings.TrimSpace(res.Title) != "" {
		return strings.TrimSpace(res.Title)
	}
	return res.Sheet
}

// introducedName is the name a community word introduces in a title, up
// to the next separator: "Reporte de usuarios — Condominio X" gives
// "Condominio X".
func introducedName(title string) string {
	for _, seg := range strings.FieldsFunc(title, func(r rune) bool { return strings.ContainsRune("—–-|:·,;/()[]", r) }) {
		words := strings.Fields(seg)
		for i, w := range words {
			if communityWords[data.Fold(strings.Trim(w, ".«»\"'"))] && i+1 < len(words) {
				return strings.Join(words[i:], " ")
			}
		}
	}
	return ""
}
