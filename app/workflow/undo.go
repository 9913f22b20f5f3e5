package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"comunidad/data"
)

// undoStore is a store whose imports can be undone: it keeps backups of
// itself, fingerprints its content and keeps settings.
type undoStore interface {
	Backuper
	ContentHashes(ctx context.Context) (map[string]uint64, error)
	Setting(ctx context.Context, community int64, key string) (string, bool, error)
	SetSetting(ctx context.Context, community int64, key, value string) error
}

var _ undoStore = (*data.Store)(nil)

// undoRecord is what an import keeps to be undone: the backup made just
// before it, and the database's content right after it.
type undoRecord struct {
	RunID  int64             `json:"run_id"`
	Backup string            `json:"backup"`
	At     time.Time         `json:"at"`
	After  map[string]uint64 `json:"after"`
	Units  data.SyncCounts   `json:"units"`
	Users  data.SyncCounts   `json:"users"`
}

// ErrNothingToUndo is a community whose last import cannot be undone: it
// has none, or it was the database's first (no backup was needed).
var ErrNothingToUndo = errors.New("no hay una importación que deshacer: la última no dejó copia previa, o ya se deshizo")

// officeUndoer is the office database: an import keeps its community as it
// was, in its own transaction, and undoing puts that community back
// (data/undo_office.go); the other communities are not touched.
type officeUndoer interface {
	OfficeUndoInfo(ctx context.Context, community int64) (data.OfficeUndo, bool, error)
	UndoOfficeImport(ctx context.Context, community int64) (data.OfficeUndo, error)
}

var _ officeUndoer = (*data.Store)(nil)

// undoOnOffice is UndoLastImport on the office database.
func (s *Service) undoOnOffice(ctx context.Context, community int64) (Undone, error) {
	o, ok := s.Store.(officeUndoer)
	if !ok {
		return Undone{}, ErrNothingToUndo
	}
	u, err := o.UndoOfficeImport(ctx, community)
	var changed *data.ChangedSinceImportError
	switch {
	case errors.Is(err, data.ErrNoOfficeUndo):
		return Undone{}, ErrNothingToUndo
	case errors.As(err, &changed):
		return Undone{}, changedError(changed.At, changed.Tables, true)
	case err != nil:
		return Undone{}, err
	}
	return Undone{At: u.At, Units: u.Units, Users: u.Users, Removed: u.Created}, nil
}

// UndoChangedError refuses to undo an import after which something else
// changed: undoing it would lose that too.
type UndoChangedError struct {
	At      time.Time
	Tables  []string // the tables where it changed, by name, sorted
	Changed []string // the same in words, sorted: "los usuarios de las unidades"
	Office  bool     // on the office database: what changed is of this community, and it has no backups here
}

// changedError is the UndoChangedError for tables changed since at.
func changedError(at time.Time, tables []string, office bool) *UndoChangedError {
	tables = slices.Sorted(slices.Values(tables))
	words := make([]string, len(tables))
	for i, t := range tables {
		if words[i] = tableWords[t]; words[i] == "" {
			words[i] = "la tabla " + t
		}
	}
	sort.Strings(words)
	return &UndoChangedError{At: at, Tables: tables, Changed: words, Office: office}
}

func (e *UndoChangedError) Error() string {
	if e.Office {
		return fmt.Sprintf("no se deshizo la importación del %s: después cambiaron en esta comunidad %s, y deshacerla lo perdería", e.At.Local().Format("02-01-2006 15:04"), strings.Join(e.Changed, ", "))
	}
	return fmt.Sprintf("no se deshizo la importación del %s: después cambiaron %s, y deshacerla lo perdería; "+
		"si de todos modos quiere volver atrás, restaure una copia de seguridad", e.At.Local().Format("02-01-2006 15:04"), strings.Join(e.Changed, ", "))
}

// tableWords names a table's content for UndoChangedError.
var tableWords = map[string]string{
	"communities": "los datos de las comunidades", "units": "las unidades", "people": "las personas",
	"memberships": "los usuarios de las unidades", "secondary_emails": "los correos secundarios",
	"accounts": "las cuentas del portal", "settings": "la configuración", "templates": "las cartas",
	"outbox": "los correos enviados o por enviar",
}

