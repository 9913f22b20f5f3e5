package kastor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/hostile"
)

// englishOrTrace are words a message for the user must not carry: the
// libraries' English, or a crash.
var englishOrTrace = []string{"zip:", "EOF", "panic", "goroutine", "runtime", "xml:", "flate", "invalid", "unexpected", "error:", "exceeded"}

// TestHostileCorpus reads every hostile file into a database holding a
// community: a refused file gives its Spanish message and leaves the
// database as it was; a valid one imports, with the observations it must
// carry. The command line's TestHostileFilesEndToEnd holds the real binary
// to the same corpus, with time, memory, temporary files and signals.
func TestHostileCorpus(t *testing.T) {
	files := hostile.Corpus()
	if len(files) < 50 {
		t.Fatalf("the corpus has %d files, the issue asks for at least 50", len(files))
	}
	dir := t.TempDir()
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			st := datatest.Open(t)
			ctx := context.Background()
			base := filepath.Join(dir, "base.csv")
			os.WriteFile(base, []byte("Edificio Base\nCódigo;Nombres;Apellidos;Correo\nB-1;Ana;Soto;ana.base@example.cl\n"), 0o644)
			if _, _, err := Import(ctx, st, data.SyncTarget{}, base, Options{}); err != nil {
				t.Fatal(err)
			}
			before := dbDump(t, st)
			path := filepath.Join(dir, f.Name)
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(path)
			start := time.Now()
			rep, res, err := Import(ctx, st, data.SyncTarget{CommunityID: 1}, path, Options{})
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %s", d)
			}
			if f.Refused != "" {
				if err == nil {
					t.Fatalf("imported (%d units), want a refusal with %q", len(res.Snapshot.Units), f.Refused)
				}
				msg := err.Error()
				if !strings.Contains(msg, f.Refused) || strings.Contains(msg, "\n") {
					t.Fatalf("message %q, want one line with %q", msg, f.Refused)
				}
				for _, w := range englishOrTrace {
					if strings.Contains(msg, w) {
						t.Errorf("message %q carries %q", msg, w)
					}
				}
				if after := dbDump(t, st); after != before {
					t.Fatal("a refused file changed the database")
				}
				return
			}
			if err != nil {
				t.Fatalf("a valid file was refused: %v", err)
			}
			if f.Sheet != "" && res.Sheet != f.Sheet {
				t.Errorf("read sheet %q, want %q", res.Sheet, f.Sheet)
			}
			if f.Units != 0 && len(res.Snapshot.Units) != f.Units {
				t.Errorf("%d units, want %d", len(res.Snapshot.Units), f.Units)
			}
			found := f.Problem == ""
			for _, p := range rep.Problems {
				if strings.Contains(p.Message, f.Problem) {
					found = true
				}
				if len(p.Message) > 2000 {
					t.Errorf("an observation of %d bytes", len(p.Message))
				}
			}
			if !found {
				t.Errorf("no observation with %q in %v", f.Problem, rep.Problems)
			}
			for _, u := range res.Snapshot.Units {
				checkClean(t, u.Code, u.Name, u.Assigned, u.Sector, u.Floor)
			}
			for _, p := range res.Snapshot.People {
				checkClean(t, p.FirstNames, p.LastNames, p.Email, p.Phone, p.RUT)
			}
		})
	}
}

// checkClean fails on a stored field that still holds what clean removes.
func checkClean(t *testing.T, fields ...string) {
	t.Helper()
	for _, s := range fields {
		if len([]rune(s)) > maxFieldRunes {
			t.Errorf("a field of %d characters was stored", len([]rune(s)))
		}
		for _, r := range s {
			if invisible(r) || r == '\t' || r == '\n' {
				t.Errorf("stored field %q holds %U", s, r)
			}
		}
	}
}
