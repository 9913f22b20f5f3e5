package printers

import (
	"context"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// TestPrintersFromTheSpooler runs on Windows (under Wine in make
// test-windows): the list and the default come from winspool, and they
// agree with what Windows keeps in the user's registry (the Devices key
// lists every printer the user can print to; Windows\Device names the
// default one as «name,winspool,port»). Wine has the machine's CUPS
// printers or none; both are checked as they come.
func TestPrintersFromTheSpooler(t *testing.T) {
	l, err := Printers(context.Background())
	if err != nil {
		t.Fatalf("Printers: %v", err)
	}
	t.Logf("printers %q, default %q", l.Names, l.Default)
	devices := registryPrinters(t)
	for _, n := range l.Names {
		if n == "" {
			t.Fatalf("an empty printer name in %q", l.Names)
		}
	}
	if !slices.IsSortedFunc(l.Names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Fatalf("not sorted: %q", l.Names)
	}
	for _, d := range devices {
		if !slices.Contains(l.Names, d) {
			t.Errorf("the registry lists %q, winspool does not (%q)", d, l.Names)
		}
	}
	def := registryDefault(t)
	if l.Default != def {
		t.Errorf("default %q, the registry says %q", l.Default, def)
	}
	if l.Default != "" && !slices.Contains(l.Names, l.Default) {
		t.Errorf("the default %q is not in the list %q", l.Default, l.Names)
	}
	want := l.Default
	if want == "" && len(l.Names) > 0 {
		want = l.Names[0]
	}
	if got := l.Choose("Impresora que ya no existe"); got != want {
		t.Errorf("Choose = %q, want %q", got, want)
	}
	if len(l.Names) == 0 && l.Choose("") != "" {
		t.Errorf("no printers, yet Choose offers %q", l.Choose(""))
	}
}

// registryPrinters are the names under HKCU\...\Devices.
func registryPrinters(t *testing.T) []string {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows NT\CurrentVersion\Devices`, registry.QUERY_VALUE)
	if err == registry.ErrNotExist {
		return nil
	}
	if err != nil {
		t.Fatalf("registry Devices: %v", err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		t.Fatalf("registry Devices: %v", err)
	}
	return names
}

// registryDefault is the printer HKCU\...\Windows\Device names, "" for none.
func registryDefault(t *testing.T) string {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows NT\CurrentVersion\Windows`, registry.QUERY_VALUE)
	if err == registry.ErrNotExist {
		return ""
	}
	if err != nil {
		t.Fatalf("registry Windows: %v", err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue("Device")
	if err == registry.ErrNotExist {
		return ""
	}
	if err != nil {
		t.Fatalf("registry Device: %v", err)
	}
	name, _, _ := strings.Cut(v, ",")
	return name
}
