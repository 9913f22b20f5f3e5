package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backups are whole copies of the database taken with SQLite's online backup
// API (a consistent snapshot, taken while the application keeps working)
// into a backups/ folder beside the database file, named
//
//	<stem>-<UTC time>-<reason>.db   e.g. comunidad-20261127T134500.123Z-sync.db
//
// so that the name alone orders them and says why each was taken, and so
// that the demo database and the user's own, which share a folder, keep
// their backups apart. A backup is written under a hidden temporary name and
// renamed when complete: a file with a backup's name is always a whole one.

// Reasons a backup is taken; the interface translates them.
const (
	ReasonManual        = "manual"      // "Crear copia ahora", comunidad backup create
	ReasonDaily         = "daily"       // the first start of the day
	ReasonSync          = "sync"        // before every sync from Kastor
	ReasonBeforeRestore = "pre-restore" // the current state, before restoring another copy
)

// SettingBackupKeep is the global setting with how many backups to keep.
const SettingBackupKeep = "backup.keep"

// DefaultBackupKeep is how many backups are kept when the setting is unset;
// MaxBackupKeep bounds the setting.
const (
	DefaultBackupKeep = 10
	MaxBackupKeep     = 100
)

// ErrNoBackup means there is no usable backup of the database.
var ErrNoBackup = errors.New("no hay copias de seguridad de esta base de datos")

// ErrServerBackup is what the file's backups answer on the office database:
// its server keeps the backups, Comunidad does not pretend to (Exportar a
// archivo makes a copy that opens in the app).
var ErrServerBackup = errors.New("la base de datos de la oficina la respalda su servidor: Comunidad solo hace copias de seguridad de una base de este equipo (use «Exportar a archivo»)")

// fileOnly refuses the file's backups on a store that is no file.
func (s *Store) fileOnly() error {
	if s.path == "" {
		return ErrServerBackup
	}
	return nil
}

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path   string
	Time   time.Time // when it was taken
	Reason string    // one of the Reason constants (or another word a caller chose)
	Size   int64     // bytes
	// What it holds; set when Err is nil.
	Communities, Units, People int
	// Err is why the file cannot be read; such a backup is not offered for restore.
	Err error
}

// backupLayout is the time in a backup's name: UTC, sortable, millisecond.
const backupLayout = "20060102T150405.000Z"

// backupMu serialises backups and pruning within the process.
var backupMu sync.Mutex

// BackupDir is the folder that holds the backups of the database at dbPath.
func BackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

func backupStem(dbPath string) string {
	base := filepath.Base(dbPath)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// cleanReason keeps a reason usable in a file name: lower-case letters,
// digits and dashes.
func cleanReason(reason string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(reason) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '_':
			b.WriteRune('-')
		}
	}
	if b.Len() == 0 {
		return ReasonManual
	}
	return b.String()
}

// parseBackupName reads the time and reason from a backup's file name, and
// says whether the name is a backup of the database with the given stem.
func parseBackupName(stem, name string) (time.Time, string, bool) {
	rest, ok := strings.CutPrefix(name, stem+"-")
	if !ok || !strings.HasSuffix(rest, ".db") || len(rest) < len(backupLayout)+2 {
		return time.Time{}, "", false
	}
	t, err := time.Parse(backupLayout, rest[:len(backupLayout)])
	if err != nil || rest[len(backupLayout)] != '-' {
		return time.Time{}, "", false
	}
	reason := strings.TrimSuffix(rest[len(backupLayout)+1:], ".db")
	if reason == "" || strings.ContainsAny(reason, ".") {
		return time.Time{}, "", false
	}
	return t, reason, true
}

// Backup copies the open database into its backups folder and then removes
// the oldest backups beyond the number to keep. The copy is a consistent
// snapshot of what is committed; writes may go on meanwhile. Call it before
// any operation that rewrites much of the database (a sync, a restore).
func (s *Store) Backup(ctx context.Context, reason string) (BackupInfo, error) {
	if err := s.fileOnly(); err != nil {
		return BackupInfo{}, err
	}
	backupMu.Lock()
	defer backupMu.Unlock()
	b, err := s.backup(ctx, reason)
	if err != nil {
		return BackupInfo{}, err
	}
	if err := pruneBackups(s.path, s.BackupKeep(ctx), ""); err != nil {
		return b, fmt.Errorf("copia de seguridad: borrar las antiguas: %w", err)
	}
	return b, nil
}

