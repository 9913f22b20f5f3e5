package workflow

import (
	"context"
	"errors"
	"fmt"

	"comunidad/app/mailer"
	"comunidad/app/secret"
)

// installationSecrets is the credential store as one installation sees it.
// The OS credential store (and the fallback file) is one per user, shared by
// every database on the machine (the demo's, the user's own, an office
// server's), and community ids repeat between them: each key is kept as
// "<installation id>/<key>", so that «smtp.password:1» of one database is
// not another's.
//
// Before installation ids the keys were bare («smtp.password:1»). With
// legacy set, a bare key is still read when the installation's own is
// missing, and moved under the installation's key on that first read; a
// Set or Delete removes the bare one too, so that it never comes back.
type installationSecrets struct {
	base   mailer.Secrets
	id     string
	legacy bool
}

func (s installationSecrets) key(k string) string { return s.id + "/" + k }

func (s installationSecrets) Get(k string) (string, error) {
	v, err := s.base.Get(s.key(k))
	if err == nil || !errors.Is(err, secret.ErrNotFound) || !s.legacy {
		return v, err
	}
	old, lerr := s.base.Get(k)
	if lerr != nil {
		return "", err // the installation's own key's ErrNotFound
	}
	// Moved: kept under the installation's key, then gone from the bare
	// one. Should the move fail, the value is still read now, and moved at
	// the next read.
	if s.base.Set(s.key(k), old) == nil {
		_ = s.base.Delete(k)
	}
	return old, nil
}

func (s installationSecrets) Set(k, v string) error {
	if err := s.base.Set(s.key(k), v); err != nil {
		return err
	}
	if s.legacy {
		_ = s.base.Delete(k) // no older copy left under the bare key
	}
	return nil
}

func (s installationSecrets) Delete(k string) error {
	err := s.base.Delete(s.key(k))
	if s.legacy {
		err = errors.Join(err, s.base.Delete(k)) // or it would be read again
	}
	return err
}

// Credentials is the credential store as this installation sees it (every
// key under the database's InstallationID), or ErrNoSecrets for a store
// that is no file and was given none.
func (s *Service) Credentials(ctx context.Context) (mailer.Secrets, error) {
	base := s.Secrets
	if base == nil {
		l, ok := AsLocated(s.Store)
		if !ok {
			return nil, ErrNoSecrets
		}
		base = mailer.OpenSecrets(l.Path())
	}
	id, err := s.Store.InstallationID(ctx)
	if err != nil {
		return nil, fmt.Errorf("credenciales: %w", err)
	}
	// The keys of before were those of a file on this machine; the demo's
	// were the user's database's too, and stay the user's.
	_, file := AsLocated(s.Store)
	return installationSecrets{base: base, id: id, legacy: file && !s.Demo}, nil
}

// HasPassword reports whether the community's SMTP password is saved (the
// window and «config get» show "guardada", never the password).
func (s *Service) HasPassword(ctx context.Context, community int64) (bool, error) {
	sec, err := s.knownCredentials(ctx)
	if err != nil {
		return false, err
	}
	p, err := mailer.Password(sec, community)
	return p != "", err
}

// SetPassword saves the community's SMTP password; "" removes it.
func (s *Service) SetPassword(ctx context.Context, community int64, password string) error {
	sec, err := s.Credentials(ctx)
	if err != nil {
		return err
	}
	return mailer.SetPassword(sec, community, password)
}

// HasToken reports whether the community's Kastor URL token is saved.
func (s *Service) HasToken(ctx context.Context, community int64) (bool, error) {
	sec, err := s.knownCredentials(ctx)
	if err != nil || sec == nil {
		return false, err
	}
	t, err := sec.Get(TokenKey(community))
	if errors.Is(err, secret.ErrNotFound) {
		return false, nil
	}
	return t != "", err
}

// SetToken saves the community's Kastor URL token (an import from the
// community's URL sends it); "" forgets it.
func (s *Service) SetToken(ctx context.Context, community int64, token string) error {
	sec, err := s.Credentials(ctx)
	if err != nil {
		return err
	}
	if token == "" {
		return sec.Delete(TokenKey(community))
	}
	return sec.Set(TokenKey(community), token)
}

// knownCredentials is Credentials, nil (no password and no token known)
// for a store that has no credential store.
func (s *Service) knownCredentials(ctx context.Context) (mailer.Secrets, error) {
	sec, err := s.Credentials(ctx)
	if errors.Is(err, ErrNoSecrets) {
		return nil, nil
	}
	return sec, err
}
