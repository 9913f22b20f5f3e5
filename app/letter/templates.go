package letter

import (
	"context"
	"errors"
	"fmt"

	"comunidad/assets"
	"comunidad/data"
)

// Named is a suggested template with the name it is kept under.
type Named struct {
	Name string
	Template
}

// Suggested returns the letters that ship with the application, the
// welcome letter ("Bienvenida nuevo residente") first.
func Suggested() []Named {
	var out []Named
	for _, s := range assets.SuggestedLetters() {
		out = append(out, Named{Name: s.Name, Template: Template{Title: s.Title, Body: s.Body}})
	}
	return out
}

// SuggestedFor is the shipped letter "Restaurar carta sugerida" brings back
// for a template called name: the one of the same name, else the welcome letter.
func SuggestedFor(name string) Template {
	all := Suggested()
	for _, s := range all {
		if data.Fold(s.Name) == data.Fold(name) {
			return s.Template
		}
	}
	return all[0].Template
}

// FromData is the letter part of a stored template.
func FromData(t data.Template) Template { return Template{Title: t.Title, Body: t.Body} }

// TemplateStore is where a community's templates are kept (data.Store).
type TemplateStore interface {
	Templates(ctx context.Context, community int64, kind string) ([]data.Template, error)
	TemplateByName(ctx context.Context, community int64, kind, name string) (data.Template, error)
	DefaultTemplate(ctx context.Context, community int64, kind string) (data.Template, error)
	SaveTemplate(ctx context.Context, t data.Template) (data.Template, error)
}

// EnsureTemplates gives a community that has no letter templates yet the
// suggested ones (the welcome letter as default), brings the stored copies
// of earlier suggested letters up to date (UpgradeTemplates), and returns
// its letter templates.
func EnsureTemplates(ctx context.Context, st UpgradeStore, community int64) ([]data.Template, error) {
	if _, err := UpgradeTemplates(ctx, st, community); err != nil {
		return nil, err
	}
	ts, err := st.Templates(ctx, community, data.TemplateLetter)
	if err != nil || len(ts) > 0 {
		return ts, err
	}
	for i, s := range Suggested() {
		_, err := st.SaveTemplate(ctx, data.Template{CommunityID: community, Kind: data.TemplateLetter,
			Name: s.Name, Title: s.Title, Body: s.Body, Default: i == 0})
		if err != nil && !errors.Is(err, data.ErrTemplateName) {
			return nil, fmt.Errorf("crear las cartas sugeridas: %w", err)
		}
	}
	return st.Templates(ctx, community, data.TemplateLetter)
}

// FindTemplate returns the community's letter template called name (any
// case or accents), or its default one when name is empty; the suggested
// letters are created first if the community has none.
func FindTemplate(ctx context.Context, st UpgradeStore, community int64, name string) (data.Template, error) {
	if _, err := EnsureTemplates(ctx, st, community); err != nil {
		return data.Template{}, err
	}
	if name == "" {
		return st.DefaultTemplate(ctx, community, data.TemplateLetter)
	}
	t, err := st.TemplateByName(ctx, community, data.TemplateLetter, name)
	if errors.Is(err, data.ErrNotFound) {
		return t, fmt.Errorf("no existe la plantilla de carta %q", name)
	}
	return t, err
}
