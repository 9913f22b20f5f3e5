package data

import (
	"context"
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
