package ui

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"comunidad/app/officedb"
	"comunidad/app/workflow"
)

// officeErrorText is a failure to reach the office database (its Kind and
// settings are the facts) in the user's language. The Spanish texts are
// officedb's own sentences.
func officeErrorText(e *officedb.Error) string {
	c := e.Config
	facts := map[string]any{"Host": c.Host, "At": net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), "User": c.User, "Database": c.Database, "Err": e.Err}
	switch e.Kind {
	case officedb.KindUnknownHost:
		return lang.X("error.office.unknownhost", "no se encontró el servidor «{{.Host}}» en la red: revise su nombre o dirección", facts)
	case officedb.KindServerDown:
		return lang.X("error.office.down", "el servidor {{.At}} no acepta conexiones: revise que esté encendido, que PostgreSQL esté funcionando y que el puerto sea el correcto", facts)
	case officedb.KindTimeout:
		return lang.X("error.office.timeout", "el servidor {{.At}} no respondió a tiempo: revise la red de la oficina y que el servidor esté encendido", facts)
	case officedb.KindAuth:
		return lang.X("error.office.auth", "el servidor rechazó el usuario «{{.User}}» o su contraseña: revise ambos", facts)
	case officedb.KindNotAllowed:
		return lang.X("error.office.notallowed", "el servidor no permite que «{{.User}}» se conecte desde este equipo: pida a quien administra el servidor que lo autorice (pg_hba.conf)", facts)
	case officedb.KindUnknownDatabase:
		return lang.X("error.office.nodatabase", "la base de datos «{{.Database}}» no existe en {{.At}}: revise el nombre o créela (vea «Base de datos de la oficina» en el README)", facts)
	case officedb.KindTLSRefused:
		return lang.X("error.office.tlsrefused", "el servidor {{.At}} no acepta conexiones cifradas (TLS): actívelas en el servidor o, solo dentro de una red de confianza, elija «Sin cifrar»", facts)
	case officedb.KindTLSCertificate:
		return lang.X("error.office.certificate", "el certificado del servidor no es válido para «{{.Host}}»: instale el certificado de la oficina en este equipo o revise el nombre del servidor", facts)
	}
	return lang.X("error.office.other", "no se pudo conectar con la base de datos de la oficina en {{.At}} ({{.Err}})", facts)
}

// officeSettingsText is a setting of the office database missing or wrong,
// in the user's language.
func officeSettingsText(e *officedb.SettingsError) string {
	c := e.Config
	facts := map[string]any{"Port": c.Port, "Default": officedb.DefaultPort, "TLS": c.TLS,
		"Modes": officedb.TLSVerifyFull + ", " + officedb.TLSRequire, "Last": officedb.TLSDisable}
	switch e.Setting {
	case officedb.SettingHost:
		return lang.X("error.office.nohost", "falta el servidor (su nombre o dirección en la red de la oficina)")
	case officedb.SettingPort:
		return lang.X("error.office.port", "el puerto {{.Port}} no es válido: debe ser un número entre 1 y 65535 (PostgreSQL usa {{.Default}})", facts)
	case officedb.SettingDatabase:
		return lang.X("error.office.nodbname", "falta el nombre de la base de datos")
	case officedb.SettingUser:
		return lang.X("error.office.nouser", "falta el usuario")
	}
	return lang.X("error.office.tls", "el modo de cifrado «{{.TLS}}» no es válido: use {{.Modes}} o {{.Last}}", facts)
}

// undoChangedText is an undo refused because its community (or, on a file,
// the database) changed since the import, in the user's language.
func undoChangedText(e *workflow.UndoChangedError) string {
	words := make([]string, len(e.Tables))
	for i, t := range e.Tables {
		words[i] = tableText(t)
	}
	sort.Strings(words)
	facts := map[string]any{"When": FormatDateTime(e.At), "What": strings.Join(words, ", ")}
	if e.Office {
		return lang.X("error.undo.changed.office", "no se deshizo la importación del {{.When}}: después cambiaron en esta comunidad {{.What}}, y deshacerla lo perdería", facts)
	}
	return lang.X("error.undo.changed", "no se deshizo la importación del {{.When}}: después cambiaron {{.What}}, y deshacerla lo perdería; si de todos modos quiere volver atrás, restaure una copia de seguridad", facts)
}

// tableText names a table's content, as UndoChangedError does.
func tableText(table string) string {
	switch table {
	case "communities":
		return lang.X("undo.table.communities", "los datos de las comunidades")
	case "units":
		return lang.X("undo.table.units", "las unidades")
	case "people":
		return lang.X("undo.table.people", "las personas")
	case "memberships":
		return lang.X("undo.table.memberships", "los usuarios de las unidades")
	case "secondary_emails":
		return lang.X("undo.table.secondary_emails", "los correos secundarios")
	case "accounts":
		return lang.X("undo.table.accounts", "las cuentas del portal")
	case "settings":
		return lang.X("undo.table.settings", "la configuración")
	case "templates":
		return lang.X("undo.table.templates", "las cartas")
	case "outbox":
		return lang.X("undo.table.outbox", "los correos enviados o por enviar")
	}
	return lang.X("undo.table.other", "la tabla {{.Table}}", map[string]any{"Table": table})
}
