package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Template kinds: welcome letters (rendered to PDF or e-mail) and the
// e-mail templates the mailer keeps in the same table.
const (
	TemplateLetter = "letter"
	TemplateEmail  = "email"
)

// Template is a letter or e-mail template kept with its community. Each
// community may keep several of each kind; one of them is the default.
type Template struct {
	ID          int64
	CommunityID int64
	Kind        string // TemplateLetter or TemplateEmail
	Name        string // unique per community and kind, ignoring case and accents
	Title       string
	Body        string
	Default     bool
	UpdatedAt   time.Time
}

// ErrTemplateName is returned for a template name already taken.
var ErrTemplateName = errors.New("ya existe una plantilla con ese nombre")

const templateCols = `id, community_id, kind, name, title, body, is_default, updated_at`

func scanTemplate(row scanner) (Template, error) {
	var t Template
	var def int
	var updated string
	err := row.Scan(&t.ID, &t.CommunityID, &t.Kind, &t.Name, &t.Title, &t.Body, &def, &updated)
	t.Default, t.UpdatedAt = def != 0, ParseTime(updated)
	return t, err
}

func checkKind(kind string) error {
	if kind != TemplateLetter && kind != TemplateEmail {
		return fmt.Errorf("tipo de plantilla desconocido %q", kind)
	}
	return nil
}

// Templates lists a community's templates of one kind: the default first,
// then by name.
func (s *Store) Templates(ctx context.Context, community int64, kind string) ([]Template, error) {
	return TemplatesTx(ctx, s.r, community, kind)
}

// TemplatesTx is Templates on the caller's connection or transaction.
func TemplatesTx(ctx context.Context, q Querier, community int64, kind string) ([]Template, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	ts, err := queryAll(ctx, q, scanTemplate, `SELECT `+templateCols+` FROM templates
		WHERE community_id = ? AND kind = ? ORDER BY is_default DESC, lower(name), id`, community, kind)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return ts, nil
}

