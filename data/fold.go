package data

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips its accents ("Núñez" -> "nunez"), so that
// searches and name matches ignore both. ASCII input takes a fast path, and
// so do the Latin letters with accents (a table): folding a community's
// 30,000 names runs the text transformer only for what lies beyond them.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
		case r < foldTableEnd:
			b.WriteString(foldTable[r-utf8.RuneSelf])
		default:
			return foldSlow(s)
		}
	}
	return b.String()
}

// foldTableEnd bounds the table: U+0080 to U+024F, Latin-1 and Latin
// Extended-A and B.
const foldTableEnd = 0x250

// foldTable is what foldSlow makes of each rune below foldTableEnd.
var foldTable = func() []string {
	t := make([]string, foldTableEnd-utf8.RuneSelf)
	for r := rune(utf8.RuneSelf); r < foldTableEnd; r++ {
		t[r-utf8.RuneSelf] = foldSlow(string(r))
	}
	return t
}()

// foldSlow decomposes s, drops the combining marks and lower-cases it.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Capitalize upper-cases the first letter of s ("la persona" -> "La persona").
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Slug is s as a file name safe on every system: lower-case ASCII letters
// and digits, words joined by hyphens, at most about 60 characters;
// fallback when nothing is left («Edificio Los Álamos» → edificio-los-alamos).
func Slug(s, fallback string) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	if slug := strings.Trim(b.String(), "-"); slug != "" {
		return slug
	}
	return fallback
}
