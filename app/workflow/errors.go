package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"comunidad/data"
)

// NameTakenError refuses a new community whose name another one already
// has (ignoring case, accents and surrounding spaces).
type NameTakenError struct{ Community data.Community }

func (e *NameTakenError) Error() string {
	return fmt.Sprintf("ya existe la comunidad «%s»", e.Community.Name)
}

// SeveralCommunitiesError is an import that names no community while the
// database holds several and the export's title names none of them.
type SeveralCommunitiesError struct{ N int }

func (e *SeveralCommunitiesError) Error() string {
	return fmt.Sprintf("hay %d comunidades: elija a cuál importar", e.N)
}

// BackupError is the backup an import makes first, failed: nothing was
// imported.
type BackupError struct{ Err error }

func (e *BackupError) Error() string {
	return "no se pudo hacer la copia de seguridad previa: " + e.Reason()
}

func (e *BackupError) Unwrap() error { return e.Err }

// Reason is why the backup failed, without the data layer's own
// "copia de seguridad: " prefix (the sentence around it says so already).
func (e *BackupError) Reason() string {
	return strings.TrimPrefix(e.Err.Error(), "copia de seguridad: ")
}

// NoUnitsError is letters asked for without a selection of units and
// without the explicit choice of all of them: a whole community is never
// written to, or sent, by default.
type NoUnitsError struct{}

func (e *NoUnitsError) Error() string {
	return "no hay unidades elegidas: elija una o más unidades, o todas las unidades de la comunidad"
}

// NoNewcomersError is letters to the newcomers when the latest import
// brought nobody new.
type NoNewcomersError struct{}

func (e *NoNewcomersError) Error() string {
	return "la última importación no trajo personas nuevas: no hay a quién escribir"
}

// cancelled is err, or the cancel when ctx was cancelled: once the context
// is done, database/sql rolls the transaction back by itself, and the
// statement an import was about to run fails with «sql: statement is
// closed» or «sql: transaction has already been committed or rolled back»
// (SQLite, with «interrupted»), in English and saying nothing of what
// happened. The import was cancelled: that is its error, which the window
// and the command line say as «cancelado».
func cancelled(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil || errors.Is(err, ctx.Err()) {
		return err
	}
	return ctx.Err()
}
