package secret

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestFileFallback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := NewFileOnly(path)
	if _, err := s.Get("smtp.password:1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty store = %v", err)
	}
	if err := s.Set("smtp.password:1", "clave-ñandú"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("smtp.password:1"); err != nil || v != "clave-ñandú" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	info, err := os.Stat(path)
	// Windows has no mode bits (Go reports 0666 for any writable file): the
	// file is private through the ACL of %APPDATA%, where it lives, and the
	// Credential Manager comes first there anyway.
	if err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
		t.Fatalf("secrets file mode = %v, %v; want 0600", info.Mode().Perm(), err)
	}
	if err := s.Delete("smtp.password:1"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "clave") {
		t.Fatal("deleted secret still in the file")
	}
}