// Undone is an import undone.
type Undone struct {
	At      time.Time       // when the import was made
	Units   data.SyncCounts // what it had done
	Users   data.SyncCounts
	Backup  string // the backup put back ("" on the office database)
	Before  string // the backup of the state just undone ("" on the office database)
	Removed bool   // the import had created the community (office database): it is gone
}

// recordUndo keeps what undoing this import needs (best effort: the
// import is saved whatever happens here).
func (s *Service) recordUndo(ctx context.Context, rep data.SyncReport, backup string) error {
	st, ok := s.Store.(undoStore)
	if !ok {
		return nil
	}
	rec := undoRecord{RunID: rep.ID, Backup: backup, At: time.Now().UTC(), Units: rep.Units, Users: rep.Users}
	var err error
	if rec.After, err = st.ContentHashes(ctx); err != nil {
		return err
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return st.SetSetting(ctx, rep.CommunityID, data.UndoSettingKey, string(b))
}

// UndoLastImport puts the database back as it was before the community's
// last import, from the backup made just before it, as long as nothing
// changed since (in any community: the backup holds them all); otherwise it
// says what changed and refuses (*UndoChangedError). The state undone is
// backed up first, like any restore.
func (s *Service) UndoLastImport(ctx context.Context, community int64) (Undone, error) {
	st, ok := s.Store.(undoStore)
	if !ok {
		return Undone{}, ErrNothingToUndo
	}
	if _, file := AsBackuper(s.Store); !file {
		return s.undoOnOffice(ctx, community)
	}
	v, ok, err := st.Setting(ctx, community, data.UndoSettingKey)
	if err != nil {
		return Undone{}, err
	}
	if !ok {
		return Undone{}, ErrNothingToUndo
	}
	var rec undoRecord
	if err := json.Unmarshal([]byte(v), &rec); err != nil || rec.Backup == "" {
		return Undone{}, ErrNothingToUndo
	}
	now, err := st.ContentHashes(ctx)
	if err != nil {
		return Undone{}, err
	}
	var changed []string
	for t, h := range now {
		if rec.After[t] != h {
			changed = append(changed, t)
		}
	}
	if len(changed) > 0 {
		return Undone{}, changedError(rec.At, changed, false)
	}
	if _, err := os.Stat(rec.Backup); err != nil {
		return Undone{}, fmt.Errorf("no se puede deshacer: la copia previa a la importación ya no está (%s)", rec.Backup)
	}
	// The installation id stays what it is (the backup may predate it).
	id, hasID, _ := st.Setting(ctx, data.Global, data.InstallationSettingKey)
	before, err := st.Restore(ctx, rec.Backup)
	if err != nil {
		return Undone{}, err
	}
	if hasID {
		if _, ok, _ := st.Setting(ctx, data.Global, data.InstallationSettingKey); !ok {
			_ = st.SetSetting(ctx, data.Global, data.InstallationSettingKey, id)
		}
	}
	return Undone{At: rec.At, Units: rec.Units, Users: rec.Users, Backup: rec.Backup, Before: before.Path}, nil
}

// CanUndo says whether the community has an import to undo, and when it
// was made (the window shows «Deshacer última importación» then).
func (s *Service) CanUndo(ctx context.Context, community int64) (time.Time, bool) {
	st, ok := s.Store.(undoStore)
	if !ok {
		return time.Time{}, false
	}
	if _, file := AsBackuper(s.Store); !file {
		o, ok := s.Store.(officeUndoer)
		if !ok {
			return time.Time{}, false
		}
		u, ok, err := o.OfficeUndoInfo(ctx, community)
		return u.At, err == nil && ok
	}
	v, ok, err := st.Setting(ctx, community, data.UndoSettingKey)
	if err != nil || !ok {
		return time.Time{}, false
	}
	var rec undoRecord
	if json.Unmarshal([]byte(v), &rec) != nil || rec.Backup == "" {
		return time.Time{}, false
	}
	return rec.At, true
}
