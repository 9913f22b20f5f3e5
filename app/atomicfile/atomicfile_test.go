package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCommitReplacesAbortKeeps(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "usuarios.xlsx")
	if err := os.WriteFile(dest, []byte("anterior"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("a medias"))
	f.Abort()
	if b, _ := os.ReadFile(dest); string(b) != "anterior" {
		t.Fatalf("after Abort: %q", b)
	}
	if err := WriteFile(dest, []byte("nuevo")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "nuevo" {
		t.Fatalf("after WriteFile: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
