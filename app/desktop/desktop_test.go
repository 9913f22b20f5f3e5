package desktop

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestFileURL(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/home/ana/Cartas de bienvenida", "file:///home/ana/Cartas%20de%20bienvenida"},
		{"/home/José/a#1.pdf", "file:///home/Jos%C3%A9/a%231.pdf"},
	}
	if runtime.GOOS == "windows" {
		tests = []struct{ path, want string }{
			{`C:\Users\José Pérez\Documents\cartas.pdf`, "file:///C:/Users/Jos%C3%A9%20P%C3%A9rez/Documents/cartas.pdf"},
			{`D:\`, "file:///D:/"},
		}
	}
	for _, tt := range tests {
		if got := FileURL(tt.path).String(); got != tt.want {
			t.Errorf("FileURL(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestOpenPassesTheFileURL(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows opens with the shell, not a URL (TestShellOnWindows)")
	}
	dir := filepath.Join(t.TempDir(), "Cartas de bienvenida")
	os.Mkdir(dir, 0o755)
	var got *url.URL
	if err := Open(dir, func(u *url.URL) error { got = u; return nil }); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Scheme != "file" || got.Path != filepath.ToSlash(dir) {
		t.Fatalf("opened %v", got)
	}
	refused := errors.New("xdg-open: no method available")
	var pe *PathError
	if err := Open(dir, func(*url.URL) error { return refused }); !errors.As(err, &pe) || !errors.Is(err, refused) || pe.Path != dir {
		t.Fatalf("error = %v", err)
	}
}

// Under Wine (CI) and on Windows: a folder opens in the file manager; a
// missing file is ErrNotFound; printing a PDF either goes to the
// application registered for PDF or, where there is none (a bare Wine
// prefix), is ErrNoApplication, never an unexplained error.
func TestShellOnWindows(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("Windows only")
	}
	dir := filepath.Join(t.TempDir(), "José Pérez", "Cartas")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Open(dir, nil); err != nil {
		t.Fatalf("open folder: %v", err)
	}
	if err := Open(filepath.Join(dir, "no existe.pdf"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open missing file: %v", err)
	}
	pdf := filepath.Join(dir, "carta.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\n%%EOF\n"), 0o644)
	if err := ShellPrint(context.Background(), "", pdf); err != nil && !errors.Is(err, ErrNoApplication) {
		t.Fatalf("print: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ShellPrint(ctx, "", pdf); !errors.Is(err, context.Canceled) {
		t.Fatalf("print, cancelled: %v", err)
	}
}
