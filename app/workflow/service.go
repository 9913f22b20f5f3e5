package workflow

import (
	"crypto/tls"

	"comunidad/app/mailer"
	"comunidad/data"
)

// Service runs the workflows on one database.
type Service struct {
	Store *data.Store
	// Secrets holds the SMTP passwords and the Kastor URL tokens; nil uses
	// the installation's own credential store (mailer.OpenSecrets).
	Secrets mailer.Secrets
	// TLSConfig adds to the SMTP connection's TLS settings (tests trust
	// their own server's certificate with it); nil in the product.
	TLSConfig *tls.Config
}

// New is the service on st, with the installation's credential store.
func New(st *data.Store) *Service { return &Service{Store: st} }

func (s *Service) secrets() mailer.Secrets {
	if s.Secrets != nil {
		return s.Secrets
	}
	return mailer.OpenSecrets(s.Store.Path())
}
