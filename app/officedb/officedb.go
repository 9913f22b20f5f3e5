// Package officedb describes how a desktop reaches the office's shared
// PostgreSQL database, and tells the user in Spanish why it cannot: the
// connection settings (host, port, database, user, TLS), the connection
// string the command line takes (--db postgres://..., COMUNIDAD_DB), and
// Probe, the «Probar conexión» check, whose failures are typed (*Error, with
// a Kind) and worded for an office worker, never a driver's English.
//
// The password is not part of Config's URL: it lives in the operating
// system's credential store and is handed to Probe (and to the store)
// separately.
package officedb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TLS modes, as PostgreSQL names them (sslmode).
const (
	TLSVerifyFull = "verify-full" // encrypted, and the server's certificate checked for its name: the default
	TLSRequire    = "require"     // encrypted, the certificate not checked
	TLSDisable    = "disable"     // not encrypted: only inside a trusted network
)

// DefaultPort is PostgreSQL's port.
const DefaultPort = 5432

// Config is how a desktop reaches the office database.
type Config struct {
	Host     string
	Port     int
	Database string
	User     string
	TLS      string // TLSVerifyFull (when empty), TLSRequire or TLSDisable
}

// IsURL reports whether target names a PostgreSQL database rather than a
// SQLite file.
func IsURL(target string) bool {
	t := strings.ToLower(target)
	return strings.HasPrefix(t, "postgres://") || strings.HasPrefix(t, "postgresql://")
}

// ParseURL reads a postgres:// connection string (the command line's --db).
// A password written in it is returned apart, so it is never stored with
// the settings.
func ParseURL(s string) (cfg Config, password string, err error) {
	u, err := url.Parse(s)
	if err != nil || !IsURL(s) {
		return Config{}, "", fmt.Errorf("«%s» no es una dirección de base de datos postgres://usuario@servidor:5432/base", Redact(s))
	}
	cfg.Host = u.Hostname()
	cfg.Port = DefaultPort
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, "", fmt.Errorf("el puerto «%s» no es válido: debe ser un número entre 1 y 65535", p)
		}
		cfg.Port = n
	}
	cfg.Database = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		cfg.User = u.User.Username()
		password, _ = u.User.Password()
	}
	if password == "" {
		password = u.Query().Get("password")
	}
	cfg.TLS = u.Query().Get("sslmode")
	if err := cfg.Check(); err != nil {
		return Config{}, "", err
	}
	return cfg, password, nil
}

// Check says, in Spanish, what is missing or wrong in the settings (a
// *SettingsError).
func (c Config) Check() error {
	switch {
	case strings.TrimSpace(c.Host) == "":
		return &SettingsError{Setting: SettingHost, Config: c}
	case c.Port < 1 || c.Port > 65535:
		return &SettingsError{Setting: SettingPort, Config: c}
	case strings.TrimSpace(c.Database) == "":
		return &SettingsError{Setting: SettingDatabase, Config: c}
	case strings.TrimSpace(c.User) == "":
		return &SettingsError{Setting: SettingUser, Config: c}
	}
	switch c.TLS {
	case "", TLSVerifyFull, TLSRequire, TLSDisable:
		return nil
	}
	return &SettingsError{Setting: SettingTLS, Config: c}
}

// Setting is one of the settings Check finds missing or wrong.
type Setting int

const (
	SettingHost     Setting = iota + 1 // no server given
	SettingPort                        // not a port number
	SettingDatabase                    // no database name
	SettingUser                        // no user
	SettingTLS                         // not one of the TLS modes
)

// SettingsError is a setting missing or wrong, worded in Spanish; the
// window words it in its own language from Setting and Config.
type SettingsError struct {
	Setting Setting
	Config  Config
}

func (e *SettingsError) Error() string {
	c := e.Config
	switch e.Setting {
	case SettingHost:
		return "falta el servidor (su nombre o dirección en la red de la oficina)"
	case SettingPort:
		return fmt.Sprintf("el puerto %d no es válido: debe ser un número entre 1 y 65535 (PostgreSQL usa %d)", c.Port, DefaultPort)
	case SettingDatabase:
		return "falta el nombre de la base de datos"
	case SettingUser:
		return "falta el usuario"
	}
	return fmt.Sprintf("el modo de cifrado «%s» no es válido: use %s, %s o %s", c.TLS, TLSVerifyFull, TLSRequire, TLSDisable)
}

func (c Config) tls() string {
	if c.TLS == "" {
		return TLSVerifyFull
	}
	return c.TLS
}

// URL is the connection string without the password, as the command line
// takes it and as it can be shown.
func (c Config) URL() string {
	u := url.URL{Scheme: "postgres", User: url.User(c.User), Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
		Path: "/" + c.Database, RawQuery: "sslmode=" + c.tls()}
	return u.String()
}

// Redact removes a password from a connection string, to show it.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		// Not even a URL (a bad port, say): the password is cut out by hand.
		return userinfoPassword.ReplaceAllString(s, "$1@")
	}
	if q := u.Query(); q.Has("password") {
		// libpq and pgx also take the password as a parameter.
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.User(u.User.Username())
		}
	}
	return u.String()
}

