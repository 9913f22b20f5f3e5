package printers

import "testing"

func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		name string
		l    List
		last string
		want string
	}{
		{"no printers", List{}, "Oficina", ""},
		{"printers, no default (CUPS allows it)", List{Names: []string{"Brother", "HP"}}, "", "Brother"},
		{"the default", List{Names: []string{"Brother", "HP"}, Default: "HP"}, "", "HP"},
		{"the last choice wins", List{Names: []string{"Brother", "HP"}, Default: "HP"}, "Brother", "Brother"},
		{"a last choice that is gone", List{Names: []string{"Brother", "HP"}, Default: "HP"}, "Canon", "HP"},
		{"a default that is not listed", List{Names: []string{"Brother"}, Default: "Vieja"}, "", "Brother"},
	} {
		if got := tt.l.Choose(tt.last); got != tt.want {
			t.Errorf("%s: Choose(%q) = %q, want %q", tt.name, tt.last, got, tt.want)
		}
	}
}
