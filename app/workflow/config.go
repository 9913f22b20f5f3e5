package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"comunidad/app/kastor"
	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/data"
)

// Keys of the community's own details in «comunidad config get/set».
const (
	KeyCommunityName    = "community.name"
	KeyCommunityAddress = "community.address"
	KeyKastorSource     = "kastor.source"
)

// ConfigKeys are every setting of Configuración that «comunidad config
// get/set» reaches, in the order the sections show them: the community,
// Kastor's export, the letter, the email account (its password is
// mailer.KeyPassword, read from standard input, never listed with a value).
func ConfigKeys() []string {
	keys := []string{KeyCommunityName, KeyCommunityAddress, KeyKastorSource}
	keys = append(keys, letter.SettingKeys...)
	return append(keys, mailer.Keys...)
}

// UnknownKeyError is a key «config get/set» does not know.
type UnknownKeyError struct{ Key string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("clave desconocida %q (claves: %s, %s)", e.Key, strings.Join(ConfigKeys(), ", "), mailer.KeyPassword)
}

// ConfigGet is one setting's value as text.
func (s *Service) ConfigGet(ctx context.Context, c data.Community, key string) (string, error) {
	switch {
	case key == KeyCommunityName:
		return c.Name, nil
	case key == KeyCommunityAddress:
		return c.Address, nil
	case key == KeyKastorSource:
		return c.Source, nil
	case slices.Contains(letter.SettingKeys, key):
		set, err := letter.LoadSettings(ctx, s.Store, c.ID)
		if err != nil {
			return "", err
		}
		v, _ := set.Get(key)
		return v, nil
	case slices.Contains(mailer.Keys, key):
		set, err := mailer.LoadSettings(ctx, s.Store, c.ID)
		if err != nil {
			return "", err
		}
		return set.Get(key)
	}
	return "", &UnknownKeyError{Key: key}
}

// ConfigSet checks and stores one setting and returns the community as it
// is afterwards (its name or address may have changed).
func (s *Service) ConfigSet(ctx context.Context, c data.Community, key, value string) (data.Community, error) {
	value = strings.TrimSpace(value)
	switch {
	case key == KeyCommunityName || key == KeyCommunityAddress:
		if key == KeyCommunityName {
			c.Name = value
		} else {
			c.Address = value
		}
		if err := s.Store.UpdateCommunity(ctx, c); err != nil {
			return c, err
		}
	case key == KeyKastorSource:
		if value != "" && !kastor.IsURL(value) && strings.Contains(value, "://") {
			return c, fmt.Errorf("use una ruta de archivo o una dirección http:// o https://, no %q", value)
		}
		if err := s.Store.SetCommunitySource(ctx, c.ID, value); err != nil {
			return c, err
		}
		c.Source = value
	case slices.Contains(letter.SettingKeys, key):
		if err := letter.SetKey(ctx, s.Store, c.ID, key, value); err != nil {
			return c, err
		}
	case slices.Contains(mailer.Keys, key):
		if err := mailer.SetKey(ctx, s.Store, c.ID, key, value); err != nil {
			return c, err
		}
	default:
		return c, &UnknownKeyError{Key: key}
	}
	return c, nil
}
