// Package secret keeps passwords and tokens (the SMTP password, a Kastor
// URL's token) in the operating system's credential store: the Windows
// Credential Manager, the macOS Keychain, the Secret Service on Linux. Where
// there is none (a minimal Linux desktop, a server), it falls back to a file
// that only the user can read, never to the database or the preferences.
package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/zalando/go-keyring"

	"comunidad/app/atomicfile"
)

// ErrNotFound is returned by Get for a secret that was never stored.
var ErrNotFound = errors.New("secret not found")

// service names Comunidad's entries in the OS store.
const service = "cl.comunidad.app"

// Store keeps secrets under keys such as "smtp.password:<community id>".
type Store struct {
	// fallback is the file used when the OS store is unavailable.
	fallback string
	// useKeyring is false to use only the file (tests, or no OS store).
	useKeyring bool
	mu         sync.Mutex
}

// New returns a store that tries the OS credential store first and falls
// back to the file fallbackPath (created 0600).
func New(fallbackPath string) *Store { return &Store{fallback: fallbackPath, useKeyring: true} }

// NewFileOnly returns a store that only uses the 0600 file (for tests and
// for machines where the OS store misbehaves).
func NewFileOnly(path string) *Store { return &Store{fallback: path} }

// Set stores value under key.
func (s *Store) Set(key, value string) error {
	if s.useKeyring {
		if err := keyring.Set(service, key, value); err == nil {
			s.deleteFromFile(key) // never leave an older copy in the file
			return nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return err
	}
	m[key] = value
	return s.writeFile(m)
}

// Get returns the value stored under key, or ErrNotFound.
func (s *Store) Get(key string) (string, error) {
	if s.useKeyring {
		v, err := keyring.Get(service, key)
		if err == nil {
			return v, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Delete removes key from both places; a missing key is not an error.
func (s *Store) Delete(key string) error {
	if s.useKeyring {
		_ = keyring.Delete(service, key)
	}
	return s.deleteFromFile(key)
}

func (s *Store) deleteFromFile(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return nil
	}
	delete(m, key)
	return s.writeFile(m)
}

func (s *Store) readFile() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(s.fallback)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read secrets %s: %w", s.fallback, err)
	}
	return m, nil
}

func (s *Store) writeFile(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(s.fallback), 0o700); err != nil {
		return fmt.Errorf("save secret: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(s.fallback)
	if err != nil {
		return fmt.Errorf("save secret: %w", err)
	}
	defer f.Abort()
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("save secret: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("save secret: %w", err)
	}
	return os.Chmod(s.fallback, 0o600)
}
