// Package mailtest runs a real SMTP server on 127.0.0.1 for the tests of
// the packages that send mail through the mailer (the window, the CLI): AUTH
// PLAIN without TLS (the "none" security the settings allow only on this
// machine), counting what each recipient received, refusing the recipients
// a test names, and misbehaving on the messages to a recipient as real
// servers do (Fail): taking a message and hanging up before the answer,
// refusing it at the end of DATA, deferring it with 451. Only tests import it.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running SMTP server; it stops when the test ends.
type Server struct {
	Port int

	user, pass string
	mu         sync.Mutex
	got        map[string]int // messages per recipient
	refuse     map[string]bool
	hold       chan struct{} // while set, each message waits for it to close
	held       int           // messages waiting for hold to close
	faults     map[string][]Fault
	nested     int // MAIL commands answered "503 nested MAIL command"
	msgs       map[string][][]byte
}

// A Fault is how the server answers one message to a recipient.
type Fault int

const (
	// Drop takes the message (the recipient has it: it is counted) and
	// hangs up before answering, so the sender cannot know it arrived.
	Drop Fault = iota + 1
	// Reject answers "554 5.6.0" at the end of DATA (not delivered) and,
	// like servers that keep the transaction open until told otherwise,
	// answers a MAIL that comes without an RSET first with "503 5.5.1
	// nested MAIL command".
	Reject
	// Defer answers "451 4.3.0" at the end of DATA: not delivered, try later.
	Defer
)

// Start listens on a free port of 127.0.0.1 and accepts mail from a client
// that logs in as user with pass.
func Start(t testing.TB, user, pass string) *Server {
	t.Helper()
	s := &Server{user: user, pass: pass, got: map[string]int{}, refuse: map[string]bool{}, faults: map[string][]Fault{}, msgs: map[string][][]byte{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = quiet{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Count is how many messages addr received.
func (s *Server) Count(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[addr]
}

// Total is how many messages were delivered, to anyone.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.got {
		n += v
	}
	return n
}

// Fail makes the server answer the next messages to addr with faults, one
// fault per message, in order; once they are used up it accepts again.
func (s *Server) Fail(addr string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[addr] = append(s.faults[addr], faults...)
}

// Nested is how many MAIL commands came inside a transaction the server
// still held open (after a Reject, without RSET) and were refused.
func (s *Server) Nested() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nested
}

// Messages are the messages addr received, as they arrived (headers and body).
func (s *Server) Messages(addr string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs[addr]...)
}

// Refuse makes the server answer 550 for addr (on) or accept it again (off).
func (s *Server) Refuse(addr string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[addr] = on
}

// Hold makes each message wait, after it was sent and before the server
// accepts it, until release is called: a batch in flight for as long as a
// test needs. Waiting messages are accepted when the test ends.
func (s *Server) Hold(t testing.TB) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.hold = ch
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			s.hold = nil
			s.mu.Unlock()
			close(ch)
		})
	}
	t.Cleanup(release)
	return release
}

// Held is how many messages are waiting for Hold's release: their whole
// text arrived, and the sender waits for the answer to the end of DATA
// (the message is in flight).
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

type session struct {
	s    *Server
	conn *smtp.Conn
	auth bool
	to   []string
	// open follows a transaction refused at the end of DATA: go-smtp resets
	// its own state right after the answer (openRefused -> openUntilRset),
	// and only the client's RSET closes it.
	open int
}

const (
	openRefused = iota + 1
	openUntilRset
)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.user || pass != x.s.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Bad credentials"}
		}
		x.auth = true
		return nil
	}), nil
}

func (x *session) Mail(string, *smtp.MailOptions) error {
	if !x.auth {
		return smtp.ErrAuthRequired
	}
	if x.open == openUntilRset {
		x.s.mu.Lock()
		x.s.nested++
		x.s.mu.Unlock()
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "Error: nested MAIL command"}
	}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	x.to = append(x.to, to)
	return nil
}

// Data accepts only a message with the headers every message must carry.
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, h := range []string{"Subject:", "Message-ID:", "Date:"} {
		if !bytes.Contains(b, []byte(h)) {
			return errors.New("missing " + h)
		}
	}
	x.s.mu.Lock()
	hold := x.s.hold
	x.s.mu.Unlock()
	if hold != nil {
		x.s.mu.Lock()
		x.s.held++
		x.s.mu.Unlock()
		<-hold
		x.s.mu.Lock()
		x.s.held--
		x.s.mu.Unlock()
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	var fault Fault
	for _, to := range x.to {
		if f := x.s.faults[to]; len(f) > 0 {
			fault, x.s.faults[to] = f[0], f[1:]
			break
		}
	}
	switch fault {
	case Reject:
		x.open = openRefused
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused by policy"}
	case Defer:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, try again later"}
	}
	for _, to := range x.to {
		x.s.got[to]++
		x.s.msgs[to] = append(x.s.msgs[to], b)
	}
	if fault == Drop {
		// Delivered, and the answer never leaves.
		x.conn.Conn().Close()
		return errors.New("dropped")
	}
	return nil
}

func (x *session) Reset() {
	x.to = nil
	switch x.open {
	case openRefused:
		x.open = openUntilRset
	case openUntilRset:
		x.open = 0
	}
}

func (x *session) Logout() error { return nil }

type quiet struct{}

func (quiet) Printf(string, ...interface{}) {}
func (quiet) Println(...interface{})        {}
