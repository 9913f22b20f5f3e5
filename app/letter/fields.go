package letter

import (
	"fmt"
	"strings"
	"time"

	"comunidad/data"
)

// Fields holds the value of each merge field, by name without braces
// ("nombre", "portal"...). Values are plain text: they are escaped in HTML
// and never read as Markdown.
type Fields map[string]string

// Field describes one merge field for the "Insertar campo" list.
type Field struct {
	Name  string // without braces: "nombre"
	Label string // what it is, in Spanish
}

// Tag is the field as written in a template: "{nombre}".
func (f Field) Tag() string { return "{" + f.Name + "}" }

// AllFields lists the merge fields a template may use, in the order the
// editor offers them.
var AllFields = []Field{
	{"nombre", "Nombres del destinatario"},
	{"apellidos", "Apellidos del destinatario"},
	{"nombre_completo", "Nombre completo del destinatario"},
	{"unidad", "Unidad (nombre)"},
	{"codigo_unidad", "Código de la unidad"},
	{"unidades_asignadas", "Unidades asignadas (depto., bodega, estacionamiento)"},
	{"comunidad", "Nombre de la comunidad"},
	{"direccion_comunidad", "Dirección de la comunidad"},
	{"administrador", "Nombre del administrador"},
	{"correo_administrador", "Correo del administrador"},
	{"telefono_administrador", "Teléfono del administrador"},
	{"usuario", "Usuario del portal (su correo, si tiene o tendrá cuenta)"},
	{"motivo_sin_cuenta", "Por qué no tiene cuenta en el portal (para la sección {si_sin_cuenta})"},
	{"portal", "Dirección del portal de residentes"},
	{"fecha", "Fecha de hoy (27 de noviembre de 2026)"},
}

// signatureKey carries the signature line from the settings to the merged
// document. It is not a merge field: {firma} in a template is an error.
const signatureKey = "\x00firma"

var knownFields = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range AllFields {
		m[f.Name] = true
	}
	return m
}()

// IsField reports whether name (without braces) is a merge field.
func IsField(name string) bool { return knownFields[name] }

var months = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// SpanishDate writes t as a Chilean letter dates it: "27 de noviembre de 2026".
func SpanishDate(t time.Time) string {
	return fmt.Sprintf("%d de %s de %d", t.Day(), months[t.Month()-1], t.Year())
}

// NoLogin is what {usuario} says for a person without an e-mail address.
const NoLogin = "(sin correo registrado)"

// FieldsFor gathers the merge fields for one row of the users listing: the
// person, their unit, the community (the letter settings win over the
// community's own name and address when set) and the administrator.
func FieldsFor(row data.UserRow, c data.Community, s Settings, now time.Time) Fields {
	unit := strings.TrimSpace(row.UnitName)
	if unit == "" {
		unit = row.UnitCode
	}
	assigned := strings.TrimSpace(row.Assigned)
	if assigned == "" {
		assigned = unit
	}
	login := row.Email
	if login == "" {
		login = NoLogin
	}
	f := Fields{
		"nombre":                 row.FirstNames,
		"apellidos":              row.LastNames,
		"nombre_completo":        row.FullName(),
		"unidad":                 unit,
		"codigo_unidad":          row.UnitCode,
		"unidades_asignadas":     assigned,
		"comunidad":              firstNonEmpty(s.CommunityName, c.Name, row.Community),
		"direccion_comunidad":    firstNonEmpty(s.CommunityAddress, c.Address),
		"administrador":          s.AdminName,
		"correo_administrador":   s.AdminEmail,
		"telefono_administrador": s.AdminPhone,
		"usuario":                login,
		"motivo_sin_cuenta":      "",
		"portal":                 s.PortalURL,
		"fecha":                  SpanishDate(now),
	}
	f[signatureKey] = s.SignatureLine
	return f
}

// SampleFields are the values the editor's preview uses when the community
// has no units yet.
func SampleFields(c data.Community, s Settings, now time.Time) Fields {
	return FieldsFor(data.UserRow{
		Community: c.Name, UnitCode: "101", UnitName: "Depto 101", Assigned: "Depto 101, Bod. 12, Est. 34",
		FirstNames: "María José", LastNames: "Pérez Muñoz", Email: "maria.perez@ejemplo.cl",
	}, c, s, now)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
