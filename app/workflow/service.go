package workflow

import (
	"context"
	"crypto/tls"
	"errors"

	"comunidad/app/kastor"
	"comunidad/app/mailer"
	"comunidad/app/userfile"
	"comunidad/data"
)

// Store is what the workflows read and write: the pieces the packages they
// run declare where they use them (kastor.Store, mailer.Store,
// userfile.Store, which holds letter's) and the few calls of their own.
// *data.Store, the embedded SQLite database, is one; what only a database
// file can do is asked of it through the optional Backuper and Located.
type Store interface {
	kastor.Store
	mailer.Store
	userfile.Store
	Communities(ctx context.Context) ([]data.Community, error)
	Community(ctx context.Context, id int64) (data.Community, error)
	UpdateCommunity(ctx context.Context, c data.Community) error
	SetCommunitySource(ctx context.Context, community int64, source string) error
	CommunityByName(ctx context.Context, name string) (data.Community, error)
	RetryOutbox(ctx context.Context, community int64, ids []int64) ([]int64, error)
	RetryUncertainOutbox(ctx context.Context, community, id int64) (ok bool, err error)
	PlanAccounts(ctx context.Context, community int64, unitIDs []int64) (data.AccountsReport, error)
	Newcomers(ctx context.Context, community int64) ([]data.MemberKey, error)
	// InstallationID is the database's own identity: the credentials and
	// the window's preferences for it are kept under it, wherever it is.
	InstallationID(ctx context.Context) (string, error)
}

// Backuper is a store that keeps backups of itself (the SQLite file's, in
// backups/ beside it).
type Backuper interface {
	Backup(ctx context.Context, reason string) (data.BackupInfo, error)
	Backups(ctx context.Context) ([]data.BackupInfo, error)
	BackupKeep(ctx context.Context) int
	SetBackupKeep(ctx context.Context, n int) error
	Restore(ctx context.Context, path string) (before data.BackupInfo, err error)
}

// Located is a store that is a file: its credential store's fallback file
// (secrets.json) sits beside it, and the credentials kept before
// installation ids (bare keys such as «smtp.password:1») may be its own.
type Located interface{ Path() string }

// engined is a store that says which engine it runs on (data.Store.Engine).
type engined interface{ Engine() string }

// onFile reports whether st is a database file: a store that says it runs
// on another engine (the office's PostgreSQL) is none, even though its type
// has the file's methods.
func onFile(st any) bool {
	e, ok := st.(engined)
	return !ok || e.Engine() == data.EngineSQLite
}

// AsBackuper is st as a Backuper when it keeps backups of itself: a file's
// store; an office database's server keeps its own, and the app does not
// pretend to back it up.
func AsBackuper(st any) (Backuper, bool) {
	b, ok := st.(Backuper)
	return b, ok && onFile(st)
}

// AsLocated is st as a Located when it is a database file.
func AsLocated(st any) (Located, bool) {
	l, ok := st.(Located)
	return l, ok && onFile(st)
}

// ErrNoSecrets is a secret to keep for a store that is no file and was
// given no credential store (Service.Secrets).
var ErrNoSecrets = errors.New("no hay un almacén de credenciales para esta base de datos")

// ErrNoBackups is a backup asked of a store that keeps none of itself.
var ErrNoBackups = errors.New("esta base de datos no guarda copias de seguridad propias")

var (
	_ Store    = (*data.Store)(nil)
	_ Backuper = (*data.Store)(nil)
	_ Located  = (*data.Store)(nil)
)

// Service runs the workflows on one database.
type Service struct {
	Store Store
	// Secrets holds the SMTP passwords and the Kastor URL tokens of every
	// database of the user (Credentials keys them by installation); nil
	// uses the credential store of a file store (mailer.OpenSecrets beside
	// it), and a store that is no file then has none (ErrNoSecrets).
	Secrets mailer.Secrets
	// Demo is set for the demo database: the credentials kept before
	// installation ids, under keys it shared with the user's database, are
	// the user's database's, and the demo takes none of them.
	Demo bool
	// TLSConfig adds to the SMTP connection's TLS settings (tests trust
	// their own server's certificate with it); nil in the product.
	TLSConfig *tls.Config
}

// New is the service on st, with the installation's credential store.
func New(st Store) *Service { return &Service{Store: st} }

func (s *Service) backuper() (Backuper, error) {
	if b, ok := AsBackuper(s.Store); ok {
		return b, nil
	}
	return nil, ErrNoBackups
}
