package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Account is the settings with the password, what a connection needs.
type Account struct {
	Settings
	Password string
}

// AuthError is returned when the server refuses the username or password:
// the whole batch stops, since every message would fail the same way.
type AuthError struct{ Reply string }

func (e *AuthError) Error() string {
	return "el servidor SMTP rechazó el usuario o la contraseña (" + e.Reply + "): revise la cuenta de correo en Configuración → Correo"
}

// ConnectError is returned when the server cannot be reached or the secure
// connection cannot be set up.
type ConnectError struct {
	Addr string
	Err  error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("no se pudo conectar con el servidor SMTP %s: %v", e.Addr, e.Err)
}

func (e *ConnectError) Unwrap() error { return e.Err }

// SendError is a message the server did not take.
type SendError struct {
	// Reply is the server's answer ("550 5.1.1 no existe"), or what happened
	// to the connection.
	Reply string
	// Temporary is true for a 4xx answer or a connection lost before the
	// end of the message: trying again later may work.
	Temporary bool
	// Uncertain is true when the connection was lost after the end of the
	// message was written: the server may have accepted it.
	Uncertain bool
}

func (e *SendError) Error() string { return e.Reply }

// transport is one SMTP connection reused for many messages.
type transport struct {
	acc       Account
	tlsConfig *tls.Config
	timeout   time.Duration
	reuse     bool

	client *mail.Client
	sc     *smtp.Client
}

func newTransport(acc Account, tlsConfig *tls.Config, timeout time.Duration, reuse bool) *transport {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &transport{acc: acc, tlsConfig: tlsConfig, timeout: timeout, reuse: reuse}
}

func (t *transport) tlsConf() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.tlsConfig != nil {
		c = t.tlsConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = t.acc.Host
	}
	return c
}

// dial connects, says EHLO, upgrades with STARTTLS (or starts in TLS) and
// authenticates.
func (t *transport) dial(ctx context.Context) error {
	acc := t.acc
	opts := []mail.Option{
		mail.WithPort(acc.Port),
		mail.WithTimeout(t.timeout),
		mail.WithTLSConfig(t.tlsConf()),
		// Each transaction checks its own answers: a NOOP or RSET around
		// every message would only add round trips.
		mail.WithoutNoop(),
		mail.WithoutRset(),
	}
	switch acc.Security {
	case TLS:
		conf := t.tlsConf()
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS), mail.WithDialContextFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := &tls.Dialer{NetDialer: &net.Dialer{}, Config: conf}
			return d.DialContext(ctx, network, addr)
		}))
	case None:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if acc.Username != "" {
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthSCRAMSHA256, mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(acc.Username), mail.WithPassword(acc.Password))
	}
	c, err := mail.NewClient(acc.Host, opts...)
	if err != nil {
		return &ConnectError{Addr: acc.Addr(), Err: err}
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var tp *textproto.Error
		if errors.As(err, &tp) && (tp.Code == 535 || tp.Code == 534 || tp.Code == 530) {
			return &AuthError{Reply: reply(tp)}
		}
		if strings.Contains(err.Error(), "SMTP AUTH failed") || errors.Is(err, smtp.ErrUnencrypted) {
			return &AuthError{Reply: err.Error()}
		}
		return &ConnectError{Addr: acc.Addr(), Err: err}
	}
	t.client, t.sc = c, sc
	return nil
}

func reply(tp *textproto.Error) string { return fmt.Sprintf("%d %s", tp.Code, tp.Msg) }

// close says QUIT and hangs up; drop hangs up without a word (the
// connection is no longer in a known state).
func (t *transport) close() {
	if t.sc != nil {
		_ = t.sc.Quit()
		_ = t.sc.Close()
	}
	t.sc, t.client = nil, nil
}

func (t *transport) drop() {
	if t.sc != nil {
		_ = t.sc.Close()
	}
	t.sc, t.client = nil, nil
}

// send runs one SMTP transaction. commit is called after the whole message
// was written and before the final ".": from then on the server may accept
// it. It returns the server's answer to the message.
func (t *transport) send(ctx context.Context, m *mail.Msg, commit func() error) (string, error) {
	if t.sc == nil {
		if err := t.dial(ctx); err != nil {
			return "", err
		}
	}
	if !t.reuse {
		defer t.close()
	}
	sc := t.sc
	if err := sc.UpdateDeadline(t.timeout); err != nil {
		t.drop()
		return "", &SendError{Reply: "conexión perdida: " + err.Error(), Temporary: true}
	}
	from, err := m.GetSender(false)
	if err != nil {
		return "", &SendError{Reply: "remitente inválido: " + err.Error()}
	}
	rcpts, err := m.GetRecipients()
	if err != nil {
		return "", &SendError{Reply: "destinatario inválido: " + err.Error()}
	}
	if err := sc.Mail(from); err != nil {
		return "", t.fail(err, false)
	}
	for _, r := range rcpts {
		if err := sc.Rcpt(r); err != nil {
			e := t.fail(err, false)
			if se, ok := e.(*SendError); ok {
				se.Reply += " (" + strings.Trim(r, "<>") + ")"
			}
			return "", e
		}
	}
	w, err := sc.Data()
	if err != nil {
		return "", t.fail(err, false)
	}
	// The message is written through the dot-stuffing writer; nothing the
	// server can deliver exists until Close writes the final ".".
	if _, err := m.WriteTo(w); err != nil {
		return "", t.fail(err, false)
	}
	if err := commit(); err != nil {
		// Without the mark a crash could resend it: give up on this one.
		t.drop()
		return "", fmt.Errorf("registrar el envío: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", t.fail(err, true)
	}
	resp := ""
	if dc, ok := w.(*smtp.DataCloser); ok {
		resp = dc.ServerResponse()
	}
	return "250 " + resp, nil
}

// fail turns an error during a transaction into a SendError and leaves the
// connection ready for the next message or closed. After any refusal, also
// one at the end of DATA, the transaction is reset with RSET: a server that
// keeps it open would answer the next MAIL with "503 nested MAIL command".
func (t *transport) fail(err error, afterDot bool) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		if tp.Code == 421 {
			// The server is closing the connection.
			t.drop()
		} else if rerr := t.sc.Reset(); rerr != nil {
			t.drop()
		}
		// An answer, even after the final ".", is definite: delivered or not.
		return &SendError{Reply: reply(tp), Temporary: tp.Code >= 400 && tp.Code < 500}
	}
	// A lost connection (EOF, reset, timeout).
	t.drop()
	what := "se perdió la conexión con el servidor"
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		what = "el servidor cerró la conexión"
	}
	if afterDot {
		return &SendError{Reply: what + " antes de confirmar la recepción: " + err.Error(), Uncertain: true}
	}
	return &SendError{Reply: what + ": " + err.Error(), Temporary: true}
}
