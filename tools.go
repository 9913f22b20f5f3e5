//go:build tools

// This file pins the modules the project uses before every one of them is
// imported by code, so `go mod tidy` keeps them; it is never built.
package comunidad

import (
	_ "github.com/emersion/go-smtp"
	_ "github.com/signintech/gopdf"
	_ "github.com/wneessen/go-mail"
	_ "github.com/xuri/excelize/v2"
	_ "github.com/zalando/go-keyring"
	_ "golang.org/x/text/encoding/charmap"
)
