package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"comunidad/app/mailer"
	"comunidad/app/workflow"
	"comunidad/data"
)

// One writer per database. The subcommands that change the database take
// the same instance lock the window holds (lock.go), for as long as they
// run, so that a sync or a send from a terminal or a scheduled task never
// writes alongside an open window (or another writing command). Commands
// that only read open the database without it: SQLite lets them read while
// the window writes.

// errInUse refuses a write while another process holds the database.
type errInUse struct {
	db     string
	holder holder // who, when the lock file says
}

func (e errInUse) Error() string {
	const readers = "los comandos que solo leen (communities, units, users, backup list) funcionan igual"
	p := e.holder.process()
	switch {
	case e.holder.command != "":
		return fmt.Sprintf("la base de datos %s la está modificando el comando «comunidad %s» (%s): espere a que termine e intente de nuevo; %s",
			e.db, e.holder.command, p, readers)
	case p != "":
		return fmt.Sprintf("la base de datos %s está abierta en la ventana de Comunidad (%s): cierre la ventana e intente de nuevo; %s", e.db, p, readers)
	}
	return fmt.Sprintf("la base de datos %s está abierta en la ventana de Comunidad, o la está modificando otro comando: "+
		"cierre la ventana (o espere a que el comando termine) e intente de nuevo; %s", e.db, readers)
}

// openWrite opens the database for a command that changes it: it takes the
// instance lock first, and refuses with errInUse when the window (or
// another writing command) holds it. done closes the store and releases
// the lock.
func (e *env) openWrite(ctx context.Context) (st *data.Store, done func(), err error) {
	return e.openFor(ctx, true)
}

// openFor opens the database for writing (see openWrite) or, when write is
// false, only to read, without the lock: for commands such as outbox that
// write only with an option (--retry).
func (e *env) openFor(ctx context.Context, write bool) (st *data.Store, done func(), err error) {
	unlock := func() {}
	if write && !e.office() {
		// The office database has no file to lock: its server keeps many
		// desktops' writes apart (data's rules under many writers).
		path, err := e.databasePath()
		if err != nil {
			return nil, nil, err
		}
		if unlock, err = lockForWrite(path, e.command); err != nil {
			return nil, nil, err
		}
	}
	st, err = e.open(ctx)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, func() { st.Close(); unlock() }, nil
}

// openCommunity opens the database (for writing, with its lock, when write;
// see openFor) and finds the community a command works on: the one named,
// or the only one. done closes the store and releases the lock.
func (e *env) openCommunity(ctx context.Context, name string, write bool) (st *data.Store, c data.Community, done func(), err error) {
	st, done, err = e.openFor(ctx, write)
	if err != nil {
		return nil, data.Community{}, nil, err
	}
	if c, err = community(ctx, st, name); err != nil {
		done()
		return nil, data.Community{}, nil, err
	}
	return st, c, done, nil
}

// lockForWrite takes the instance lock of the database at dbPath until
// the returned function is called. A lock this process already holds (the
// window's own, or a restore's) is used as it is.
func lockForWrite(dbPath, command string) (unlock func(), err error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, err
	}
	real, err := realPath(abs)
	if err != nil {
		return nil, userError{fmt.Sprintf("abrir %s: %v", abs, err)}
	}
	lp := lockPath(real)
	locksMu.Lock()
	defer locksMu.Unlock()
	if _, ok := locks[lp]; ok {
		return func() {}, nil
	}
	held, busy, err := takeLocks(real)
	if err != nil {
		return nil, userError{fmt.Sprintf("no se pudo bloquear %s para modificarla: %v", abs, err)}
	}
	if busy != "" {
		return nil, errInUse{db: abs, holder: lockHolder(busy)}
	}
	held.writeHolders(command) // so that a window opened meanwhile names this command
	return held.unlock, nil
}

// flows is the workflows (app/workflow) on st: a command adds only its
// flags and its printing to them. A store that is no file keeps its
// credentials' fallback file in the user's data folder, as the window does.
func flows(st workflow.Store) *workflow.Service {
	s := &workflow.Service{Store: st, TLSConfig: mailTLS, Demo: isDemo(st)}
	if _, file := workflow.AsLocated(st); !file {
		if dir, err := dataDir(); err == nil {
			s.Secrets = mailer.OpenSecretsIn(dir)
		}
	}
	return s
}

// isDemo tells the demo database (--demo) from the user's own and any --db.
func isDemo(st workflow.Store) bool {
	l, ok := workflow.AsLocated(st)
	if !ok {
		return false
	}
	demo, err := (&env{demo: true}).databasePath()
	return err == nil && sameFile(l.Path(), demo)
}

// sameFile reports whether a and b name one file (or, while neither is
// there, the same path).
func sameFile(a, b string) bool {
	ia, aerr := os.Stat(a)
	ib, berr := os.Stat(b)
	if aerr == nil && berr == nil {
		return os.SameFile(ia, ib)
	}
	aa, aerr := filepath.Abs(a)
	bb, berr := filepath.Abs(b)
	return aerr == nil && berr == nil && aa == bb
}
