package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
)

// Many writers. On SQLite one connection writes at a time, so a rule that
// reads and then writes (at most five added users per unit, one person per
// email, a template name once, one import at a time) holds by itself. On
// PostgreSQL several desktops write at once: a transaction that applies
// such a rule first locks its community's row, so the writes of one
// community take turns while different communities do not wait for each
// other; an import also holds an advisory lock on its community, tried
// without waiting, so that the second desktop is told who holds it.

// Advisory lock namespaces (the first key of the two-key form).
const (
	lockImport     = 0x636f6d01 // one import at a time per community (objid: its id)
	lockImportName = 0x636f6d02 // ... per community name not created yet (objid: hashtext of its name)
	lockOutbox     = 0x636f6d03 // AcquireOutbox's read-then-write, per community
)

// lockCommunity makes the transaction the community's only writer until it
// ends (PostgreSQL; SQLite's single writer already is).
func lockCommunity(ctx context.Context, tx *DBTx, community int64) error {
	if !tx.pg {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT id FROM communities WHERE id = ? FOR UPDATE`, community); err != nil {
		return fmt.Errorf("bloquear la comunidad %d: %w", community, err)
	}
	// Whoever writes a community under this lock changes what windows
	// show of it (live.go).
	return notifyCommunity(ctx, tx, community)
}

// lockUnitsCommunity is lockCommunity for the community of a unit.
func lockUnitsCommunity(ctx context.Context, tx *DBTx, unitID int64) error {
	if !tx.pg {
		return nil
	}
	var community int64
	if err := tx.QueryRowContext(ctx, `SELECT c.id FROM communities c JOIN units u ON u.community_id = c.id WHERE u.id = ? FOR UPDATE OF c`, unitID).Scan(&community); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such unit: the caller says so
		}
		return fmt.Errorf("bloquear la comunidad de la unidad %d: %w", unitID, err)
	}
	return notifyCommunity(ctx, tx, community)
}

// ImportBusyError is an import of a community another desktop is importing.
type ImportBusyError struct {
	Community string
	User      string // the OS user of the desktop importing, "" when unknown
	Host      string // its computer's name
}

func (e *ImportBusyError) Error() string {
	who := e.User
	if who == "" {
		who = "Otra persona"
	}
	from := ""
	if e.Host != "" {
		from = " desde " + e.Host
	}
	return fmt.Sprintf("%s está importando %s%s: espere a que termine e intente de nuevo", who, e.Community, from)
}

// ErrImportBusy is what every ImportBusyError is (errors.Is).
var ErrImportBusy = errors.New("otra importación de esta comunidad está en curso")

func (e *ImportBusyError) Is(target error) bool { return target == ErrImportBusy }

// lockForImport makes the transaction the community's one import (another
// desktop importing it is told who: ImportBusyError) and its only writer:
// the community's other writes (an added user) wait for it (PostgreSQL).
func lockForImport(ctx context.Context, tx *DBTx, c Community) error {
	if err := lockImportOf(ctx, tx, c.ID, c.Name); err != nil {
		return err
	}
	return lockCommunity(ctx, tx, c.ID)
}

// lockImportOf takes, without waiting, the import lock of a community (by
// id, or by name while it does not exist yet) for the rest of the
// transaction; held by another desktop, it says who (ImportBusyError).
func lockImportOf(ctx context.Context, tx *DBTx, id int64, name string) error {
	if !tx.pg {
		return nil
	}
	// The lock's two keys: the namespace, and the community's id or, for a
	// name, the server's hash of it (an int4, as the id).
	ns, key := int64(lockImport), id
	if id == 0 {
		ns = lockImportName
		if err := tx.QueryRowContext(ctx, `SELECT hashtext(lower(CAST(? AS TEXT)))`, name).Scan(&key); err != nil {
			return fmt.Errorf("bloquear la importación: %w", err)
		}
	}
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))`, ns, key).Scan(&ok); err != nil {
		return fmt.Errorf("bloquear la importación: %w", err)
	}
	if ok {
		return nil
	}
	// pg_locks shows the keys as unsigned 32-bit oids.
	busy := &ImportBusyError{Community: name}
	var app string
	if err := tx.QueryRowContext(ctx, `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND CAST(l.classid AS BIGINT) = ? AND CAST(l.objid AS BIGINT) = ? LIMIT 1`,
		ns, uint32(key)).Scan(&app); err == nil {
		busy.User, busy.Host = parseAppName(app)
	}
	return busy
}

// appNamePrefix starts the application_name every connection of this
// program gives the server, followed by user@host: who holds a lock is read
// back from it (pg_stat_activity), and a server's administrator sees it.
const appNamePrefix = "Comunidad "

// Who is this desktop as the database records it: the operating system's
// user (without its Windows domain) and the computer's name.
func Who() (userName, host string) {
	if u, err := user.Current(); err == nil {
		userName = u.Username
		if i := strings.LastIndexAny(userName, `\/`); i >= 0 {
			userName = userName[i+1:]
		}
	}
	host, _ = os.Hostname()
	return userName, host
}

// appName is application_name for this desktop (at most 63 bytes, as the
// server keeps).
func appName() string {
	s := appNamePrefix + WhoText()
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}

func parseAppName(s string) (userName, host string) {
	rest, ok := strings.CutPrefix(s, appNamePrefix)
	if !ok {
		return "", ""
	}
	return SplitWho(rest)
}

// WhoText is this desktop as a row records it: «ana@PC-ADMIN2».
func WhoText() string {
	u, h := Who()
	return u + "@" + h
}

// SplitWho takes a recorded WhoText apart; either part may be "".
func SplitWho(who string) (userName, host string) {
	u, h, _ := strings.Cut(who, "@")
	return u, h
}

// DescribeWho is a recorded WhoText as a person reads it, with join
// between the user and the computer («ana en PC-ADMIN2»; "" for none, the
// one part alone when the other is missing).
func DescribeWho(who string, join func(userName, host string) string) string {
	u, h := SplitWho(who)
	switch {
	case u == "" || h == "":
		return u + h
	}
	return join(u, h)
}
