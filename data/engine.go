package data

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// DB is a pool of connections to the store's database that speaks the
// store's engine: the repository's queries are written once, with SQLite's
// placeholders (? and ?N), and on PostgreSQL they reach the server as $N.
// Everything else is *sql.DB's.
type DB struct {
	*sql.DB
	pg    bool
	token string // PostgreSQL: the store's mark on its notifications (live.go)
}

// DBTx is one transaction on a DB, with the same translation.
type DBTx struct {
	*sql.Tx
	pg    bool
	token string
}

func bindFor(pg bool, q string) string {
	if pg {
		return rebind(q)
	}
	return q
}

func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, bindFor(d.pg, q), args...)
}

func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, bindFor(d.pg, q), args...)
}

func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, bindFor(d.pg, q), args...)
}

func (d *DB) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return d.DB.PrepareContext(ctx, bindFor(d.pg, q))
}

func (d *DB) Exec(q string, args ...any) (sql.Result, error) {
	return d.ExecContext(context.Background(), q, args...)
}

func (d *DB) Query(q string, args ...any) (*sql.Rows, error) {
	return d.QueryContext(context.Background(), q, args...)
}

func (d *DB) QueryRow(q string, args ...any) *sql.Row {
	return d.QueryRowContext(context.Background(), q, args...)
}

// BeginTx starts a transaction that translates like d.
func (d *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*DBTx, error) {
	tx, err := d.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &DBTx{Tx: tx, pg: d.pg, token: d.token}, nil
}

// Begin is BeginTx with the background context.
func (d *DB) Begin() (*DBTx, error) { return d.BeginTx(context.Background(), nil) }

func (t *DBTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, bindFor(t.pg, q), args...)
}

func (t *DBTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, bindFor(t.pg, q), args...)
}

func (t *DBTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, bindFor(t.pg, q), args...)
}

func (t *DBTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, bindFor(t.pg, q))
}

func (t *DBTx) Exec(q string, args ...any) (sql.Result, error) {
	return t.ExecContext(context.Background(), q, args...)
}

// Postgres says whether the transaction runs on PostgreSQL.
func (t *DBTx) Postgres() bool { return t.pg }

// rebind turns SQLite's placeholders into PostgreSQL's: each ? becomes the
// next $N, ?N becomes $N. Question marks inside string literals, quoted
// identifiers and comments are left alone.
func rebind(q string) string {
	if !strings.ContainsRune(q, '?') {
		return q
	}
	var sb strings.Builder
	sb.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				sb.WriteString(q[i:])
				return sb.String()
			}
			sb.WriteString(q[i : i+j+2])
			i += j + 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				sb.WriteString(q[i:])
				return sb.String()
			}
			sb.WriteString(q[i : i+j+1])
			i += j
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			sb.WriteByte('$')
			if j > i+1 {
				sb.WriteString(q[i+1 : j])
			} else {
				n++
				sb.WriteString(strconv.Itoa(n))
			}
			i = j - 1
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// insertID runs an INSERT of one row and returns the id the database gave
// it (RETURNING, which both engines have: PostgreSQL has no LastInsertId).
func insertID(ctx context.Context, q Querier, insert string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, insert+` RETURNING id`, args...).Scan(&id)
	return id, err
}

// tables lists the schema's tables (the application's, not the engine's
// own nor the schema version's), by name.
func (s *Store) tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.w.pg {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'
			ORDER BY table_name`
	}
	return queryAll(ctx, s.r, scanString, q)
}

// scanString reads a row of one text column.
func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// idTables are the tables whose rows have an id the database gives.
var idTables = []string{"communities", "units", "people", "secondary_emails", "accounts", "templates", "sync_runs", "outbox"}

// ResyncIDs makes the ids the database gives next follow the highest ones
// in each table, after rows were written with ids of their own (a copy from
// another database, a test's fixture). SQLite does that by itself;
// PostgreSQL's identity sequences do not, and would give a taken id.
func (s *Store) ResyncIDs(ctx context.Context) error { return resyncIDs(ctx, s.w, s.w.pg) }

func resyncIDs(ctx context.Context, q Querier, pg bool) error {
	if !pg {
		return nil
	}
	for _, t := range idTables {
		if _, err := q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
			return fmt.Errorf("ids de %s: %w", t, err)
		}
	}
	return nil
}

// limitSQL is a LIMIT clause for at most n rows, none when n <= 0 (SQLite
// reads LIMIT -1 as no limit; PostgreSQL refuses it).
func limitSQL(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(n)
}
