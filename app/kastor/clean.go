package kastor

import (
	"strings"
	"unicode/utf8"
)

// maxFieldRunes is the longest text a field keeps: longer than any name,
// address or email (254) Kastor holds. A 10 MB "name" is cut, and said so.
const maxFieldRunes = 300

// formulaErrors are the values Excel shows for a formula that failed.
var formulaErrors = map[string]bool{
	"#N/A": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true, "#NUM!": true,
	"#NULL!": true, "#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true, "#FIELD!": true, "#BLOCKED!": true,
	"#CONNECT!": true, "#BUSY!": true, "#UNKNOWN!": true,
	// Excel in Spanish.
	"#N/D": true, "#¡DIV/0!": true, "#¡VALOR!": true, "#¡REF!": true, "#¿NOMBRE?": true, "#¡NUM!": true, "#¡NULO!": true,
}

// clean makes a row's cells safe to store, in place, reporting what it
// changed: a formula's error value becomes empty; control characters,
// bidirectional overrides and invisible marks (which make a name display
// as another, or break the letters and the users file) are removed; a
// field longer than maxFieldRunes is cut.
func (b *builder) clean(num int, row []string) {
	for i, v := range row {
		if !needsCleaning(v) {
			continue
		}
		col := "sin encabezado"
		if i < len(b.cols.names) && b.cols.names[i] != "" {
			col = "«" + b.cols.names[i] + "»"
		}
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "#") && formulaErrors[strings.ToUpper(t)] {
			b.problem(num, "la columna %s tiene el error de fórmula %s: se dejó vacía", col, t)
			row[i] = ""
			continue
		}
		out, removed := stripInvisible(v)
		if removed > 0 {
			b.problem(num, "la columna %s tenía %d caracteres de control o de dirección de texto (invisibles): se quitaron", col, removed)
		}
		if n := utf8.RuneCountInString(out); n > maxFieldRunes {
			cut := 0
			for k := range out {
				if cut == maxFieldRunes {
					out = out[:k]
					break
				}
				cut++
			}
			b.problem(num, "la columna %s tiene %d caracteres: se guardaron los primeros %d", col, n, maxFieldRunes)
		}
		row[i] = out
	}
}

// needsCleaning is the fast test: plain text of a reasonable length, which
// is nearly every cell, passes without decoding.
func needsCleaning(v string) bool {
	if len(v) > maxFieldRunes || strings.HasPrefix(strings.TrimSpace(v), "#") {
		return true
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 || c == 0xd8 || c == 0xe2 || c == 0xef: // C1 controls, U+061C, U+200x/U+202x/U+206x, U+FEFF
			return true
		}
	}
	return false
}

// invisible reports the characters clean removes.
func invisible(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200b, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069, r == 0xfeff, r == 0x2028, r == 0x2029, r == utf8.RuneError:
		return true
	}
	return false
}

// stripInvisible removes them (a tab or line break becomes a space, so
// words stay apart) and says how many it removed.
func stripInvisible(v string) (string, int) {
	var sb strings.Builder
	removed := 0
	for _, r := range v {
		if !invisible(r) {
			sb.WriteRune(r)
			continue
		}
		if r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 {
			sb.WriteByte(' ')
			continue
		}
		removed++
	}
	return sb.String(), removed
}
