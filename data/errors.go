package data

import (
	"errors"
	"fmt"
)

// Errors that carry their facts. Each reads, for now, as the Spanish
// sentence the window and the CLI show; callers tell them apart with
// errors.Is and errors.As.

// ErrCommunityName refuses a community without a name.
var ErrCommunityName = errors.New("la comunidad necesita un nombre")

// UnitArchivedError refuses a change to a unit a sync archived (Kastor no
// longer lists it).
type UnitArchivedError struct{ Code string }

func (e *UnitArchivedError) Error() string {
	return fmt.Sprintf("la unidad %s está archivada: ya no viene en Kastor", e.Code)
}

// NotMemberError is a person who does not belong to the unit a change names.
type NotMemberError struct {
	Person string // their name, or their email when they have none
	Unit   string // the unit's code
}

func (e *NotMemberError) Error() string {
	return fmt.Sprintf("%s no es usuario de la unidad %s", e.Person, e.Unit)
}

// KeepRangeError refuses a number of backups to keep outside 1..Max.
type KeepRangeError struct{ N, Max int }

func (e *KeepRangeError) Error() string {
	return fmt.Sprintf("el número de copias a conservar debe estar entre 1 y %d", e.Max)
}
