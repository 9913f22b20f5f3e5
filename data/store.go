package data

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFS embed.FS

// Errors Open returns for a file it will not use. The file is left untouched.
var (
	ErrNotDatabase = errors.New("el archivo no es una base de datos de SQLite")
	ErrReadOnly    = errors.New("el archivo es de solo lectura")
	ErrNewerSchema = errors.New("la base de datos fue creada por una versión más nueva de Comunidad")
)

// Store is the application's database: one writer connection and a pool of
// query-only readers on the same file.
type Store struct {
	engine string        // EngineSQLite or EnginePostgres
	path   string        // SQLite: the file
	dsn    string        // PostgreSQL: the connection string it was opened with
	w      *DB           // SQLite: exactly one connection, every write goes through it
	r      *DB           // SQLite: query-only connections for listings (PostgreSQL: w)
	pool   *pgxpool.Pool // PostgreSQL: the connections under w
	token  string        // PostgreSQL: w's mark on its notifications (live.go)
	closed chan struct{} // PostgreSQL: closed by Close, ends Watch
	once   sync.Once
}

// sqliteHeader starts every SQLite 3 database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// Open opens (creating it if needed) the database at path and brings its
// schema up to date. A file that is not SQLite, is read-only, or was made by a
// newer version of the application is refused and left exactly as it was.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: no path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := checkFile(abs); err != nil {
		return nil, fmt.Errorf("abrir %s: %w", abs, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	// Refuse a newer schema before anything (even switching to WAL) writes to the file.
	if v, err := fileSchemaVersion(ctx, abs); err != nil {
		return nil, fmt.Errorf("abrir %s: %w", abs, err)
	} else if v > LatestVersion() {
		return nil, fmt.Errorf("abrir %s: %w (versión del esquema %d, esta versión entiende hasta la %d): actualice Comunidad", abs, ErrNewerSchema, v, LatestVersion())
	}

	if err := createPrivate(abs); err != nil {
		return nil, fmt.Errorf("abrir %s: %w", abs, err)
	}
	wdb, err := sql.Open("sqlite3", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	w := &DB{DB: wdb}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("abrir %s: %w", abs, classify(err))
	}
	s := &Store{engine: EngineSQLite, path: abs, w: w}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("abrir %s: %w", abs, classify(err))
	}
	r, err := sql.Open("sqlite3", dsn(abs, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	r.SetMaxOpenConns(4)
	s.r = &DB{DB: r}
	return s, nil
}

// dsn builds the connection string: WAL, foreign keys on, a busy timeout,
// write transactions that take the lock up front (no deadlock on upgrade).
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "on")
	} else {
		q.Set("_txlock", "immediate")
	}
	return fileURI(abs, q.Encode())
}

// checkFile refuses, without writing anything, a path that exists but is not
// a SQLite database or that the user cannot write.
func checkFile(abs string) error {
	info, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.IsDir() {
		return fmt.Errorf("%w: es una carpeta", ErrNotDatabase)
	}
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	head := make([]byte, len(sqliteHeader))
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n > 0 && (n < len(sqliteHeader) || !bytes.Equal(head, sqliteHeader)) {
		return ErrNotDatabase
	}
	// The permission bits decide even for root, who could write anyway:
	// a file the user marked read-only is not ours to change.
	if info.Mode().Perm()&0o222 == 0 {
		return ErrReadOnly
	}
	rw, err := os.OpenFile(abs, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return ErrReadOnly
		}
		return err
	}
	return rw.Close()
}

// fileSchemaVersion reads user_version through a read-only connection, so a
// database we are about to refuse is not modified.
func fileSchemaVersion(ctx context.Context, abs string) (int, error) {
	if info, err := os.Stat(abs); err != nil || info.Size() == 0 {
		return 0, nil
	}
	db, err := sql.Open("sqlite3", fileURI(abs, "mode=ro"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, classify(err)
	}
	return v, nil
}

// classify turns SQLite's own wording into the errors callers test for.
func classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database"), strings.Contains(msg, "file is encrypted"):
		return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
	case strings.Contains(msg, "readonly database"), strings.Contains(msg, "read-only"):
		return fmt.Errorf("%w (%v)", ErrReadOnly, err)
	}
	return err
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	var errR error
	if s.r != nil && s.r != s.w {
		errR = s.r.Close()
	}
	if s.closed != nil {
		s.once.Do(func() { close(s.closed) })
	}
	err := errors.Join(s.w.Close(), errR)
	if s.pool != nil {
		// Each connection is told goodbye and given up to 15 s (pgxpool's
		// own limit) to answer; one the network dropped without a word never
		// answers. The store does not wait for those: the process ending,
		// or the pool in the background, closes them.
		closed := make(chan struct{})
		go func() { s.pool.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(poolCloseWait):
		}
	}
	return err
}

// poolCloseWait is how long Close waits for the office database's
// connections to say goodbye.
const poolCloseWait = 2 * time.Second

// Writer and Reader expose the two pools to packages that need their own
// statements (the sync and the outbox keep theirs next to their logic).
func (s *Store) Writer() *DB { return s.w }
func (s *Store) Reader() *DB { return s.r }

// Querier is what *sql.DB and *sql.Tx have in common.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs fn inside one write transaction: everything fn did is committed
// when it returns nil, and nothing is left behind when it returns an error,
// panics, or ctx is cancelled.
func (s *Store) Tx(ctx context.Context, fn func(tx *DBTx) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations are SQLite's, in version order.
func migrations() []migration { return migrationsIn("migrations") }

// migrationsIn reads the embedded migrations of one folder, in version order.
func migrationsIn(dir string) []migration {
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			panic("data: badly named migration " + e.Name())
		}
		b, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

// LatestVersion is the schema version this build creates and understands.
func LatestVersion() int {
	ms := migrations()
	return ms[len(ms)-1].version
}

// SchemaVersion is the version the open database is at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	if s.w.pg {
		return postgresSchemaVersion(ctx, s.w)
	}
	var v int
	err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// migrate applies, each in its own transaction together with the version
// bump, every migration newer than the database.
func (s *Store) migrate(ctx context.Context) error {
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	for _, m := range migrations() {
		if m.version <= cur {
			continue
		}
		err := s.Tx(ctx, func(tx *DBTx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil when it says
// "ok", an *IntegrityError with what it found otherwise.
func (s *Store) IntegrityCheck(ctx context.Context) error { return integrity(ctx, s.w) }

// QuickCheck is SQLite's quick_check: IntegrityCheck without matching the
// indexes to their tables, in a fraction of the time. The commands run it
// on every database they open.
func (s *Store) QuickCheck(ctx context.Context) error { return checkPragma(ctx, s.w, "quick_check") }
