package ui

import (
	"context"

	"comunidad/app/workflow"
	"comunidad/data"
)

// Store is the database the window works on: what its workflows need
// (workflow.Store) and the few groups of reads and edits the window makes on
// its own, below. The embedded SQLite database (*data.Store) is one; what
// only a database file can do (its folder, its backups) is asked through
// the optional workflow.Located and workflow.Backuper, so another engine
// slots in behind this without touching the window. (The integrity check
// and the instance lock happen before the window opens, in cmd.)
type Store interface {
	workflow.Store
	communityStore
	peopleStore
	templateStore
	OutboxCounts(ctx context.Context, community int64) (map[string]int, error)
	Close() error
}

// communityStore: the header, Configuración → Comunidad and Importación.
type communityStore interface {
	Community(ctx context.Context, id int64) (data.Community, error)
	UpdateCommunity(ctx context.Context, c data.Community) error
	SetCommunitySource(ctx context.Context, community int64, source string) error
	SyncRuns(ctx context.Context, community int64, limit int) ([]data.SyncReport, error)
}

// peopleStore: the Unidades/Usuarios tab and its Herramientas modal.
type peopleStore interface {
	Units(ctx context.Context, community int64) ([]data.Unit, error)
	UnitDetail(ctx context.Context, unitID int64) (data.UnitDetail, error)
	PersonByEmail(ctx context.Context, community int64, email string) (data.Person, error)
	AddLocalUser(ctx context.Context, unitID int64, in data.LocalUser) (int64, error)
	UpdateLocalUser(ctx context.Context, unitID, personID int64, in data.LocalUser) error
	RemoveLocalUser(ctx context.Context, unitID, personID int64) error
	AddSecondaryEmail(ctx context.Context, unitID int64, email, label string) (int64, error)
	UpdateSecondaryEmail(ctx context.Context, id int64, email, label string) error
	RemoveSecondaryEmail(ctx context.Context, id int64) error
	Accounts(ctx context.Context, community int64) ([]data.Account, error)
}

// templateStore: the letter templates' list in Configuración.
type templateStore interface {
	RenameTemplate(ctx context.Context, id int64, name string) (data.Template, error)
	DuplicateTemplate(ctx context.Context, id int64, name string) (data.Template, error)
	SetDefaultTemplate(ctx context.Context, id int64) error
	DeleteTemplate(ctx context.Context, id int64) error
}

var _ Store = (*data.Store)(nil)

// storePath is the file of a file store, "" for one that is no file.
func storePath(st Store) string {
	if l, ok := workflow.AsLocated(st); ok {
		return l.Path()
	}
	return ""
}
