package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"comunidad/app/ui"
	"comunidad/data"
)

// One window per database. The window takes an exclusive lock on a file
// beside the database (<db>.lock) and holds it until the process ends; the
// operating system drops it when the process dies, even when killed, so a
// crash never leaves a stale lock behind. A second launch on the same
// database finds it taken and says so instead of writing alongside the first.

// errAlreadyOpen is a database another Comunidad process holds.
type errAlreadyOpen struct {
	db     string
	holder holder // who, when the lock file says
}

func (e errAlreadyOpen) Error() string {
	if e.holder.command != "" {
		return fmt.Sprintf("La base de datos %s la está modificando el comando «comunidad %s» (%s): "+
			"espere a que termine e intente de nuevo.", e.db, e.holder.command, e.holder.process())
	}
	who := ""
	if p := e.holder.process(); p != "" {
		who = " (" + p + ")"
	}
	return fmt.Sprintf("Comunidad ya está abierta con esta base de datos en otra ventana%s: %s. "+
		"Use esa ventana, o ciérrela antes de abrir otra: dos ventanas escribiendo en la misma base podrían perder cambios.", who, e.db)
}

// windowHolder is what the lock file says for a window; a command writes
// its own name ("letters send").
const windowHolder = "ventana"

// holder is who holds a database's lock, as its lock file says: "pid
// time what".
type holder struct {
	pid     string
	since   time.Time
	command string // "letters send"; "" for a window (or an older lock file)
}

// window says whether the lock file names a window as the holder.
func (h holder) window() bool { return h.pid != "" && h.command == "" }

// process is "proceso 1234, desde el 27-11-2026 15:04", or "".
func (h holder) process() string {
	switch {
	case h.pid == "":
		return ""
	case h.since.IsZero():
		return "proceso " + h.pid
	}
	return fmt.Sprintf("proceso %s, desde el %s", h.pid, h.since.Format("02-01-2006 15:04"))
}

// writeHolder records in the lock file that this process holds it, for
// what (windowHolder or a command's name). Best effort: on Windows the
// locked file cannot be written through another handle, and the messages
// then go without it.
func writeHolder(lp, what string) {
	_ = os.WriteFile(lp, []byte(fmt.Sprintf("%d %s %s\n", os.Getpid(), time.Now().Format(time.RFC3339), what)), 0o600)
}

var (
	locksMu sync.Mutex
	locks   = map[string]heldLocks{} // held by this process, by <real db>.lock
)

func lockPath(dbPath string) string { return dbPath + ".lock" }

// lockDatabase takes the instance lock of the database at dbPath for the
// rest of the process (a no-op when this process holds it already). The
// lock follows the real file: a symlink or a hard link to a database open
// elsewhere is refused like its own name (lock_identity.go).
func lockDatabase(dbPath string) error {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	real, err := realPath(abs)
	if err != nil {
		return fmt.Errorf("abrir %s: %w", abs, err)
	}
	lp := lockPath(real)
	locksMu.Lock()
	defer locksMu.Unlock()
	if _, ok := locks[lp]; ok {
		return nil
	}
	held, busy, err := takeLocks(real)
	if err != nil {
		return fmt.Errorf("no se pudo bloquear %s para esta ventana: %w", abs, err)
	}
	if busy != "" {
		return errAlreadyOpen{db: abs, holder: lockHolder(busy)}
	}
	locks[lp] = held
	held.writeHolders(windowHolder) // who holds it, for the message a second launch shows
	return nil
}

// lockWait is how long a window waits at start for a command that holds its
// database (a backup, a send from the command line, a scheduled sync): they
// are short, and a window that gave up at once would show an error screen
// for a database free a second later.
var lockWait = 5 * time.Second

