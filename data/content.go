package data

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
)

// UndoSettingKey is the setting (per community) where the last import
// keeps what undoing it needs; ContentHashes leaves it out.
const UndoSettingKey = "import.undo"

// InstallationSettingKey is the database's installation id (Global): made
// once, the first time it is asked, it is no change of the data, and
// ContentHashes leaves it out too.
const InstallationSettingKey = keyInstallation

// notUndoKey is the SQL condition on a settings key column (col) that
// leaves out the import undo records: UndoSettingKey, and OfficeUndoKey
// with its image's parts. They are the undo's bookkeeping, not what it
// compares, nor settings anybody reads together.
func notUndoKey(col string) string {
	return col + ` <> '` + UndoSettingKey + `' AND ` + col + ` NOT LIKE '` + OfficeUndoKey + `%'`
}

// ContentHashes fingerprints every table of the database (the import
// history and the undo records, notUndoKey, left out), one hash per
// table: undoing an import compares them with the ones taken right after
// it to tell whether, and where, anything changed since.
func (s *Store) ContentHashes(ctx context.Context) (map[string]uint64, error) {
	all, err := s.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("content hashes: %w", err)
	}
	var tables []string
	for _, n := range all {
		if n != "sync_runs" && n != "outbox_lock" {
			tables = append(tables, n)
		}
	}
	sort.Strings(tables)
	out := make(map[string]uint64, len(tables))
	for _, t := range tables {
		q := `SELECT * FROM "` + t + `"`
		if t == "settings" {
			q = `SELECT * FROM settings WHERE key <> '` + InstallationSettingKey + `' AND ` + notUndoKey("key")
		}
		rs, err := s.r.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("content hashes: %s: %w", t, err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		// Rows in no particular order (some tables have no rowid): each
		// row is written out, and the sorted rows hashed.
		var lines []string
		var sb strings.Builder
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				rs.Close()
				return nil, err
			}
			sb.Reset()
			for _, v := range vals {
				fmt.Fprintf(&sb, "%T:%v\x00", v, v)
			}
			lines = append(lines, sb.String())
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, err
		}
		sort.Strings(lines)
		h := fnv.New64a()
		for _, l := range lines {
			h.Write([]byte(l))
			h.Write([]byte{'\n'})
		}
		out[t] = h.Sum64()
	}
	return out, nil
}
