package mailer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"comunidad/app/secret"
	"comunidad/data"
)

// Security is how the connection to the SMTP server is protected.
type Security string

const (
	StartTLS Security = "starttls" // plain connection upgraded with STARTTLS, which is required
	TLS      Security = "tls"      // implicit TLS from the first byte (usually port 465)
	None     Security = "none"     // no encryption: only to a server on this machine
)

// The settings keys, in the data settings of each community.
const (
	KeyHost     = "smtp.host"
	KeyPort     = "smtp.port"
	KeySecurity = "smtp.security"
	KeyUsername = "smtp.username"
	KeyFrom     = "smtp.from"
	KeyFromName = "smtp.from_name"
	KeyReplyTo  = "smtp.reply_to"
	KeyBcc      = "smtp.bcc"
	KeyRate     = "smtp.rate_per_minute"
	// KeyPassword is not stored in the settings: it names the password for
	// "comunidad config set", which keeps it in the credential store.
	KeyPassword = "smtp.password"
)

// Keys lists the settings "comunidad config" accepts, in display order.
var Keys = []string{KeyHost, KeyPort, KeySecurity, KeyUsername, KeyFrom, KeyFromName, KeyReplyTo, KeyBcc, KeyRate}

// DefaultRate is the sending rate when none is set: messages per minute,
// below what the usual providers allow an account.
const DefaultRate = 30

// Settings is a community's SMTP account, without the password.
type Settings struct {
	Host          string
	Port          int
	Security      Security
	Username      string
	From          string
	FromName      string
	ReplyTo       string
	Bcc           string // a copy of every message to the office; "" for none
	RatePerMinute int    // 0: no limit
}

// DefaultSettings are what a community starts with.
func DefaultSettings() Settings {
	return Settings{Port: 587, Security: StartTLS, RatePerMinute: DefaultRate}
}

// SettingsStore is where a community's SMTP settings are kept (data.Store).
type SettingsStore interface {
	Settings(ctx context.Context, community int64) (map[string]string, error)
	SetSetting(ctx context.Context, community int64, key, value string) error
	InTx(ctx context.Context, fn func(tx data.Tx) error) error
}

// LoadSettings reads a community's SMTP settings; unset ones keep their defaults.
func LoadSettings(ctx context.Context, st SettingsStore, community int64) (Settings, error) {
	m, err := st.Settings(ctx, community)
	if err != nil {
		return Settings{}, err
	}
	s := DefaultSettings()
	for _, k := range Keys {
		if v, ok := m[k]; ok {
			// Values were checked when saved; a hand-edited bad one is reported by Check.
			_ = s.set(k, v)
		}
	}
	return s, nil
}

