package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

func TestWindowsNameProblem(t *testing.T) {
	for _, name := range []string{"usuarios.xlsx", "Cartas de bienvenida.pdf", "A-101 - María José Núñez.pdf", "CONSERJERÍA.pdf", "com10.pdf", "LPT.pdf", "_CON.pdf", "informe.v2.xlsx"} {
		if p := WindowsNameProblem(name); p != "" {
			t.Errorf("%q refused: %s", name, p)
		}
	}
	for _, name := range []string{"CON", "con.xlsx", "Nul.pdf", "aux .pdf", "COM1.xlsx", "lpt9", "COM¹.pdf", "com9.txt - Ana.pdf",
		"usuarios.", "usuarios ", "a:b.xlsx", "qué?.xlsx", `x<y>.xlsx`, `"x".pdf`, "a|b", "a*b", "tab\there", ""} {
		if WindowsNameProblem(name) == "" {
			t.Errorf("%q accepted", name)
		}
	}
}

// On Windows, Create refuses those names with a message that says why,
// before anything is written.
func TestCreateRefusesWindowsNames(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("Windows only: Unix keeps these names as they are")
	}
	dir := t.TempDir()
	for _, name := range []string{"CON.xlsx", "nul", "usuarios.xlsx.", "a:b.xlsx", "qué?.pdf", `"x".pdf`, "x|y.pdf"} {
		f, err := Create(filepath.Join(dir, name))
		var ne *NameError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), "no es un nombre de archivo válido en Windows") {
			if f != nil {
				f.Abort()
			}
			t.Errorf("Create(%q) = %v", name, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