// Template returns one template by id.
func (s *Store) Template(ctx context.Context, id int64) (Template, error) {
	t, err := scanTemplate(s.r.QueryRowContext(ctx, `SELECT `+templateCols+` FROM templates WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("plantilla %d: %w", id, ErrNotFound)
	}
	return t, err
}

// TemplateByName finds a community's template of a kind by name, ignoring
// case and accents.
func (s *Store) TemplateByName(ctx context.Context, community int64, kind, name string) (Template, error) {
	ts, err := s.Templates(ctx, community, kind)
	if err != nil {
		return Template{}, err
	}
	want := Fold(strings.TrimSpace(name))
	for _, t := range ts {
		if Fold(t.Name) == want {
			return t, nil
		}
	}
	return Template{}, fmt.Errorf("plantilla %q: %w", name, ErrNotFound)
}

// DefaultTemplate returns the community's default template of a kind (the
// first one when none is marked), or ErrNotFound when it has none.
func (s *Store) DefaultTemplate(ctx context.Context, community int64, kind string) (Template, error) {
	ts, err := s.Templates(ctx, community, kind)
	if err != nil {
		return Template{}, err
	}
	if len(ts) == 0 {
		return Template{}, fmt.Errorf("plantilla por omisión: %w", ErrNotFound)
	}
	return ts[0], nil
}

// SaveTemplate inserts t (ID 0) or updates it, and returns it as stored.
// The first template of a kind becomes the default; saving one marked
// Default takes the mark from the others.
func (s *Store) SaveTemplate(ctx context.Context, t Template) (Template, error) {
	var out Template
	err := s.Tx(ctx, func(tx *DBTx) error {
		if err := lockCommunity(ctx, tx, t.CommunityID); err != nil {
			return err
		}
		var err error
		out, err = SaveTemplateTx(ctx, tx, t)
		return err
	})
	return out, err
}

// SaveTemplateTx is SaveTemplate inside the caller's transaction.
func SaveTemplateTx(ctx context.Context, tx Querier, t Template) (Template, error) {
	if err := checkKind(t.Kind); err != nil {
		return t, err
	}
	t.Name = strings.Join(strings.Fields(t.Name), " ")
	if t.Name == "" {
		return t, errors.New("la plantilla necesita un nombre")
	}
	others, err := TemplatesTx(ctx, tx, t.CommunityID, t.Kind)
	if err != nil {
		return t, err
	}
	exists := false
	for _, o := range others {
		if o.ID == t.ID {
			exists = true
			continue
		}
		if Fold(o.Name) == Fold(t.Name) {
			return t, fmt.Errorf("%w: %q", ErrTemplateName, o.Name)
		}
	}
	if t.ID != 0 && !exists {
		return t, fmt.Errorf("plantilla %d: %w", t.ID, ErrNotFound)
	}
	if len(others) == 0 || (len(others) == 1 && exists) {
		t.Default = true
	}
	now := FormatTime(time.Now())
	if t.Default {
		if _, err := tx.ExecContext(ctx, `UPDATE templates SET is_default = 0
			WHERE community_id = ? AND kind = ? AND id <> ?`, t.CommunityID, t.Kind, t.ID); err != nil {
			return t, fmt.Errorf("save template: %w", err)
		}
	}
	def := 0
	if t.Default {
		def = 1
	}
	if t.ID == 0 {
		t.ID, err = insertID(ctx, tx, `INSERT INTO templates (community_id, kind, name, title, body, is_default, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.CommunityID, t.Kind, t.Name, t.Title, t.Body, def, now)
		if err != nil {
			return t, fmt.Errorf("save template %q: %w", t.Name, err)
		}
	} else {
		// Keep the default mark unless the caller sets it: an edit never
		// leaves the kind without a default.
		_, err := tx.ExecContext(ctx, `UPDATE templates SET name = ?, title = ?, body = ?,
			is_default = CASE WHEN ? = 1 THEN 1 ELSE is_default END, updated_at = ? WHERE id = ?`, t.Name, t.Title, t.Body, def, now, t.ID)
		if err != nil {
			return t, fmt.Errorf("save template %q: %w", t.Name, err)
		}
	}
	return getTemplate(ctx, tx, t.ID)
}

func getTemplate(ctx context.Context, q Querier, id int64) (Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, `SELECT `+templateCols+` FROM templates WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("plantilla %d: %w", id, ErrNotFound)
	}
	return t, err
}

// RenameTemplate gives a template a new name.
func (s *Store) RenameTemplate(ctx context.Context, id int64, name string) (Template, error) {
	var out Template
	err := s.Tx(ctx, func(tx *DBTx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		t.Name = name
		out, err = SaveTemplateTx(ctx, tx, t)
		return err
	})
	return out, err
}

// DuplicateTemplate copies a template under a new name (not the default).
func (s *Store) DuplicateTemplate(ctx context.Context, id int64, name string) (Template, error) {
	var out Template
	err := s.Tx(ctx, func(tx *DBTx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		t.ID, t.Name, t.Default = 0, name, false
		out, err = SaveTemplateTx(ctx, tx, t)
		return err
	})
	return out, err
}

// SetDefaultTemplate makes a template the default of its kind.
func (s *Store) SetDefaultTemplate(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *DBTx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE templates SET is_default = CASE WHEN id = ? THEN 1 ELSE 0 END
			WHERE community_id = ? AND kind = ?`, id, t.CommunityID, t.Kind); err != nil {
			return fmt.Errorf("set default template: %w", err)
		}
		return nil
	})
}

// DeleteTemplate removes a template; when it was the default, the first
// remaining one (by name) takes its place.
func (s *Store) DeleteTemplate(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *DBTx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM templates WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		if !t.Default {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE templates SET is_default = 1 WHERE id =
			(SELECT id FROM templates WHERE community_id = ? AND kind = ? ORDER BY lower(name), id LIMIT 1)`,
			t.CommunityID, t.Kind)
		if err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		return nil
	})
}
