package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"comunidad/app/mailer"
	"comunidad/app/officedb"
	"comunidad/data"
)

// openOffice opens the office's PostgreSQL database (--db postgres://...):
// the password is the address's own, PGPASSWORD, or the one saved on this
// computer (Configuración → Base de datos keeps it in the credential store);
// a server that asks for none (trust, a client certificate) needs none.
// Every failure is one Spanish line (officedb's words).
func (e *env) openOffice(ctx context.Context) (*data.Store, error) {
	cfg, pass, err := officedb.ParseURL(e.dbPath)
	if err != nil {
		return nil, userError{err.Error()}
	}
	if pass == "" {
		pass = e.officePassword
	}
	if pass == "" {
		if v, ok := os.LookupEnv("PGPASSWORD"); ok {
			pass = v
		} else {
			pass = savedOfficePassword(cfg)
		}
	}
	st, err := data.OpenPostgresPassword(ctx, e.dbPath, pass)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if errors.Is(err, data.ErrNewerSchema) {
			return nil, errorf("la base de datos de la oficina %s fue actualizada por una versión más nueva de Comunidad: actualice Comunidad en este equipo", officedb.Redact(e.dbPath))
		}
		oe := officedb.Classify(cfg, err)
		var typed *officedb.Error
		if errors.As(oe, &typed) && typed.Kind == officedb.KindAuth && pass == "" {
			return nil, errorf("%s; en este equipo no hay una contraseña guardada para «%s»: guárdela en Configuración → Base de datos, o use la variable PGPASSWORD", oe, cfg.User)
		}
		return nil, userError{fmt.Sprintf("base de datos de la oficina: %s", oe)}
	}
	return st, nil
}

// savedOfficePassword is the password Configuración → Base de datos saved
// for cfg on this computer, "" when there is none.
func savedOfficePassword(cfg officedb.Config) string {
	dir, err := dataDir()
	if err != nil {
		return ""
	}
	p, err := mailer.OpenSecretsIn(dir).Get(cfg.SecretKey())
	if err != nil {
		return ""
	}
	return p
}
