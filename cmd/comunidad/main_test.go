package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command in-process, the way a user's shell would.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, _ := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "Comandos:") || !strings.Contains(out, "communities") || !strings.Contains(out, "--db ARCHIVO") {
			t.Fatalf("%v: code %d, output:\n%s", args, code, out)
		}
	}
	code, out, _ := runCLI(t, "", "communities", "--help")
	if code != 0 || !strings.Contains(out, "Uso: comunidad [--db ARCHIVO] communities") {
		t.Fatalf("communities --help: %d %q", code, out)
	}
}

func TestUserErrorsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notas.db")
	os.WriteFile(notes, []byte("no soy una base de datos"), 0o644)
	ro := filepath.Join(dir, "ro.db")
	if code, _, errOut := runCLI(t, "", "--db", ro, "communities"); code != 0 {
		t.Fatalf("creating %s: %d %s", ro, code, errOut)
	}
	os.Remove(ro + "-wal")
	os.Remove(ro + "-shm")
	os.Chmod(ro, 0o444)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"--db", filepath.Join(dir, "a.db"), "volar"}, `no existe el comando "volar"`},
		{"unknown global flag", []string{"--colores"}, "opción desconocida: -colores"},
		{"unknown option", []string{"--db", filepath.Join(dir, "a.db"), "communities", "--zz"}, "opción desconocida: -zz"},
		{"not a database", []string{"--db", notes, "communities"}, "no es una base de datos"},
		{"read-only database", []string{"--db", ro, "communities"}, "solo lectura"},
		{"db and demo", []string{"--db", notes, "--demo", "communities"}, "--db o --demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(notes)
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != 1 {
				t.Fatalf("exit code %d, want 1 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "goroutine") {
				t.Fatalf("stderr = %q, want one line with %q", errOut, tt.want)
			}
			if after, _ := os.ReadFile(notes); !bytes.Equal(before, after) {
				t.Fatal("the refused file changed")
			}
		})
	}
}

// TestEveryCommandHelpListsItsFlags: "COMANDO --help" lists every option of
// the command with its help, and opens nothing (the database named does not
// come to exist).
func TestEveryCommandHelpListsItsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nunca.db")
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"--db", db}, strings.Fields(name)...)
			code, out, errOut := runCLI(t, "", append(args, "--help")...)
			if code != 0 || errOut != "" {
				t.Fatalf("code %d, stderr %q", code, errOut)
			}
			var h helpRequest
			if err := commands[name].run(context.Background(), &env{stdout: io.Discard, stderr: io.Discard, dbPath: db}, []string{"--help"}); !errors.As(err, &h) {
				t.Fatalf("the command did not stop at its flags: %v", err)
			}
			h.fs.VisitAll(func(f *flag.Flag) {
				if strings.TrimSpace(f.Usage) == "" {
					t.Errorf("--%s has no help", f.Name)
				}
				if !strings.Contains(out, "  --"+f.Name) || !strings.Contains(out, strings.ReplaceAll(f.Usage, "`", "")) {
					t.Errorf("--%s is not listed with its help:\n%s", f.Name, out)
				}
			})
			if _, err := os.Stat(db); err == nil {
				t.Fatal("--help opened the database")
			}
		})
	}
	_, out, _ := runCLI(t, "", "users", "add", "--help")
	for _, want := range []string{"--unit VALOR", "código de la unidad", "--email VALOR", "--type VALOR", "residente (por omisión)"} {
		if !strings.Contains(out, want) {
			t.Errorf("users add --help lacks %q:\n%s", want, out)
		}
	}
}
