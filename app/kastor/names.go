package kastor

import (
	"strings"

	"comunidad/data"
)

// surnameParticles are the words that belong to the surname after them
// ("de la Fuente", "del Río", "San Martín").
var surnameParticles = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true,
	"da": true, "das": true, "do": true, "dos": true, "van": true, "von": true,
	"der": true, "di": true, "san": true, "santa": true,
}

// SplitFullName splits a Spanish full name into given names and surnames.
// Chilean names carry two surnames, last: "María José Pérez González" is
// María José / Pérez González, "Juan Pérez González" is Juan / Pérez
// González, "Juan Pérez" is Juan / Pérez. A surname keeps the particles
// before it ("Ana María de la Fuente Soto" is Ana María / de la Fuente Soto).
// "Pérez González, María José" (surnames first, then a comma) is understood
// too. At least one given name is always kept, so "Pedro" is Pedro / "".
func SplitFullName(full string) (first, last string) {
	full = strings.Join(strings.Fields(full), " ")
	if before, after, ok := strings.Cut(full, ","); ok {
		last, first = strings.TrimSpace(before), strings.TrimSpace(after)
		if first != "" && last != "" {
			return first, last
		}
		full = strings.TrimSpace(before + " " + after)
	}
	words := strings.Fields(full)
	if len(words) <= 1 {
		return full, ""
	}
	start := len(words) // words[start:] are surnames
	for n := 0; n < 2 && start > 1; n++ {
		i := start - 1 // the surname's main word
		for i > 1 && surnameParticles[data.Fold(words[i-1])] {
			i--
		}
		start = i
	}
	return strings.Join(words[:start], " "), strings.Join(words[start:], " ")
}
