package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A preferences file Fyne left empty or cut (a window killed while it
// saved) is replaced by its last good copy before Fyne reads it; a good
// one becomes that copy; with no good copy the file is left to Fyne, which
// starts from empty preferences, and the message says so.
func TestPreferencesSurviveAWindowKilledWhileSaving(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	var out bytes.Buffer

	guardPreferences(path, &out) // a first start: nothing there
	if _, err := os.Stat(goodCopy(path)); !os.IsNotExist(err) || out.Len() != 0 {
		t.Fatalf("first start: copy %v, said %q", err, out.String())
	}
	good := []byte(`{"database.office":"postgres://ana@servidor-oficina:5432/comunidad","theme":"dark"}`)
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	guardPreferences(path, &out)
	if b, err := os.ReadFile(goodCopy(path)); err != nil || !bytes.Equal(b, good) || out.Len() != 0 {
		t.Fatalf("good file: copy %q %v, said %q", b, err, out.String())
	}
	for _, broken := range []string{"", `{"database.office":"postgres://ana@serv`, "null"} {
		out.Reset()
		if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		guardPreferences(path, &out)
		if b, _ := os.ReadFile(path); !bytes.Equal(b, good) {
			t.Errorf("%q: the file is %q, want the good copy", broken, b)
		}
		if !strings.Contains(out.String(), "se repuso su última copia buena") || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("%q: said %q", broken, out.String())
		}
	}
	// A newer good file replaces the copy.
	newer := []byte(`{"theme":"light"}`)
	os.WriteFile(path, newer, 0o600)
	guardPreferences(path, &out)
	if b, _ := os.ReadFile(goodCopy(path)); !bytes.Equal(b, newer) {
		t.Errorf("the copy is %q after a newer good file", b)
	}
	// No good copy: left as it is, said once.
	os.Remove(goodCopy(path))
	os.WriteFile(path, nil, 0o600)
	out.Reset()
	guardPreferences(path, &out)
	if b, _ := os.ReadFile(path); len(b) != 0 || !strings.Contains(out.String(), "no hay una copia buena") {
		t.Errorf("no copy: file %q, said %q", b, out.String())
	}
}
