package printers

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// spanishForWindows holds a sentence to what a Windows user must read: in
// Spanish (usted), saying where Windows keeps its printers or its print
// service, and offering the PDF's viewer meanwhile; nothing of CUPS, lp or
// English.
func spanishForWindows(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range append(wants, "PDF", "imprímalo desde su visor") {
		if !strings.Contains(s, w) {
			t.Errorf("%s: %q lacks %q", what, s, w)
		}
	}
	low := strings.ToLower(s)
	for _, w := range []string{"cups", "lpstat", "(lp", "lpr", "printer", "spooler", "not ", "the ", "error", "panic", "configuración del sistema"} {
		if strings.Contains(low, w) {
			t.Errorf("%s: %q says %q", what, s, w)
		}
	}
}

// With no printers at all, the picker has nothing to offer and its line
// says why and what to do, in Windows' words on Windows. This runs under
// Wine in make test-windows: the window's own tests (app/ui) do not.
func TestPickerWithNoPrinters(t *testing.T) {
	p := ForPicker(List{}, nil, "Oficina")
	if p.Ready() || p.Selected != "" || p.Empty.Text != "Sin impresoras" {
		t.Fatalf("no printers: %+v", p)
	}
	say := p.Say(nil)
	if runtime.GOOS == "windows" {
		spanishForWindows(t, "no printers", say, "Este equipo no tiene impresoras instaladas", "Configuración de Windows → «Impresoras y escáneres»")
	} else if say != "Este equipo no tiene impresoras instaladas: agregue una en la configuración del sistema, o abra el PDF e imprímalo desde su visor." {
		t.Errorf("no printers: %q", say)
	}
	// The same decision for Windows wherever the tests run.
	if w := forPicker("windows", List{}, nil, ""); w.Status != msgNoPrintersWindows || w.Ready() {
		t.Errorf("windows, no printers: %+v", w)
	}
	// A translation is asked for the very message.
	got := p.Say(func(m Message) string { return "[" + m.Key + "]" })
	want := "[letter.print.noprinters]"
	if runtime.GOOS == "windows" {
		want = "[letter.print.noprinters.windows]"
	}
	if got != want {
		t.Errorf("translated: %q, want %q", got, want)
	}
}

// The print system's errors, as each system says them.
func TestPickerErrors(t *testing.T) {
	for _, goos := range []string{"windows", "linux"} {
		for _, tc := range []struct {
			err    error
			status Message
			detail string
		}{
			{ErrNoScheduler, map[bool]Message{true: msgNoSchedulerWindows, false: msgNoScheduler}[goos == "windows"], ""},
			{ErrNoSystem, map[bool]Message{true: msgNoSystemWindows, false: msgNoSystem}[goos == "windows"], ""},
			{errors.New("acceso denegado"), msgList, "acceso denegado"},
		} {
			p := forPicker(goos, List{Names: []string{"HP"}}, tc.err, "")
			if p.Ready() || p.Status != tc.status || p.Detail != tc.detail {
				t.Errorf("%s, %v: %+v", goos, tc.err, p)
			}
		}
	}
	w := forPicker("windows", List{}, ErrNoScheduler, "")
	spanishForWindows(t, "spooler stopped", w.Say(nil), "«Cola de impresión»", "«Servicios»")
	spanishForWindows(t, "no winspool", forPicker("windows", List{}, ErrNoSystem, "").Say(nil), "sistema de impresión de Windows")
	if got := forPicker("linux", List{}, errors.New("lpstat -e: exit status 1: boom"), "").Say(nil); got != "No se pudo obtener la lista de impresoras: lpstat -e: exit status 1: boom" {
		t.Errorf("unknown error: %q", got)
	}
	if ErrorMessage(ErrNoScheduler) != errorMessage(runtime.GOOS, ErrNoScheduler) {
		t.Error("ErrorMessage is not this system's")
	}
}

// Printers to choose from: the picker offers them, the last choice first,
// and says nothing.
func TestPickerWithPrinters(t *testing.T) {
	l := List{Names: []string{"Brother", "HP"}, Default: "HP"}
	p := ForPicker(l, nil, "Brother")
	if !p.Ready() || !slices.Equal(p.Names, l.Names) || p.Selected != "Brother" || p.Say(nil) != "" || p.Empty != (Message{}) {
		t.Fatalf("%+v", p)
	}
	if p := ForPicker(l, nil, "Vieja"); p.Selected != "HP" {
		t.Fatalf("a last choice that is gone: %+v", p)
	}
}

// What this computer's print system says (winspool under Wine, with the
// machine's CUPS printers or none; CUPS on Linux) gives a picker that
// offers its printers, or, with none, says so in this system's words.
func TestPickerFromThisSystem(t *testing.T) {
	l, err := Printers(context.Background())
	p := ForPicker(l, err, "")
	t.Logf("printers %q, error %v: %q", l.Names, err, p.Say(nil))
	switch {
	case err != nil:
		if p.Ready() || p.Status != ErrorMessage(err) {
			t.Fatalf("%v: %+v", err, p)
		}
	case len(l.Names) == 0:
		want := msgNoPrinters
		if runtime.GOOS == "windows" {
			want = msgNoPrintersWindows
		}
		if p.Ready() || p.Status != want {
			t.Fatalf("no printers: %+v", p)
		}
	default:
		if !p.Ready() || !slices.Contains(l.Names, p.Selected) || p.Say(nil) != "" {
			t.Fatalf("printers %q: %+v", l.Names, p)
		}
	}
	for _, m := range Messages() {
		if m.Key == "" || strings.TrimSpace(m.Text) == "" {
			t.Errorf("message %+v", m)
		}
	}
}
