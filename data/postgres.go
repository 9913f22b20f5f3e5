package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// The engines a Store runs on (Store.Engine).
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Engine says which database the store runs on: EngineSQLite (a file on
// this computer) or EnginePostgres (an office server). What only a file can
// do (the instance lock, the integrity check, backups and secrets beside
// the file) applies to EngineSQLite alone.
func (s *Store) Engine() string {
	if s.engine == "" {
		return EngineSQLite
	}
	return s.engine
}

// OpenPostgres opens the office database at dsn (a postgres:// URL or a
// libpq key=value string) and brings its schema up to date; a schema newer
// than this build is refused (ErrNewerSchema) and left untouched. The
// store's reads and writes share one pool of connections: the server, not
// a single writer, keeps many desktops' writes apart.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	return OpenPostgresPassword(ctx, dsn, "")
}

// OpenPostgresPassword is OpenPostgres with the password given apart (kept
// in the credential store, never in the address); "" leaves dsn's own, or
// PGPASSWORD's, or none.
func OpenPostgresPassword(ctx context.Context, dsn, password string) (*Store, error) {
	db, pool, err := openPostgresSchema(ctx, dsn, password)
	if err != nil {
		return nil, err
	}
	w := &DB{DB: db, pg: true, token: newToken()}
	return &Store{engine: EnginePostgres, dsn: dsn, w: w, r: w, pool: pool, token: w.token, closed: make(chan struct{})}, nil
}

// MigratePostgres brings the schema of the office database at dsn up to
// date, as OpenPostgres does, and closes its connections.
func MigratePostgres(dsn string) error {
	db, pool, err := openPostgresSchema(context.Background(), dsn, "")
	if err != nil {
		return err
	}
	db.Close()
	pool.Close()
	return nil
}

// Source is what the store was opened from, to open it again (another
// process, a test's child): the file's path, or the office database's
// connection string as given, password included. It is never shown: show
// Path, or officedb.Redact of it.
func (s *Store) Source() string {
	if s.Engine() == EnginePostgres {
		return s.dsn
	}
	return s.path
}

// pgMigrationsDir holds PostgreSQL's own migrations. They share SQLite's
// version numbers: a version means the same schema on both engines.
const pgMigrationsDir = "migrations_pg"

// pgSchemaLock is the advisory lock key under which a desktop brings the
// office database's schema up to date, so two desktops starting at once do
// not both migrate it.
const pgSchemaLock = 0x636f6d756e696461 // "comunida"

// openPostgresSchema connects to the PostgreSQL database dsn names and
// brings its schema up to date, in one transaction, under an advisory lock.
// A database whose schema is newer than this build is refused with
// ErrNewerSchema wrapped and left untouched; a connection that fails is
// returned wrapped (a *pgconn.PgError or a net error inside).
// ConnectTimeout bounds each new connection to the office database, from
// the dial to the server's first answer (TLS and the password included),
// when the address names none (connect_timeout). Without it, a server that
// accepts the connection and never answers (hung, or a half-open network
// path) would keep a starting window from appearing, and a command from
// ending, for as long as the operating system waits.
var ConnectTimeout = 10 * time.Second

func openPostgresSchema(ctx context.Context, dsn, password string) (*sql.DB, *pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("abrir la base de datos de la oficina: %w", err)
	}
	if password != "" {
		cfg.ConnConfig.Password = password
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	// A connection taken from the pool after a while idle is asked first
	// whether the server is still there; one dropped without a word (a
	// laptop that slept, a router that forgot it) would otherwise keep the
	// asker waiting as long as the system does. It is thrown away after
	// this long, and another one made.
	cfg.PingTimeout = livePingTimeout
	cfg.ConnConfig.DialFunc = dialOffice
	// Who this desktop is, for the server's list of connections and for
	// another desktop told who holds an import (lockImportOf).
	if _, set := cfg.ConnConfig.RuntimeParams["application_name"]; !set {
		cfg.ConnConfig.RuntimeParams["application_name"] = appName()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("abrir la base de datos de la oficina: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return nil, nil, fmt.Errorf("abrir la base de datos de la oficina %s: %w", cfg.ConnConfig.Host, err)
	}
	if err := migratePostgres(ctx, db); err != nil {
		db.Close()
		pool.Close()
		return nil, nil, fmt.Errorf("abrir la base de datos de la oficina %s: %w", cfg.ConnConfig.Host, err)
	}
	return db, pool, nil
}

// LatestPostgresVersion is the PostgreSQL schema version this build creates
// and understands; it equals LatestVersion.
func LatestPostgresVersion() int {
	ms := migrationsIn(pgMigrationsDir)
	return ms[len(ms)-1].version
}

// postgresSchemaVersion is the version recorded in the database, 0 when it
// has no schema yet.
func postgresSchemaVersion(ctx context.Context, q Querier) (int, error) {
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	return int(v.Int64), err
}

// migratePostgres applies every migration newer than the database in one
// transaction, together with the version it reaches.
func migratePostgres(ctx context.Context, db *sql.DB) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgSchemaLock)); err != nil {
		return fmt.Errorf("esquema: %w", err)
	}
	if _, err = tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`); err != nil {
		return fmt.Errorf("esquema: %w", err)
	}
	cur, err := postgresSchemaVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("esquema: %w", err)
	}
	latest := LatestPostgresVersion()
	if cur > latest {
		return fmt.Errorf("%w (versión del esquema %d, esta versión entiende hasta la %d): actualice Comunidad", ErrNewerSchema, cur, latest)
	}
	for _, m := range migrationsIn(pgMigrationsDir) {
		if m.version <= cur {
			continue
		}
		if _, err = tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migración %s: %w", m.name, err)
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, m.version); err != nil {
			return fmt.Errorf("migración %s: %w", m.name, err)
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("esquema: %w", err)
	}
	return nil
}
