package mailer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testServer is a real SMTP server on 127.0.0.1 with STARTTLS (a certificate
// made for the test) and AUTH PLAIN, recording what it accepts. Hooks make it
// refuse recipients, answer 4xx, drop the connection or hang.
type testServer struct {
	t        testing.TB
	srv      *smtp.Server
	host     string
	port     int
	user     string
	password string
	certPEM  []byte
	pool     *x509.CertPool
	// implicitTLS makes the listener speak TLS from the first byte (port 465 style).
	implicitTLS bool

	mu       sync.Mutex
	received []received
	conns    int
	mails    int // MAIL FROM commands seen (transactions started)
	// onMail runs on MAIL FROM with the number of the transaction (1-based,
	// across connections); a non-nil error is the answer. dropConn closes the
	// connection instead of answering.
	onMail func(n int) (dropConn bool, err error)
	// onRcpt answers RCPT TO.
	onRcpt func(to string) error
	// onData runs after a message was read in full and recorded as delivered
	// (the server committed it); dropConn hangs up without answering.
	onData func(n int) (dropConn bool, err error)
}

type received struct {
	from string
	to   []string
	data []byte
}

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	ts := &testServer{t: t, host: "127.0.0.1", user: "oficina@example.cl", password: "clave secreta ñ"}
	cert, certPEM := makeCert(t)
	ts.certPEM = certPEM
	ts.pool = x509.NewCertPool()
	ts.pool.AppendCertsFromPEM(certPEM)
	ts.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{ts: ts, conn: c}, nil
	}))
	ts.srv.Domain = "localhost"
	ts.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.srv.ReadTimeout = 10 * time.Second
	ts.srv.WriteTimeout = 10 * time.Second
	ts.srv.MaxMessageBytes = 10 << 20
	ts.srv.ErrorLog = quietLog{}
	return ts
}

// start listens on a free port of 127.0.0.1.
func (ts *testServer) start() *testServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.t.Fatal(err)
	}
	l = countingListener{l, ts}
	if ts.implicitTLS {
		l = tls.NewListener(l, ts.srv.TLSConfig)
	}
	ts.port = l.Addr().(*net.TCPAddr).Port
	go ts.srv.Serve(l)
	ts.t.Cleanup(func() { ts.srv.Close() })
	return ts
}

// account is the settings a sender uses with this server.
func (ts *testServer) account() Account {
	sec := StartTLS
	if ts.implicitTLS {
		sec = TLS
	}
	return Account{Settings: Settings{Host: ts.host, Port: ts.port, Security: sec, Username: ts.user,
		From: "administracion@alamos.cl", FromName: "Administración Los Álamos", RatePerMinute: 0}, Password: ts.password}
}

func (ts *testServer) tlsConfig() *tls.Config { return &tls.Config{RootCAs: ts.pool} }

func (ts *testServer) messages() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.received...)
}

// countTo counts the messages delivered to addr.
func (ts *testServer) countTo(addr string) int {
	n := 0
	for _, r := range ts.messages() {
		for _, to := range r.to {
			if to == addr {
				n++
			}
		}
	}
	return n
}

func (ts *testServer) connections() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.conns
}

type testSession struct {
	ts   *testServer
	conn *smtp.Conn
	auth bool
	from string
	to   []string
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.ts.user || password != s.ts.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.auth = true
		return nil
	}), nil
}

func (s *testSession) Mail(from string, opts *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	if _, ok := s.conn.TLSConnectionState(); !ok {
		return errors.New("the test server wants TLS")
	}
	s.ts.mu.Lock()
	s.ts.mails++
	n, hook := s.ts.mails, s.ts.onMail
	s.ts.mu.Unlock()
	if hook != nil {
		drop, err := hook(n)
		if drop {
			s.conn.Conn().Close()
			return errors.New("dropped")
		}
		if err != nil {
			return err
		}
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if s.ts.onRcpt != nil {
		if err := s.ts.onRcpt(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	s.ts.received = append(s.ts.received, received{from: s.from, to: append([]string(nil), s.to...), data: b})
	n, hook := len(s.ts.received), s.ts.onData
	s.ts.mu.Unlock()
	if hook != nil {
		drop, err := hook(n)
		if drop {
			s.conn.Conn().Close()
			return errors.New("dropped")
		}
		return err
	}
	return nil
}

func (s *testSession) Reset() { s.from, s.to = "", nil }

func (s *testSession) Logout() error { return nil }

// countingListener counts TCP connections (a session starts on every EHLO,
// twice per connection with STARTTLS, so sessions are not the measure).
type countingListener struct {
	net.Listener
	ts *testServer
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.ts.mu.Lock()
		l.ts.conns++
		l.ts.mu.Unlock()
	}
	return c, err
}

type quietLog struct{}

func (quietLog) Printf(string, ...interface{}) {}
func (quietLog) Println(...interface{})        {}

// makeCert makes a self-signed certificate for 127.0.0.1 and localhost.
func makeCert(t testing.TB) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "Comunidad test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPEM
}