var userinfoPassword = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/]*@`)

// SecretKey is the key under which a desktop keeps the password of these
// settings in its credential store: one per user, server and database.
func (c Config) SecretKey() string {
	return "officedb.password:" + c.User + "@" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) + "/" + c.Database
}

// ConnConfig is pgx's configuration for these settings and password.
func (c Config) ConnConfig(password string) (*pgx.ConnConfig, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	pc, err := pgx.ParseConfig(c.URL())
	if err != nil {
		return nil, fmt.Errorf("la configuración de la base de datos no es válida: %w", err)
	}
	pc.Password = password
	// One address, one answer: pgx's fallbacks (sslmode prefer, several
	// hosts) would hide which failure the user has to fix.
	pc.Fallbacks = nil
	return pc, nil
}

// Kind is what went wrong reaching the office database.
type Kind int

const (
	KindOther           Kind = iota
	KindUnknownHost          // the name does not resolve
	KindServerDown           // nothing accepts connections at host:port
	KindTimeout              // no answer in time
	KindAuth                 // wrong user or password
	KindNotAllowed           // the server's pg_hba.conf refuses this desktop or user
	KindUnknownDatabase      // no such database on the server
	KindTLSRefused           // the server does not speak TLS and the settings require it
	KindTLSCertificate       // the server's certificate is not valid for its name
)

// Error is a failure to reach the office database, worded in Spanish.
type Error struct {
	Kind   Kind
	Config Config
	Err    error // the driver's error, for the log
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	c := e.Config
	at := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	switch e.Kind {
	case KindUnknownHost:
		return fmt.Sprintf("no se encontró el servidor «%s» en la red: revise su nombre o dirección", c.Host)
	case KindServerDown:
		return fmt.Sprintf("el servidor %s no acepta conexiones: revise que esté encendido, que PostgreSQL esté funcionando y que el puerto sea el correcto", at)
	case KindTimeout:
		return fmt.Sprintf("el servidor %s no respondió a tiempo: revise la red de la oficina y que el servidor esté encendido", at)
	case KindAuth:
		return fmt.Sprintf("el servidor rechazó el usuario «%s» o su contraseña: revise ambos", c.User)
	case KindNotAllowed:
		return fmt.Sprintf("el servidor no permite que «%s» se conecte desde este equipo: pida a quien administra el servidor que lo autorice (pg_hba.conf)", c.User)
	case KindUnknownDatabase:
		return fmt.Sprintf("la base de datos «%s» no existe en %s: revise el nombre o créela (vea «Base de datos de la oficina» en el README)", c.Database, at)
	case KindTLSRefused:
		return fmt.Sprintf("el servidor %s no acepta conexiones cifradas (TLS): actívelas en el servidor o, solo dentro de una red de confianza, elija «Sin cifrar»", at)
	case KindTLSCertificate:
		return fmt.Sprintf("el certificado del servidor no es válido para «%s»: instale el certificado de la oficina en este equipo o revise el nombre del servidor", c.Host)
	}
	return fmt.Sprintf("no se pudo conectar con la base de datos de la oficina en %s (%v)", at, e.Err)
}

// Classify turns a driver error from connecting with cfg into an *Error.
func Classify(cfg Config, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	return &Error{Kind: kindOf(err), Config: cfg, Err: err}
}

func kindOf(err error) Kind {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01":
			return KindAuth
		case "28000":
			return KindNotAllowed
		case "3D000":
			return KindUnknownDatabase
		}
		return KindOther
	}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dns):
		return KindUnknownHost
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return KindTLSCertificate
	case strings.Contains(err.Error(), "server refused TLS connection"):
		// pgconn's own words when the server answers "N" to SSLRequest;
		// it has no exported sentinel for it.
		return KindTLSRefused
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return KindServerDown
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindOther
}

// Info is what Probe learnt from the server.
type Info struct {
	ServerVersion string // e.g. "15.14"
	Elapsed       time.Duration
	// SchemaVersion is the version of Comunidad's schema in the database
	// (data's schema_version), 0 when it has none yet (Comunidad creates
	// it the first time it opens the database).
	SchemaVersion int
}

// Probe connects with cfg and password once, asks the server its version
// and disconnects: «Probar conexión». A failure is an *Error. timeout bounds
// the whole attempt (10 s when zero).
func Probe(ctx context.Context, cfg Config, password string, timeout time.Duration) (Info, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pc, err := cfg.ConnConfig(password)
	if err != nil {
		return Info{}, err
	}
	start := time.Now()
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return Info{}, Classify(cfg, err)
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return Info{}, Classify(cfg, err)
	}
	if i := strings.IndexByte(v, ' '); i > 0 {
		v = v[:i]
	}
	info := Info{ServerVersion: v}
	var has bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&has); err != nil {
		return Info{}, Classify(cfg, err)
	}
	if has {
		if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&info.SchemaVersion); err != nil {
			return Info{}, Classify(cfg, err)
		}
	}
	info.Elapsed = time.Since(start)
	return info, nil
}
