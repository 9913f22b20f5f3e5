package data

import (
	"errors"
	"strconv"
	"strings"
)

// ErrRUT is returned for a RUT that is malformed or whose check digit is wrong.
var ErrRUT = errors.New("RUT inválido")

// NormalizeRUT accepts a Chilean RUT in any of the usual spellings
// ("12.345.678-5", "12345678-5", "123456785", " 7.654.321-k ") and returns it
// as digits, a hyphen and an upper-case check digit ("12345678-5"), after
// verifying the check digit (módulo 11). An empty input returns "" and no error.
func NormalizeRUT(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', ' ', '\u00a0', '‐', '–':
			return -1
		}
		return r
	}, strings.ToUpper(s))
	clean = strings.TrimLeft(clean, "0")
	if len(clean) < 2 || len(clean) > 9 {
		return "", ErrRUT
	}
	body, dv := clean[:len(clean)-1], clean[len(clean)-1:]
	for _, r := range body {
		if r < '0' || r > '9' {
			return "", ErrRUT
		}
	}
	body = strings.TrimLeft(body, "0")
	if body == "" {
		return "", ErrRUT
	}
	if checkDigit(body) != dv {
		return "", ErrRUT
	}
	return body + "-" + dv, nil
}

// FormatRUT shows a normalised RUT the Chilean way: "12.345.678-5".
func FormatRUT(rut string) string {
	body, dv, ok := strings.Cut(rut, "-")
	if !ok {
		return rut
	}
	var b strings.Builder
	for i, r := range body {
		if i > 0 && (len(body)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + "-" + dv
}

func checkDigit(body string) string {
	sum, mul := 0, 2
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * mul
		mul++
		if mul > 7 {
			mul = 2
		}
	}
	switch r := 11 - sum%11; r {
	case 11:
		return "0"
	case 10:
		return "K"
	default:
		return strconv.Itoa(r)
	}
}
