package kastor

import "testing"

func TestSplitFullName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"", "", ""},
		{"Pedro", "Pedro", ""},
		{"Juan Pérez", "Juan", "Pérez"},
		{"Juan Pérez González", "Juan", "Pérez González"},
		{"María José Pérez González", "María José", "Pérez González"},
		{"  María   José  Núñez  Peña ", "María José", "Núñez Peña"},
		{"Ana María de la Fuente Soto", "Ana María", "de la Fuente Soto"},
		{"María de los Ángeles Rojas Díaz", "María de los Ángeles", "Rojas Díaz"},
		{"José del Río Ortúzar", "José", "del Río Ortúzar"},
		{"Bernardo San Martín", "Bernardo", "San Martín"},
		{"Pérez González, María José", "María José", "Pérez González"},
		{"Pérez,", "Pérez", ""},
		{"Juan de Dios", "Juan", "de Dios"},
	}
	for _, tt := range tests {
		f, l := SplitFullName(tt.in)
		if f != tt.first || l != tt.last {
			t.Errorf("SplitFullName(%q) = %q / %q, want %q / %q", tt.in, f, l, tt.first, tt.last)
		}
	}
}