// lockForWindow is lockDatabase for a window: while a command holds the
// database, or someone the lock file does not name (on Windows it cannot
// be read while locked), it tries again until lockWait has passed. Another
// window is refused at once; its lock file is read twice first, because a
// command that has just taken the lock may not have written its name yet
// over the last window's.
func lockForWindow(ctx context.Context, path string) error {
	deadline := time.Now().Add(lockWait)
	notice, _ := ctx.Value(waitNoticeKey{}).(func(string))
	for attempt := 0; ; attempt++ {
		err := lockDatabase(path)
		var busy errAlreadyOpen
		if !errors.As(err, &busy) || time.Now().After(deadline) ||
			(busy.holder.window() && attempt > 0) {
			return err
		}
		if notice != nil && !busy.holder.window() {
			notice(busy.holder.command) // the starting window says what it waits for
			notice = nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type waitNoticeKey struct{}

// withWaitNotice makes lockForWindow tell notice, once, when it starts to
// wait for a command that holds the database: its name ("backup create"),
// "" when the lock file does not say.
func withWaitNotice(ctx context.Context, notice func(command string)) context.Context {
	return context.WithValue(ctx, waitNoticeKey{}, notice)
}

// lockHolder reads who holds a lock from its file ("pid time what").
func lockHolder(lp string) holder {
	b, err := os.ReadFile(lp)
	if err != nil {
		return holder{}
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return holder{}
	}
	if _, err := strconv.Atoi(f[0]); err != nil {
		return holder{}
	}
	h := holder{pid: f[0]}
	if len(f) > 1 {
		h.since, _ = time.Parse(time.RFC3339, f[1])
	}
	if what := strings.Join(f[min(2, len(f)):], " "); what != windowHolder {
		h.command = what
	}
	return h
}

// errDamaged is a database that fails the integrity check (or that SQLite
// finds malformed): the window does not use it.
type errDamaged struct {
	db  string
	err error
}

func (e errDamaged) Error() string {
	return fmt.Sprintf("la base de datos %s está dañada y no se usará: %v", e.db, e.err)
}

func (e errDamaged) Unwrap() error { return e.err }

// damaged says whether an error opening a database means its file is damaged
// (as opposed to read-only, newer, locked or missing).
func damaged(err error) bool {
	var d errDamaged
	if errors.As(err, &d) {
		return true
	}
	if errors.Is(err, data.ErrNotDatabase) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "malformed") || strings.Contains(msg, "disk image")
}

// openForWindow opens the database the window will work on: it takes the
// instance lock, opens (for --demo, building the demo community), checks
// its integrity, and starts the day's backup in the background.
func openForWindow(ctx context.Context, e *env) (*data.Store, error) {
	if e.office() {
		// No instance lock (two windows on two desktops work at once), no
		// integrity check of a file, no backups: the server keeps its own.
		return e.open(ctx)
	}
	path, err := e.databasePath()
	if err != nil {
		return nil, err
	}
	if err := lockForWindow(ctx, path); err != nil {
		return nil, err
	}
	var st *data.Store
	if e.demo {
		st, err = openDemo(ctx, e)
	} else {
		st, err = e.open(ctx)
	}
	if err != nil {
		return nil, err
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		st.Close()
		return nil, errDamaged{db: path, err: err}
	}
	go dailyBackup(st, e)
	return st, nil
}

// openDemoLocked is openDemo for the window's "Abrir comunidad de
// demostración": the demo database gets its own instance lock.
func openDemoLocked(ctx context.Context, e *env) (*data.Store, error) {
	d := *e
	d.dbPath, d.demo = "", true
	path, err := d.databasePath()
	if err != nil {
		return nil, err
	}
	if err := lockForWindow(ctx, path); err != nil {
		return nil, err
	}
	return openDemo(ctx, e)
}

// dailyBackup backs the database up once a day, at the first start.
func dailyBackup(st *data.Store, e *env) {
	if _, _, err := st.BackupIfDue(context.Background(), data.ReasonDaily, 24*time.Hour); err != nil {
		fmt.Fprintf(e.stderr, "comunidad: copia de seguridad diaria: %v\n", err)
	}
}

// startupScreen is the window's content when its database cannot be used.
// A damaged database offers its latest good backup; anything else (a second
// instance, a read-only or newer file) says what happened. open continues
// into the normal window once a backup has been put in place.
func startupScreen(ctx context.Context, e *env, w fyne.Window, problem error, open func(ui.Store)) fyne.CanvasObject {
	smokeProblem = problem
	if e.office() {
		return officeScreen(ctx, e, w, problem, open)
	}
	if errors.As(problem, new(errAlreadyOpen)) {
		return ui.BusyScreen(ui.Busy{Problem: problem, Open: open,
			Retry: func() (ui.Store, error) { return openForWindow(ctx, e) }})
	}
	path, err := e.databasePath()
	if err != nil || !damaged(problem) {
		return ui.ErrorScreen(problem)
	}
	r := ui.Recovery{Problem: problem, DBPath: path, Open: open}
	if b, err := data.LatestGoodBackup(ctx, path); err == nil {
		r.Backup = &b
		r.Restore = func(ctx context.Context) (ui.Store, error) {
			if _, err := data.RecoverFromBackup(ctx, path, b.Path); err != nil {
				return nil, err
			}
			return openForWindow(ctx, e)
		}
	}
	return ui.RecoverScreen(w, r)
}

// officeScreen is the window's content when the office database chosen for
// this computer cannot be used: why, «Reintentar», and «Usar la base de
// este equipo» (which is remembered: the next start opens the file too).
func officeScreen(ctx context.Context, e *env, w fyne.Window, problem error, open func(ui.Store)) fyne.CanvasObject {
	retry := func() (ui.Store, error) { return openForWindow(ctx, e) }
	useLocal := func() (ui.Store, error) {
		d := *e
		d.dbPath = ""
		st, err := openForWindow(ctx, &d)
		if err == nil {
			ui.SaveDatabaseChoice(fyne.CurrentApp().Preferences(), nil)
			*e = d
		}
		return st, err
	}
	return ui.OfficeProblemScreen(w, ui.OfficeProblem{Problem: problem, Retry: retry, UseLocal: useLocal, Open: open})
}
