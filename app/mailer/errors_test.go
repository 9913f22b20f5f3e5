package mailer

import (
	"errors"
	"testing"
	"time"
)

// The account's and the message's refusals are values: errors.Is and
// errors.As tell them apart, and each still reads as the Spanish sentence
// shown today.
func TestErrorsCarryTheirFacts(t *testing.T) {
	ok := Settings{Host: "smtp.example.cl", Port: 587, Security: StartTLS, From: "admin@example.cl"}
	tests := []struct {
		name string
		err  error
		is   error
		as   *AddressError
		want string
	}{
		{"no host", func() error { s := ok; s.Host = ""; return s.Check() }(), ErrNoHost, nil,
			"falta el servidor SMTP: configúrelo en Configuración → Correo"},
		{"no sender", func() error { s := ok; s.From = ""; return s.Check() }(), ErrNoFrom, nil,
			"falta el correo del remitente: configúrelo en Configuración → Correo"},
		{"a bad reply-to in the account", func() error { s := ok; s.ReplyTo = "no es correo"; return s.Check() }(), nil,
			&AddressError{Role: RoleReplyTo, Addr: "no es correo", Setting: true}, `el correo de responder a "no es correo" no es válido`},
		{"a bad recipient in a message", func() error {
			_, err := ok.Build(Content{ToAddr: "ana@", Subject: "Hola", Text: "x"}, "<id@example.cl>", time.Now())
			return err
		}(), nil, &AddressError{Role: RoleTo, Addr: "ana@"}, `el destinatario "ana@" no es una dirección de correo válida`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", tt.err, tt.want)
			}
			if tt.is != nil && !errors.Is(tt.err, tt.is) {
				t.Fatalf("errors.Is(%v) = false", tt.is)
			}
			if tt.as != nil {
				var ae *AddressError
				if !errors.As(tt.err, &ae) || *ae != *tt.as {
					t.Fatalf("AddressError = %+v, want %+v", ae, tt.as)
				}
			}
		})
	}
}
