package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"comunidad/internal/enginetest"
)

// Undoing an import on the office database refuses when anything of its
// community changed since: the fingerprint must cover every table that
// holds a community's rows, found by its community_id or its unit_id. A
// table added to the schema and not to communityParts fails here.
func TestFingerprintCoversEveryCommunityTable(t *testing.T) {
	enginetest.PostgresOnly(t)
	s := openTemp(t)
	ctx := context.Background()
	tables, err := queryAll(ctx, s.r, scanString, `SELECT DISTINCT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name IN ('community_id', 'unit_id') ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{"sync_runs": true, "outbox_lock": true} // the history, and a sender's lease: not the community's content
	for _, p := range communityParts {
		covered[p.table] = true
	}
	for _, tb := range tables {
		if !covered[tb] {
			t.Errorf("table %s holds a community's rows and is not in its fingerprint (communityParts)", tb)
		}
	}
	if len(tables) < 8 {
		t.Fatalf("found only %v", tables)
	}
	// And the fingerprint sees a change in each kind of row.
	c, err := s.CreateCommunity(ctx, "Parque Los Aromos")
	if err != nil {
		t.Fatal(err)
	}
	tx := func(fn func(tx *DBTx) error) {
		t.Helper()
		if err := s.Tx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	var before map[string]string
	tx(func(tx *DBTx) (err error) { before, err = communityFingerprint(ctx, tx, c.ID); return })
	if err := s.SetSetting(ctx, c.ID, "letter.signature", "La administración"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, c.ID, OfficeUndoKey, "{}"); err != nil {
		t.Fatal(err)
	}
	var after map[string]string
	tx(func(tx *DBTx) (err error) { after, err = communityFingerprint(ctx, tx, c.ID); return })
	for tb := range before {
		if (before[tb] != after[tb]) != (tb == "settings") {
			t.Errorf("%s: before %s, after %s (only a setting changed)", tb, before[tb], after[tb])
		}
	}
}

// An export to a file leaves the office undo record and image behind (a
// file undoes from its own backups); the other settings go.
func TestExportLeavesTheOfficeUndoBehind(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	src := openTemp(t)
	fill(t, src, "Parque Los Aromos", 3)
	cs, err := src.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	for k, v := range map[string]string{"letter.admin_email": "admin@example.cl", OfficeUndoKey: `{"run_id": 1}`, imageKey("units"): "[]"} {
		if err := src.SetSetting(ctx, c.ID, k, v); err != nil {
			t.Fatal(err)
		}
	}
	// Nor are they among the settings the letters and the mail read.
	if got, err := src.Settings(ctx, c.ID); err != nil || len(got) != 1 {
		t.Fatalf("the community's settings: %v %v", got, err)
	}
	dst, err := Open(ctx, filepath.Join(t.TempDir(), "copia.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := Copy(ctx, src, dst, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := dst.Settings(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got["letter.admin_email"] != "admin@example.cl" || len(got) != 1 {
		t.Fatalf("the file's settings of the community: %v", got)
	}
}

// An undo asked while another desktop imports the community waits for
// nothing and writes nothing: it is told who holds it, as a second import
// is.
func TestOfficeUndoWhileAnotherDesktopImports(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	a := openTemp(t)
	c, err := a.CreateCommunity(ctx, "Parque Los Aromos")
	if err != nil {
		t.Fatal(err)
	}
	// As an import that created it leaves it.
	if err := a.Tx(ctx, func(tx *DBTx) error {
		return recordOfficeUndo(ctx, tx, SyncReport{ID: 1, CommunityID: c.ID, Units: SyncCounts{New: 1}}, true)
	}); err != nil {
		t.Fatal(err)
	}
	b, err := OpenPostgres(ctx, a.Source())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	importing := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Tx(ctx, func(tx *DBTx) error {
			if err := lockForImport(ctx, tx, c); err != nil {
				return err
			}
			close(importing)
			<-release
			return nil
		})
	}()
	<-importing
	_, err = b.UndoOfficeImport(ctx, c.ID)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var busy *ImportBusyError
	if !errors.As(err, &busy) || busy.Community != "Parque Los Aromos" {
		t.Fatalf("undo during another desktop's import: %v", err)
	}
	if _, err := b.Community(ctx, c.ID); err != nil {
		t.Fatalf("the refused undo removed the community: %v", err)
	}
	// Once the import has ended, the same undo goes through.
	if u, err := b.UndoOfficeImport(ctx, c.ID); err != nil || !u.Created {
		t.Fatalf("undo after the import: %+v %v", u, err)
	}
}