func (s *Store) backup(ctx context.Context, reason string) (BackupInfo, error) {
	dir := BackupDir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("copia de seguridad: %w", err)
	}
	reason = cleanReason(reason)
	now := time.Now().UTC()
	var final string
	for {
		final = filepath.Join(dir, fmt.Sprintf("%s-%s-%s.db", backupStem(s.path), now.Format(backupLayout), reason))
		if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
			break
		}
		now = now.Add(time.Millisecond)
	}
	tmp := filepath.Join(dir, "."+filepath.Base(final)+".tmp")
	info, err := copyDatabase(ctx, s.r.DB, tmp)
	if err != nil {
		removeDB(tmp)
		return BackupInfo{}, fmt.Errorf("copia de seguridad en %s: %w", dir, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		removeDB(tmp)
		return BackupInfo{}, fmt.Errorf("copia de seguridad: %w", err)
	}
	syncDir(dir)
	info.Path, info.Time, info.Reason = final, now, reason
	return info, nil
}

// copyDatabase writes a standalone copy (rollback journal, no -wal file) of
// the database behind src into the new file dest with the backup API, checks
// it and returns what it holds.
func copyDatabase(ctx context.Context, src *sql.DB, dest string) (BackupInfo, error) {
	if err := createPrivate(dest); err != nil {
		return BackupInfo{}, err
	}
	destDB, err := sql.Open("sqlite3", fileDSN(dest, "_journal_mode=DELETE"))
	if err != nil {
		return BackupInfo{}, err
	}
	defer destDB.Close()
	destDB.SetMaxOpenConns(1)
	dc, err := destDB.Conn(ctx)
	if err != nil {
		return BackupInfo{}, err
	}
	defer dc.Close()
	sc, err := src.Conn(ctx)
	if err != nil {
		return BackupInfo{}, err
	}
	defer sc.Close()
	if err := rawBackup(dc, sc); err != nil {
		return BackupInfo{}, err
	}
	// The pages copied carry the source's WAL flag; make the copy a plain
	// single file so it can be opened read-only and copied as it is.
	if _, err := dc.ExecContext(ctx, "PRAGMA journal_mode=DELETE"); err != nil {
		return BackupInfo{}, err
	}
	if err := integrity(ctx, dc); err != nil {
		return BackupInfo{}, damagedCopy(err)
	}
	var b BackupInfo
	if err := countRows(ctx, dc, &b); err != nil {
		return BackupInfo{}, err
	}
	if err := dc.Close(); err != nil {
		return BackupInfo{}, err
	}
	if err := destDB.Close(); err != nil {
		return BackupInfo{}, err
	}
	size, err := syncFile(dest)
	if err != nil {
		return BackupInfo{}, err
	}
	b.Size = size
	return b, nil
}

// syncFile flushes the file at path to disk and returns its size. The file
// is opened for writing: Windows' FlushFileBuffers refuses a read-only
// handle ("Access denied"), where Unix's fsync takes any.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// rawBackup copies the main database of src into dest, all pages in one step
// (one consistent snapshot of src).
func rawBackup(dest, src *sql.Conn) error {
	return dest.Raw(func(d any) error {
		return src.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("backup: not a sqlite3 connection")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1)
			if err != nil {
				b.Finish()
				return err
			}
			if !done {
				b.Finish()
				return errors.New("backup: incomplete")
			}
			return b.Finish()
		})
	})
}

// IntegrityError is a database that fails SQLite's integrity_check (or
// quick_check), with what it found wrong.
type IntegrityError struct {
	Check    string // "integrity check" or "quick check"
	Problems []string
}

func (e *IntegrityError) Error() string { return e.Check + ": " + strings.Join(e.Problems, "; ") }

// integrity runs SQLite's integrity check on q: nil when it says "ok", an
// *IntegrityError with its findings otherwise.
func integrity(ctx context.Context, q Querier) error { return checkPragma(ctx, q, "integrity_check") }

