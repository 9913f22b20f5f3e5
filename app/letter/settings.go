package letter

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"net/url"
	"strconv"
	"strings"

	"comunidad/data"
)

// Paper is a sheet size offered for letters.
type Paper string

const (
	Carta  Paper = "carta"  // US Letter, 215.9 × 279.4 mm: the usual one in Chile
	Oficio Paper = "oficio" // Chilean oficio, 215.9 × 330.2 mm
	A4     Paper = "a4"     // 210 × 297 mm
)

// Papers lists the sizes in the order the settings offer them.
var Papers = []Paper{Carta, Oficio, A4}

// Label is the size as the interface names it.
func (p Paper) Label() string {
	switch p {
	case Oficio:
		return "Oficio"
	case A4:
		return "A4"
	}
	return "Carta"
}

// sizeMM is the sheet's width and height in millimetres.
func (p Paper) sizeMM() (w, h float64) {
	switch p {
	case Oficio:
		return 215.9, 330.2
	case A4:
		return 210, 297
	}
	return 215.9, 279.4
}

// Margins are the blank borders of the page, in millimetres.
type Margins struct {
	Top, Right, Bottom, Left float64
}

// DefaultMargins suit a letter printed on plain paper or a letterhead.
var DefaultMargins = Margins{Top: 20, Right: 25, Bottom: 20, Left: 25}

// Settings are a community's letter settings.
type Settings struct {
	CommunityName    string // empty: the community's own name
	CommunityAddress string // empty: the community's own address
	AdminName        string
	AdminEmail       string
	AdminPhone       string
	SignatureLine    string // under the administrator's name, e.g. "Administración Edificio Los Álamos"
	Logo             []byte // PNG or JPEG, nil for none
	PortalURL        string
	Paper            Paper
	Margins          Margins
}

// The settings keys, in data settings of the community.
const (
	keyCommunityName    = "letter.community_name"
	keyCommunityAddress = "letter.community_address"
	keyAdminName        = "letter.admin_name"
	keyAdminEmail       = "letter.admin_email"
	keyAdminPhone       = "letter.admin_phone"
	keySignature        = "letter.signature"
	keyLogo             = "letter.logo" // base64: the image travels with the database
	keyPortal           = "letter.portal_url"
	keyPaper            = "letter.paper"
	keyMarginTop        = "letter.margin_top_mm"
	keyMarginRight      = "letter.margin_right_mm"
	keyMarginBottom     = "letter.margin_bottom_mm"
	keyMarginLeft       = "letter.margin_left_mm"
)

// DefaultSettings are what a community starts with.
func DefaultSettings() Settings {
	return Settings{Paper: Carta, Margins: DefaultMargins}
}

// LoadSettings reads a community's letter settings; unset ones keep their defaults.
func LoadSettings(ctx context.Context, st *data.Store, community int64) (Settings, error) {
	m, err := st.Settings(ctx, community)
	if err != nil {
		return Settings{}, fmt.Errorf("leer la configuración de la carta: %w", err)
	}
	s := DefaultSettings()
	s.CommunityName = m[keyCommunityName]
	s.CommunityAddress = m[keyCommunityAddress]
	s.AdminName = m[keyAdminName]
	s.AdminEmail = m[keyAdminEmail]
	s.AdminPhone = m[keyAdminPhone]
	s.SignatureLine = m[keySignature]
	s.PortalURL = m[keyPortal]
	if v := m[keyLogo]; v != "" {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			s.Logo = b
		}
	}
	for _, p := range Papers {
		if string(p) == m[keyPaper] {
			s.Paper = p
		}
	}
	for key, dst := range map[string]*float64{keyMarginTop: &s.Margins.Top, keyMarginRight: &s.Margins.Right,
		keyMarginBottom: &s.Margins.Bottom, keyMarginLeft: &s.Margins.Left} {
		if v, err := strconv.ParseFloat(m[key], 64); err == nil {
			*dst = v
		}
	}
	return s, nil
}

// Limits of a margin, in millimetres.
const (
	MinMargin = 5
	MaxMargin = 60
)

// Validate checks the settings before they are saved, with messages for the user.
func (s Settings) Validate() error {
	var errs []error
	if e := strings.TrimSpace(s.AdminEmail); e != "" {
		if _, err := data.NormalizeEmail(e); err != nil {
			errs = append(errs, fmt.Errorf("correo del administrador: %w", err))
		}
	}
	if p := strings.TrimSpace(s.PortalURL); p != "" {
		u, err := url.Parse(p)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, errors.New("portal: escriba la dirección completa, como https://portal.ejemplo.cl"))
		}
	}
	if len(s.Logo) > 0 {
		if err := CheckLogo(s.Logo); err != nil {
			errs = append(errs, err)
		}
	}
	for name, v := range map[string]float64{"superior": s.Margins.Top, "derecho": s.Margins.Right,
		"inferior": s.Margins.Bottom, "izquierdo": s.Margins.Left} {
		if v < MinMargin || v > MaxMargin {
			errs = append(errs, fmt.Errorf("margen %s: debe estar entre %d y %d mm", name, MinMargin, MaxMargin))
		}
	}
	ok := false
	for _, p := range Papers {
		ok = ok || p == s.Paper
	}
	if !ok {
		errs = append(errs, fmt.Errorf("tamaño de papel desconocido %q", s.Paper))
	}
	return errors.Join(errs...)
}

// MaxLogoBytes keeps the logo (stored in the database, embedded in every
// PDF) reasonable.
const MaxLogoBytes = 2 << 20

// CheckLogo accepts a PNG or JPEG image of reasonable size.
func CheckLogo(b []byte) error {
	if len(b) > MaxLogoBytes {
		return fmt.Errorf("logo: la imagen pesa %d KB; use una de hasta %d KB", len(b)>>10, MaxLogoBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") {
		return errors.New("logo: el archivo no es una imagen PNG o JPEG")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > 6000 || cfg.Height > 6000 {
		return errors.New("logo: la imagen debe medir entre 1 y 6000 píxeles por lado")
	}
	return nil
}

// SaveSettings validates s and stores it, all or nothing.
func SaveSettings(ctx context.Context, st *data.Store, community int64, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	logo := ""
	if len(s.Logo) > 0 {
		logo = base64.StdEncoding.EncodeToString(s.Logo)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	kv := [][2]string{
		{keyCommunityName, strings.TrimSpace(s.CommunityName)},
		{keyCommunityAddress, strings.TrimSpace(s.CommunityAddress)},
		{keyAdminName, strings.TrimSpace(s.AdminName)},
		{keyAdminEmail, strings.TrimSpace(s.AdminEmail)},
		{keyAdminPhone, strings.TrimSpace(s.AdminPhone)},
		{keySignature, strings.TrimSpace(s.SignatureLine)},
		{keyLogo, logo},
		{keyPortal, strings.TrimSpace(s.PortalURL)},
		{keyPaper, string(s.Paper)},
		{keyMarginTop, f(s.Margins.Top)},
		{keyMarginRight, f(s.Margins.Right)},
		{keyMarginBottom, f(s.Margins.Bottom)},
		{keyMarginLeft, f(s.Margins.Left)},
	}
	return st.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range kv {
			if err := data.SetSettingTx(ctx, tx, community, p[0], p[1]); err != nil {
				return err
			}
		}
		return nil
	})
}
