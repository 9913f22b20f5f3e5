package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("no encontrado")

// timeLayout is how timestamps are stored: UTC, sortable as text.
const timeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime turns t into the stored form.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a stored timestamp; an empty or NULL one is the zero time.
func ParseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, l := range []string{timeLayout, time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

const communityCols = `id, name, address, source, created_at, coalesce(last_sync_at, ''), last_sync_source`

func scanCommunity(row scanner) (Community, error) {
	var c Community
	var created, synced string
	err := row.Scan(&c.ID, &c.Name, &c.Address, &c.Source, &created, &synced, &c.LastSyncSource)
	c.CreatedAt, c.LastSyncAt = ParseTime(created), ParseTime(synced)
	return c, err
}

// Communities lists every community by name.
func (s *Store) Communities(ctx context.Context) ([]Community, error) {
	cs, err := queryAll(ctx, s.r, scanCommunity, `SELECT `+communityCols+` FROM communities ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return cs, nil
}

// Community returns one community by id.
func (s *Store) Community(ctx context.Context, id int64) (Community, error) {
	return getCommunity(ctx, s.r, `id = ?`, id)
}

// CommunityByName finds a community by name, ignoring case and accents
// ("edificio los alamos" finds "Edificio Los Álamos").
func (s *Store) CommunityByName(ctx context.Context, name string) (Community, error) {
	cs, err := s.Communities(ctx)
	if err != nil {
		return Community{}, err
	}
	want := Fold(strings.TrimSpace(name))
	for _, c := range cs {
		if Fold(c.Name) == want {
			return c, nil
		}
	}
	return Community{}, fmt.Errorf("comunidad %q: %w", name, ErrNotFound)
}

func getCommunity(ctx context.Context, q Querier, where string, arg any) (Community, error) {
	c, err := scanCommunity(q.QueryRowContext(ctx, `SELECT `+communityCols+` FROM communities WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("comunidad %v: %w", arg, ErrNotFound)
	}
	return c, err
}

// CreateCommunity adds a community and returns it with its id.
func (s *Store) CreateCommunity(ctx context.Context, name string) (Community, error) {
	var c Community
	err := s.Tx(ctx, func(tx *DBTx) error {
		var err error
		if c, err = EnsureCommunity(ctx, tx, name); err != nil {
			return err
		}
		return notifyCommunity(ctx, tx, c.ID)
	})
	return c, err
}

// EnsureCommunity returns the community called name, creating it inside the
// caller's transaction when it does not exist yet.
func EnsureCommunity(ctx context.Context, tx Querier, name string) (Community, error) {
	c, _, err := ensureCommunity(ctx, tx, name)
	return c, err
}

// ensureCommunity is EnsureCommunity saying whether this transaction
// created the community.
func ensureCommunity(ctx context.Context, tx Querier, name string) (c Community, created bool, err error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Community{}, false, ErrCommunityName
	}
	c, err = getCommunity(ctx, tx, `lower(name) = lower(?)`, name)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return c, false, err
	}
	// Another desktop may create the same name at the same moment: the
	// unique index decides, and both get the one community.
	r, err := tx.ExecContext(ctx, `INSERT INTO communities (name) VALUES (?) ON CONFLICT DO NOTHING`, name)
	if err != nil {
		return c, false, fmt.Errorf("create community %q: %w", name, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return c, false, fmt.Errorf("create community %q: %w", name, err)
	}
	c, err = getCommunity(ctx, tx, `lower(name) = lower(?)`, name)
	return c, n == 1, err
}

// UpdateCommunity saves the community's name, address and source.
func (s *Store) UpdateCommunity(ctx context.Context, c Community) error {
	if strings.TrimSpace(c.Name) == "" {
		return ErrCommunityName
	}
	_, err := s.w.ExecContext(ctx, `UPDATE communities SET name = ?, address = ?, source = ? WHERE id = ?`,
		strings.TrimSpace(c.Name), c.Address, RedactSource(c.Source), c.ID)
	if err != nil {
		return fmt.Errorf("update community %d: %w", c.ID, err)
	}
	_ = notifyCommunity(ctx, s.w, c.ID)
	return nil
}

// RedactSource is how a source is stored and shown: an http(s) URL
// without its user and password, query string or fragment (they often
// carry keys: "http://user:pass@host/x?apikey=..." is kept as
// "http://host/x");
// a file's path as it is.
func RedactSource(source string) string {
	source = strings.TrimSpace(source)
	lower := strings.ToLower(source)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return source
	}
	u, err := url.Parse(source)
	if err != nil {
		// Not parseable: drop everything after the host's path start
		// that could hold a secret.
		if i := strings.IndexAny(source, "?#"); i >= 0 {
			source = source[:i]
		}
		if at := strings.LastIndex(source, "@"); at >= 0 {
			source = source[:strings.Index(source, "://")+3] + source[at+1:]
		}
		return source
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	u.User = nil
	return u.String()
}
