package officedb

import (
	"context"
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"comunidad/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// english catches a driver's words leaking into what the user reads.
var english = regexp.MustCompile(`(?i)\b(failed|error|connection|refused|password|server|timeout|dial|tcp)\b`)

// The settings of a real database on the test cluster, over TCP.
func realConfig(t *testing.T) Config {
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Host: "127.0.0.1", Port: pgtest.Shared(t).Port(), Database: strings.TrimPrefix(u.Path, "/"), User: "postgres", TLS: TLSDisable}
}

// Probar conexión against a real PostgreSQL: the right settings answer
// with the server's version; each wrong one gets its own Spanish sentence.
func TestProbeAgainstARealServer(t *testing.T) {
	ctx := context.Background()
	good := realConfig(t)
	info, err := Probe(ctx, good, pgtest.Password, 0)
	if err != nil {
		t.Fatalf("the right settings were refused: %v", err)
	}
	if !regexp.MustCompile(`^\d+(\.\d+)?$`).MatchString(info.ServerVersion) {
		t.Fatalf("server version %q", info.ServerVersion)
	}

	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// A port that accepts and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	with := func(f func(*Config)) Config { c := good; f(&c); return c }
	cases := []struct {
		name     string
		cfg      Config
		password string
		timeout  time.Duration
		kind     Kind
		says     string
	}{
		{"wrong password", good, "otra-clave", 0, KindAuth, "rechazó el usuario «postgres» o su contraseña"},
		{"unknown user", with(func(c *Config) { c.User = "nadie" }), pgtest.Password, 0, KindAuth, "rechazó el usuario «nadie»"},
		{"unknown database", with(func(c *Config) { c.Database = "no_existe" }), pgtest.Password, 0, KindUnknownDatabase, "la base de datos «no_existe» no existe"},
		{"TLS required, server without it", with(func(c *Config) { c.TLS = TLSRequire }), pgtest.Password, 0, KindTLSRefused, "no acepta conexiones cifradas"},
		{"TLS verify-full (the default), server without it", with(func(c *Config) { c.TLS = "" }), pgtest.Password, 0, KindTLSRefused, "no acepta conexiones cifradas"},
		{"server down", with(func(c *Config) { c.Port = closedPort }), pgtest.Password, 0, KindServerDown, "no acepta conexiones: revise que esté encendido"},
		{"no answer", with(func(c *Config) { c.Port = silent.Addr().(*net.TCPAddr).Port }), pgtest.Password, 700 * time.Millisecond, KindTimeout, "no respondió a tiempo"},
		{"unknown host", with(func(c *Config) { c.Host = "servidor-que-no-existe.invalid" }), pgtest.Password, 5 * time.Second, KindUnknownHost, "no se encontró el servidor «servidor-que-no-existe.invalid»"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Probe(ctx, tc.cfg, tc.password, tc.timeout)
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("not an *Error: %v", err)
			}
			if oe.Kind != tc.kind {
				t.Fatalf("kind %d, want %d: %v (driver: %v)", oe.Kind, tc.kind, err, oe.Err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.says) {
				t.Fatalf("message %q lacks %q", msg, tc.says)
			}
			if english.MatchString(msg) || strings.Contains(strings.ToLower(msg), "panic") {
				t.Fatalf("message not Spanish: %q", msg)
			}
			if tc.timeout > 0 && time.Since(start) > tc.timeout+3*time.Second {
				t.Fatalf("took %v with a %v bound", time.Since(start), tc.timeout)
			}
		})
	}
}

func TestParseURLAndCheck(t *testing.T) {
	cfg, pw, err := ParseURL("postgres://ana:s3cr3t@servidor-oficina:6543/comunidad?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Host: "servidor-oficina", Port: 6543, Database: "comunidad", User: "ana", TLS: TLSRequire}
	if cfg != want || pw != "s3cr3t" {
		t.Fatalf("got %+v %q", cfg, pw)
	}
	if strings.Contains(cfg.URL(), "s3cr3t") {
		t.Fatalf("the password is in the URL: %s", cfg.URL())
	}
	if got := Redact("postgres://ana:s3cr3t@h/db"); strings.Contains(got, "s3cr3t") || !strings.Contains(got, "ana@h") {
		t.Fatalf("Redact: %s", got)
	}
	if got := Redact("postgres://ana@h/db?sslmode=require&password=s3cr3t"); strings.Contains(got, "s3cr3t") || !strings.Contains(got, "sslmode=require") {
		t.Fatalf("Redact of a password parameter: %s", got)
	}
	if _, pw, err := ParseURL("postgres://ana@h/db?password=s3cr3t"); err != nil || pw != "s3cr3t" {
		t.Fatalf("password parameter: %q %v", pw, err)
	}
	cfg, _, err = ParseURL("postgresql://ana@servidor/comunidad")
	if err != nil || cfg.Port != DefaultPort || cfg.tls() != TLSVerifyFull {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	for _, bad := range []struct{ in, says string }{
		{"/home/ana/comunidad.db", "no es una dirección de base de datos"},
		{"postgres://ana@/comunidad", "falta el servidor"},
		{"postgres://ana@h:99999/comunidad", "el puerto «99999» no es válido"},
		{"postgres://ana@h/", "falta el nombre de la base de datos"},
		{"postgres://h/comunidad", "falta el usuario"},
		{"postgres://ana@h/comunidad?sslmode=prefer", "el modo de cifrado «prefer» no es válido"},
		{"postgres://ana:s3cr3t@h:x/comunidad", "no es una dirección"},
	} {
		_, _, err := ParseURL(bad.in)
		if err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%s: %v, want %q", bad.in, err, bad.says)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the password is in the message: %v", bad.in, err)
		}
	}
}
