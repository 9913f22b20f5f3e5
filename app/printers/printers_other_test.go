//go:build !windows

package printers

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for out, want := range map[string]string{
		"system default destination: Oficina_2do_piso\n": "Oficina_2do_piso",
		"no system default destination\n":                "",
		"":                                               "",
	} {
		if got := parseDefault(out); got != want {
			t.Errorf("parseDefault(%q) = %q, want %q", out, got, want)
		}
	}
	got := firstFields("ComunidadPDF\nHP_LaserJet accepting requests since Wed Dec  2 2026\n\n")
	if !slices.Equal(got, []string{"ComunidadPDF", "HP_LaserJet"}) {
		t.Errorf("firstFields = %q", got)
	}
}

// With the real CUPS scheduler of this machine (the tests of app/ui add a
// cups-pdf queue, ComunidadPDF, and start cupsd when needed), the list is
// what lpstat says.
func TestPrintersFromCUPS(t *testing.T) {
	if _, err := exec.LookPath("lpstat"); err != nil {
		t.Skip("CUPS is not installed (apt-get install cups)")
	}
	l, err := Printers(context.Background())
	if errors.Is(err, ErrNoScheduler) {
		t.Skip("the CUPS scheduler is not running")
	}
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("lpstat", "-e").Output()
	want := firstFields(string(out))
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if !slices.Equal(l.Names, want) {
		t.Fatalf("Printers = %q, lpstat -e says %q", l.Names, want)
	}
	d, _ := exec.Command("lpstat", "-d").Output()
	if l.Default != parseDefault(string(d)) {
		t.Fatalf("default %q, lpstat -d says %q", l.Default, d)
	}
}