// checkPragma runs PRAGMA pragma (integrity_check or quick_check) on q.
func checkPragma(ctx context.Context, q Querier, pragma string) error {
	msgs, err := queryAll(ctx, q, func(rows scanner) (string, error) {
		var m string
		return m, rows.Scan(&m)
	}, "PRAGMA "+pragma)
	if err != nil {
		return classify(err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return &IntegrityError{Check: strings.ReplaceAll(pragma, "_", " "), Problems: msgs}
}

// damagedCopy says a backup (or the copy being made) fails the check.
func damagedCopy(err error) error {
	var ie *IntegrityError
	if errors.As(err, &ie) {
		return fmt.Errorf("la base de datos está dañada (%w)", err)
	}
	return err
}

func countRows(ctx context.Context, c *sql.Conn, b *BackupInfo) error {
	return c.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM communities), (SELECT count(*) FROM units), (SELECT count(*) FROM people)`).
		Scan(&b.Communities, &b.Units, &b.People)
}

// fileDSN is a connection string for path with extra query parameters.
func fileDSN(path string, params ...string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return fileURI(abs, strings.Join(params, "&"))
}

// openBackup opens a backup read-only, touching nothing on disk.
func openBackup(ctx context.Context, path string) (*sql.DB, *sql.Conn, error) {
	db, err := sql.Open("sqlite3", fileDSN(path, "mode=ro", "immutable=1"))
	if err != nil {
		return nil, nil, err
	}
	c, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, classify(err)
	}
	return db, c, nil
}

// ReadBackup opens one backup read-only and reports what it holds; with
// check it also runs the integrity check (as a restore does).
func ReadBackup(ctx context.Context, path string, check bool) (BackupInfo, error) {
	b := BackupInfo{Path: path}
	if t, reason, ok := parseBackupName(backupStemOf(path), filepath.Base(path)); ok {
		b.Time, b.Reason = t, reason
	}
	st, err := os.Stat(path)
	if err != nil {
		return b, err
	}
	b.Size = st.Size()
	if err := checkFile(path); err != nil && !errors.Is(err, ErrReadOnly) {
		return b, err
	}
	db, c, err := openBackup(ctx, path)
	if err != nil {
		return b, err
	}
	defer db.Close()
	defer c.Close()
	if check {
		if err := integrity(ctx, c); err != nil {
			return b, damagedCopy(err)
		}
	}
	if err := countRows(ctx, c, &b); err != nil {
		return b, classify(err)
	}
	var v int
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return b, classify(err)
	}
	if v > LatestVersion() {
		return b, ErrNewerSchema
	}
	return b, nil
}

// backupStemOf recovers the database stem from a backup's own name: the
// part before the time.
func backupStemOf(path string) string {
	name := filepath.Base(path)
	if len(name) < len(backupLayout)+5 {
		return ""
	}
	for i := len(name) - len(backupLayout) - 4; i > 0; i-- {
		if name[i] == '-' {
			if _, _, ok := parseBackupName(name[:i], name); ok {
				return name[:i]
			}
		}
	}
	return ""
}

// backupFiles lists the backups of dbPath by name alone, newest first.
func backupFiles(dbPath string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(BackupDir(dbPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leer las copias de seguridad: %w", err)
	}
	stem := backupStem(dbPath)
	var out []BackupInfo
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		t, reason, ok := parseBackupName(stem, e.Name())
		if !ok {
			continue
		}
		out = append(out, BackupInfo{Path: filepath.Join(BackupDir(dbPath), e.Name()), Time: t, Reason: reason})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out, nil
}

// ListBackups lists the backups of the database at dbPath, newest first,
// each with what it holds (or the reason it cannot be read). It works
// whether or not the database is open, or even readable.
func ListBackups(ctx context.Context, dbPath string) ([]BackupInfo, error) {
	files, err := backupFiles(dbPath)
	if err != nil {
		return nil, err
	}
	for i := range files {
		b, err := ReadBackup(ctx, files[i].Path, false)
		b.Time, b.Reason, b.Err = files[i].Time, files[i].Reason, err
		files[i] = b
	}
	return files, ctx.Err()
}

// Backups lists the open database's backups, newest first.
func (s *Store) Backups(ctx context.Context) ([]BackupInfo, error) {
	if err := s.fileOnly(); err != nil {
		return nil, err
	}
	return ListBackups(ctx, s.path)
}

// LatestGoodBackup is the newest backup of dbPath that passes the integrity
// check, or ErrNoBackup.
func LatestGoodBackup(ctx context.Context, dbPath string) (BackupInfo, error) {
	files, err := backupFiles(dbPath)
	if err != nil {
		return BackupInfo{}, err
	}
	for _, f := range files {
		b, err := ReadBackup(ctx, f.Path, true)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return BackupInfo{}, ctx.Err()
		}
	}
	return BackupInfo{}, ErrNoBackup
}

// BackupKeep is how many backups to keep (the global setting, or the default).
func (s *Store) BackupKeep(ctx context.Context) int {
	n, err := strconv.Atoi(s.SettingOr(ctx, Global, SettingBackupKeep, ""))
	if err != nil || n < 1 {
		return DefaultBackupKeep
	}
	return min(n, MaxBackupKeep)
}

// SetBackupKeep stores how many backups to keep and removes the extra ones now.
func (s *Store) SetBackupKeep(ctx context.Context, n int) error {
	if n < 1 || n > MaxBackupKeep {
		return &KeepRangeError{N: n, Max: MaxBackupKeep}
	}
	if err := s.SetSetting(ctx, Global, SettingBackupKeep, strconv.Itoa(n)); err != nil {
		return err
	}
	backupMu.Lock()
	defer backupMu.Unlock()
	return pruneBackups(s.path, n, "")
}

// pruneBackups removes the oldest backups of dbPath beyond keep (never
// except), and temporary files that interrupted backups left behind.
func pruneBackups(dbPath string, keep int, except string) error {
	files, err := backupFiles(dbPath)
	if err != nil {
		return err
	}
	var errs []error
	kept := 0
	for _, f := range files {
		if f.Path == except {
			continue
		}
		kept++
		if kept > keep {
			if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	// A backup killed half way leaves .<name>.tmp; one from another process
	// may be in progress, so only old ones go.
	tmps, _ := filepath.Glob(filepath.Join(BackupDir(dbPath), "."+backupStem(dbPath)+"-*.tmp*"))
	for _, t := range tmps {
		if st, err := os.Stat(t); err == nil && time.Since(st.ModTime()) > time.Hour {
			os.Remove(t)
		}
	}
	return errors.Join(errs...)
}

// BackupIfDue takes a backup with the given reason when the newest one is
// older than maxAge (or there is none), so that a day's work is never lost
// to a mistake. An empty database (no community yet) is not backed up.
func (s *Store) BackupIfDue(ctx context.Context, reason string, maxAge time.Duration) (BackupInfo, bool, error) {
	if err := s.fileOnly(); err != nil {
		return BackupInfo{}, false, err
	}
	files, err := backupFiles(s.path)
	if err != nil {
		return BackupInfo{}, false, err
	}
	if len(files) > 0 && time.Since(files[0].Time) < maxAge {
		return BackupInfo{}, false, nil
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM communities").Scan(&n); err != nil {
		return BackupInfo{}, false, err
	}
	if n == 0 {
		return BackupInfo{}, false, nil
	}
	b, err := s.Backup(ctx, reason)
	return b, err == nil, err
}

// Restore replaces the whole open database with the backup at path, after
// checking the backup and taking a backup of the current state first (which
// it returns, so the user can go back). Other connections see the restored
// data as one change; an older backup is brought up to the current schema.
func (s *Store) Restore(ctx context.Context, path string) (before BackupInfo, err error) {
	if err := s.fileOnly(); err != nil {
		return BackupInfo{}, err
	}
	if _, err := ReadBackup(ctx, path, true); err != nil {
		return BackupInfo{}, fmt.Errorf("restaurar %s: %w", filepath.Base(path), err)
	}
	backupMu.Lock()
	defer backupMu.Unlock()
	before, err = s.backup(ctx, ReasonBeforeRestore)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("restaurar: no se pudo respaldar el estado actual, no se restauró nada: %w", err)
	}
	// The backup being restored stays even when it is the oldest.
	if err := pruneBackups(s.path, s.BackupKeep(ctx), path); err != nil {
		return before, err
	}
	srcDB, sc, err := openBackup(ctx, path)
	if err != nil {
		return before, fmt.Errorf("restaurar %s: %w", filepath.Base(path), err)
	}
	defer srcDB.Close()
	defer sc.Close()
	dc, err := s.w.Conn(ctx)
	if err != nil {
		return before, fmt.Errorf("restaurar: %w", err)
	}
	defer dc.Close()
	if err := rawBackup(dc, sc); err != nil {
		return before, fmt.Errorf("restaurar %s: %w", filepath.Base(path), err)
	}
	// The pages came from a rollback-journal file: keep this one in WAL.
	if _, err := dc.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		return before, fmt.Errorf("restaurar: %w", err)
	}
	dc.Close()
	if err := s.migrate(ctx); err != nil {
		return before, fmt.Errorf("restaurar: actualizar el esquema: %w", err)
	}
	return before, nil
}

// RecoverFromBackup is for a database that cannot be used (it fails the
// integrity check, or does not open): it moves the file (and its -wal and
// -shm) aside under a name saying so, kept for support, and puts a copy of
// the backup at dbPath. The database must not be open. It returns the name
// the damaged file was moved to.
func RecoverFromBackup(ctx context.Context, dbPath, backupPath string) (string, error) {
	if _, err := ReadBackup(ctx, backupPath, true); err != nil {
		return "", fmt.Errorf("recuperar desde %s: %w", filepath.Base(backupPath), err)
	}
	aside := fmt.Sprintf("%s.danada-%s", dbPath, time.Now().UTC().Format("20060102T150405Z"))
	tmp := filepath.Join(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".restore.tmp")
	if err := copyFile(backupPath, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("recuperar: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		if err := os.Rename(dbPath, aside); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("recuperar: apartar la base dañada: %w", err)
		}
	} else {
		aside = ""
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(dbPath + suffix); err == nil {
			if aside != "" {
				os.Rename(dbPath+suffix, aside+suffix)
			} else {
				os.Remove(dbPath + suffix)
			}
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return aside, fmt.Errorf("recuperar: %w", err)
	}
	syncDir(filepath.Dir(dbPath))
	return aside, nil
}

func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeDB removes a database file and its journals.
func removeDB(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// syncDir makes a rename in dir durable (a no-op where directories cannot
// be synced).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