// SaveSettings checks every field and stores them, all or none.
func SaveSettings(ctx context.Context, st SettingsStore, community int64, s Settings) error {
	if err := s.validate(false); err != nil {
		return err
	}
	vals := s.values()
	return st.InTx(ctx, func(tx data.Tx) error {
		for _, k := range Keys {
			if err := tx.SetSetting(ctx, community, k, vals[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get returns one setting as text, as "comunidad config get" prints it.
func (s Settings) Get(key string) (string, error) {
	v, ok := s.values()[key]
	if !ok {
		return "", unknownKey(key)
	}
	return v, nil
}

// SetKey checks and stores one setting ("comunidad config set KEY VALUE").
func SetKey(ctx context.Context, st SettingsStore, community int64, key, value string) error {
	s, err := LoadSettings(ctx, st, community)
	if err != nil {
		return err
	}
	if err := s.set(key, value); err != nil {
		return err
	}
	if err := s.validate(false); err != nil {
		return err
	}
	return st.SetSetting(ctx, community, key, s.values()[key])
}

func unknownKey(key string) error {
	if key == KeyPassword {
		return errors.New("la contraseña SMTP no se muestra; para cambiarla use \"comunidad config set smtp.password\" y escríbala en la entrada estándar")
	}
	return fmt.Errorf("clave desconocida %q (claves: %s, %s)", key, strings.Join(Keys, ", "), KeyPassword)
}

func (s Settings) values() map[string]string {
	return map[string]string{
		KeyHost:     s.Host,
		KeyPort:     strconv.Itoa(s.Port),
		KeySecurity: string(s.Security),
		KeyUsername: s.Username,
		KeyFrom:     s.From,
		KeyFromName: s.FromName,
		KeyReplyTo:  s.ReplyTo,
		KeyBcc:      s.Bcc,
		KeyRate:     strconv.Itoa(s.RatePerMinute),
	}
}

// set parses one value into s, with a Spanish message for a bad one.
func (s *Settings) set(key, value string) error {
	value = strings.TrimSpace(value)
	switch key {
	case KeyHost:
		s.Host = strings.ToLower(value)
	case KeyPort:
		p, err := strconv.Atoi(value)
		if err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("el puerto SMTP debe ser un número entre 1 y 65535, no %q", value)
		}
		s.Port = p
	case KeySecurity:
		sec := Security(strings.ToLower(value))
		switch sec {
		case StartTLS, TLS, None:
		default:
			return fmt.Errorf("seguridad SMTP %q desconocida: use starttls, tls o none", value)
		}
		s.Security = sec
	case KeyUsername:
		s.Username = value
	case KeyFrom:
		s.From = strings.ToLower(value)
	case KeyFromName:
		s.FromName = value
	case KeyReplyTo:
		s.ReplyTo = strings.ToLower(value)
	case KeyBcc:
		s.Bcc = strings.ToLower(value)
	case KeyRate:
		r, err := strconv.Atoi(value)
		if value == "" {
			r, err = 0, nil
		}
		if err != nil || r < 0 || r > 100000 {
			return fmt.Errorf("el límite de envío debe ser un número de mensajes por minuto (0 = sin límite), no %q", value)
		}
		s.RatePerMinute = r
	default:
		return unknownKey(key)
	}
	return nil
}

// IsLocal reports whether host is this machine, the only place a message
// may go without encryption.
func IsLocal(host string) bool {
	h := strings.Trim(strings.ToLower(host), "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Check reports, in Spanish, what keeps the account from sending: a missing
// server or sender, a bad address, no encryption to a remote server.
func (s Settings) Check() error { return s.validate(true) }

// Configured reports whether the account has what sending needs.
func (s Settings) Configured() bool { return s.Check() == nil }

func (s Settings) validate(complete bool) error {
	if s.Host != "" && strings.ContainsAny(s.Host, " \t/:@") && !IsLocal(s.Host) {
		return fmt.Errorf("servidor SMTP inválido %q: escriba solo el nombre, por ejemplo smtp.gmail.com", s.Host)
	}
	if s.Security == None && s.Host != "" && !IsLocal(s.Host) {
		return fmt.Errorf("sin cifrado solo se puede enviar a un servidor en este equipo (127.0.0.1); para %s use starttls o tls", s.Host)
	}
	for _, f := range []struct{ role, v string }{{RoleFrom, s.From}, {RoleReplyTo, s.ReplyTo}, {RoleBcc, s.Bcc}} {
		if f.v == "" {
			continue
		}
		if _, err := data.NormalizeEmail(f.v); err != nil && !localAddr(f.v) {
			return &AddressError{Role: f.role, Addr: f.v, Setting: true}
		}
	}
	if strings.ContainsAny(s.FromName, "\r\n") {
		return errors.New("el nombre del remitente no puede tener saltos de línea")
	}
	if !complete {
		return nil
	}
	switch {
	case s.Host == "":
		return ErrNoHost
	case s.From == "":
		return ErrNoFrom
	}
	return nil
}

// localAddr accepts user@localhost-style addresses, which only make sense
// with a server on this machine (tests, a local relay).
func localAddr(a string) bool {
	_, domain, ok := strings.Cut(a, "@")
	return ok && IsLocal(domain)
}

// Addr is host:port.
func (s Settings) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Secrets is where the password lives: *secret.Store.
type Secrets interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
}

// PasswordKey names a community's SMTP password in the credential store.
func PasswordKey(community int64) string { return "smtp.password:" + strconv.FormatInt(community, 10) }

// Password returns the stored password, "" when none was saved.
func Password(sec Secrets, community int64) (string, error) {
	if sec == nil {
		return "", nil
	}
	p, err := sec.Get(PasswordKey(community))
	if err != nil {
		if isNotFound(err) {
			return "", nil
		}
		return "", fmt.Errorf("leer la contraseña SMTP: %w", err)
	}
	return p, nil
}

// SetPassword stores the password; an empty one removes it.
func SetPassword(sec Secrets, community int64, password string) error {
	if strings.ContainsAny(password, "\r\n") {
		return errors.New("la contraseña no puede tener saltos de línea")
	}
	if password == "" {
		return sec.Delete(PasswordKey(community))
	}
	if err := sec.Set(PasswordKey(community), password); err != nil {
		return fmt.Errorf("guardar la contraseña SMTP: %w", err)
	}
	return nil
}

// HasPassword reports whether a password is stored (the form shows
// "guardada", never the password).
func HasPassword(sec Secrets, community int64) bool {
	p, err := Password(sec, community)
	return err == nil && p != ""
}

func isNotFound(err error) bool { return errors.Is(err, secret.ErrNotFound) }

// EnvFileSecrets, set to "file", keeps secrets only in the 0600 file (tests,
// and machines whose credential store misbehaves).
const EnvFileSecrets = "COMUNIDAD_SECRET_STORE"

// OpenSecrets returns the credential store used with the database at dbPath:
// the operating system's, falling back to secrets.json (0600) beside the
// database.
func OpenSecrets(dbPath string) *secret.Store { return OpenSecretsIn(filepath.Dir(dbPath)) }

// OpenSecretsIn is the operating system's credential store, falling back to
// secrets.json (0600) in dir (a database that is no file uses the user's
// data folder).
func OpenSecretsIn(dir string) *secret.Store {
	file := filepath.Join(dir, "secrets.json")
	if os.Getenv(EnvFileSecrets) == "file" {
		return secret.NewFileOnly(file)
	}
	return secret.New(file)
}
