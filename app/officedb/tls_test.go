package officedb

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"comunidad/internal/pgtest"
)

// A server with TLS on, its certificate self-signed (as an office's own
// server often has): «require» connects encrypted; «verify-full» (the
// default) refuses it with the certificate's sentence, not the driver's.
func TestProbeTLSCertificate(t *testing.T) {
	pgtest.Shared(t) // skips (or fails under COMUNIDAD_REQUIRE_PG=1) without PostgreSQL
	certPEM, keyPEM := selfSigned(t, "servidor-oficina")
	c, err := pgtest.Start(map[string][]byte{"server.crt": certPEM, "server.key": keyPEM}, "ssl=on")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx := context.Background()
	cfg := Config{Host: "127.0.0.1", Port: c.Port(), Database: "postgres", User: "postgres", TLS: TLSRequire}
	if _, err := Probe(ctx, cfg, pgtest.Password, 0); err != nil {
		t.Fatalf("require against a TLS server: %v", err)
	}
	pc, _ := cfg.ConnConfig(pgtest.Password)
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	var ssl bool
	err = conn.QueryRow(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl)
	conn.Close(ctx)
	if err != nil || !ssl {
		t.Fatalf("the connection is not encrypted: ssl=%v err=%v", ssl, err)
	}

	cfg.TLS = "" // verify-full
	_, err = Probe(ctx, cfg, pgtest.Password, 0)
	var oe *Error
	if !errors.As(err, &oe) || oe.Kind != KindTLSCertificate {
		t.Fatalf("verify-full against a self-signed certificate: %v", err)
	}
	if !strings.Contains(err.Error(), "el certificado del servidor no es válido para «127.0.0.1»") || english.MatchString(err.Error()) {
		t.Fatalf("message %q", err.Error())
	}
}

func selfSigned(t *testing.T, host string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}
