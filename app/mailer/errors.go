package mailer

import (
	"errors"
	"fmt"
)

// What sending needs and the account lacks. Each reads, for now, as the
// Spanish sentence the window and the CLI show; callers tell them apart
// with errors.Is.
var (
	ErrNoHost     = errors.New("falta el servidor SMTP: configúrelo en Configuración → Correo")
	ErrNoFrom     = errors.New("falta el correo del remitente: configúrelo en Configuración → Correo")
	ErrNoPassword = errors.New("falta la contraseña SMTP: guárdela en Configuración → Correo")
)

// Roles of an address in a message or in the account.
const (
	RoleFrom    = "remitente"
	RoleTo      = "destinatario"
	RoleReplyTo = "responder a"
	RoleBcc     = "copia oculta"
)

// AddressError is an address that is not one: Role says which (RoleFrom,
// RoleTo, RoleReplyTo, RoleBcc), Addr what was written, Setting whether it
// was refused while saving the account rather than while building a
// message.
type AddressError struct {
	Role    string
	Addr    string
	Setting bool
}

func (e *AddressError) Error() string {
	if e.Setting {
		return fmt.Sprintf("el correo de %s %q no es válido", e.Role, e.Addr)
	}
	switch e.Role {
	case RoleFrom:
		return fmt.Sprintf("el remitente %q no es una dirección de correo válida", e.Addr)
	case RoleTo:
		return fmt.Sprintf("el destinatario %q no es una dirección de correo válida", e.Addr)
	case RoleReplyTo:
		return fmt.Sprintf("\"responder a\" %q no es una dirección de correo válida", e.Addr)
	case RoleBcc:
		return fmt.Sprintf("la copia oculta %q no es una dirección de correo válida", e.Addr)
	}
	return fmt.Sprintf("dirección de correo %q inválida", e.Addr)
}
