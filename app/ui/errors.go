package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"comunidad/app/mailer"
	"comunidad/app/officedb"
	"comunidad/app/workflow"
	"comunidad/data"
)

// errRequired is a form field's message when it is empty or only spaces.
// A function, not a variable: the translation is looked up when it is shown.
func errRequired() error {
	return errors.New(lang.X("form.required", "Este campo es obligatorio"))
}

// errorText is err in the user's language. The layers below return typed
// and sentinel errors with their facts (data, mailer, workflow); each one
// the window knows is put into words here, through lang, so an English
// system never shows a Spanish sentence for them. Any other error keeps its
// own text.
func errorText(err error) string {
	var (
		taken    *workflow.NameTakenError
		backup   *workflow.BackupError
		auth     *mailer.AuthError
		connect  *mailer.ConnectError
		field    *data.FieldError
		limit    *data.LimitError
		archived *data.UnitArchivedError
		member   *data.NotMemberError
		keep     *data.KeepRangeError
		office   *officedb.Error
		settings *officedb.SettingsError
		undo     *workflow.UndoChangedError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &field):
		return fieldErrorText(field)
	case errors.As(err, &limit):
		return limitText(limit)
	case errors.As(err, &archived):
		return lang.X("error.unit.archived", "la unidad {{.Code}} está archivada: ya no viene en Kastor", map[string]any{"Code": archived.Code})
	case errors.As(err, &member):
		return lang.X("error.unit.notmember", "{{.Person}} no es usuario de la unidad {{.Unit}}", map[string]any{"Person": member.Person, "Unit": member.Unit})
	case errors.As(err, &office):
		return officeErrorText(office)
	case errors.As(err, &settings):
		return officeSettingsText(settings)
	case errors.As(err, &undo):
		return undoChangedText(undo)
	case errors.As(err, &keep):
		return lang.X("error.backup.keep", "el número de copias a conservar debe estar entre 1 y {{.Max}}", map[string]any{"Max": keep.Max})
	case errors.Is(err, mailer.ErrNoHost):
		return lang.X("error.smtp.nohost", "falta el servidor SMTP: configúrelo en Configuración → Correo")
	case errors.Is(err, mailer.ErrNoFrom):
		return lang.X("error.smtp.nofrom", "falta el correo del remitente: configúrelo en Configuración → Correo")
	case errors.Is(err, mailer.ErrNoPassword):
		return lang.X("error.smtp.nopassword", "falta la contraseña SMTP: guárdela en Configuración → Correo")
	case errors.As(err, &taken):
		return errNameTaken(taken.Community).Error()
	case errors.As(err, &backup):
		return lang.X("kastor.backup.failed", "no se pudo hacer la copia de seguridad previa:") + " " + backup.Reason()
	case errors.As(err, &auth):
		return lang.X("error.smtp.auth", "el servidor SMTP rechazó el usuario o la contraseña ({{.Reply}}): revise la cuenta de correo en Configuración → Correo",
			map[string]any{"Reply": auth.Reply})
	case errors.As(err, &connect):
		return lang.X("error.smtp.connect", "no se pudo conectar con el servidor SMTP {{.Addr}}: {{.Err}}",
			map[string]any{"Addr": connect.Addr, "Err": connect.Err})
	case errors.Is(err, data.ErrOutboxBusy):
		return lang.X("error.outbox.busy", "ya hay un envío de correos en curso para esta comunidad")
	case errors.Is(err, data.ErrTemplateName):
		return lang.X("error.template.name", "ya existe una plantilla con ese nombre")
	case errors.Is(err, data.ErrEmptySnapshot):
		return lang.X("error.snapshot.empty", "la exportación no tiene ninguna unidad")
	case errors.Is(err, data.ErrStalePlan):
		return lang.X("error.plan.stale", "los datos de la comunidad cambiaron desde la vista previa: vuelva a revisar la importación")
	case errors.Is(err, data.ErrNoBackup):
		return lang.X("error.nobackup", "no hay copias de seguridad de esta base de datos")
	case errors.Is(err, workflow.ErrNoBackups):
		return lang.X("error.nobackups", "esta base de datos no guarda copias de seguridad propias")
	case errors.Is(err, workflow.ErrNoSecrets):
		return lang.X("error.nosecrets", "no hay un almacén de credenciales para esta base de datos")
	case errors.Is(err, context.Canceled):
		return lang.X("error.cancelled", "cancelado")
	}
	return err.Error()
}

// userError is err with errorText as its message, for Fyne's error dialog;
// errors.Is and errors.As still see err.
type userError struct{ err error }

func (e userError) Error() string { return errorText(e.err) }
func (e userError) Unwrap() error { return e.err }
