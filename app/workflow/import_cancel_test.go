package workflow

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"comunidad/data"
)

// cancelledBetweenStatements is the real store, whose import is cancelled
// (Ctrl+C, a SIGTERM, the window's Cancelar) between two statements of its
// transaction, after the writer last looked at the context: database/sql
// rolls the transaction back by itself once the context is done, and the
// writer's next prepared statement then fails with «sql: statement is
// closed», not with the cancel. That is what TestHostileFilesEndToEnd's
// SIGTERM case printed now and then under load (data's sync writer checks
// the context once a row, and a signal lands anywhere); here the cancel
// waits for the rollback, so the statement always meets it.
type cancelledBetweenStatements struct {
	*data.Store
	t      *testing.T
	cancel context.CancelFunc
	got    error // what the statement said
}

func (s *cancelledBetweenStatements) Sync(ctx context.Context, target data.SyncTarget, source string, plan func(*data.SyncState) (*data.SyncPlan, error), progress func(float64)) (data.SyncReport, error) {
	err := s.Store.Tx(ctx, func(tx *data.DBTx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO communities (name) VALUES (?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		if _, err := stmt.ExecContext(ctx, "Edificio a medio importar"); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil { // the writer's own check: not cancelled yet
			return err
		}
		s.cancel()
		for deadline := time.Now().Add(10 * time.Second); s.Writer().Stats().InUse > 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				s.t.Fatal("database/sql did not roll the cancelled transaction back")
			}
		}
		_, err = stmt.ExecContext(ctx, "Edificio a medio importar 2")
		s.got = err
		return fmt.Errorf("add units: unidad B-0801: %w", err)
	})
	return data.SyncReport{}, err
}

// TestImportCancelledBetweenStatementsIsCancelled: whatever the statement
// running as the import is cancelled says, the import fails with the
// cancel, which the window and the command line say as «cancelado»; nothing
// was written.
func TestImportCancelledBetweenStatementsIsCancelled(t *testing.T) {
	s, src := newService(t)
	first := importFile(t, s, src, data.SyncTarget{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &cancelledBetweenStatements{Store: db(s), t: t, cancel: cancel}
	flows := &Service{Store: st, Secrets: s.Secrets}
	im, err := flows.ReadImport(ctx, ImportRequest{Source: src, CommunityID: first.CommunityID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = im.Save(ctx, data.SyncTarget{CommunityID: first.CommunityID})
	if st.got == nil || errors.Is(st.got, context.Canceled) {
		t.Fatalf("the statement after the rollback said %v: the race is not reproduced", st.got)
	}
	t.Logf("the statement said %q", st.got)
	if !errors.Is(err, context.Canceled) || data.UserMessage(err) != "cancelado" {
		t.Fatalf("Save: %v (the user reads %q)", err, data.UserMessage(err))
	}
	if cs, err := db(s).Communities(context.Background()); err != nil || len(cs) != 1 {
		t.Fatalf("a cancelled import left %d communities (%v)", len(cs), err)
	}
}
