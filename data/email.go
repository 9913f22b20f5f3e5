package data

import (
	"errors"
	"net/mail"
	"strings"
)

// ErrEmail is returned for an address that cannot receive mail.
var ErrEmail = errors.New("correo inválido")

// NormalizeEmail trims and lower-cases an address and checks that it is a
// plain address with a domain that has a dot ("ana@example.cl", not
// "Ana <ana@x>", "ana@", "ana@localhost" or "ana @x.cl"). An empty input
// returns "" and no error.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", ErrEmail
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " \t\"(),:;<>[\\]") {
		return "", ErrEmail
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", ErrEmail
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", ErrEmail
		}
	}
	if tld := labels[len(labels)-1]; len(tld) < 2 {
		return "", ErrEmail
	}
	return s, nil
}
