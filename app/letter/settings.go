package letter

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"net/url"
	"os"
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

// The settings keys, in data settings of the community; also the keys of
// «comunidad config get/set».
const (
	KeyCommunityName    = "letter.community_name"
	KeyCommunityAddress = "letter.community_address"
	KeyAdminName        = "letter.admin_name"
	KeyAdminEmail       = "letter.admin_email"
	KeyAdminPhone       = "letter.admin_phone"
	KeySignature        = "letter.signature"
	KeyLogo             = "letter.logo" // base64: the image travels with the database
	KeyPortal           = "letter.portal_url"
	KeyPaper            = "letter.paper"
	KeyMarginTop        = "letter.margin_top_mm"
	KeyMarginRight      = "letter.margin_right_mm"
	KeyMarginBottom     = "letter.margin_bottom_mm"
	KeyMarginLeft       = "letter.margin_left_mm"
)

// DefaultSettings are what a community starts with.
func DefaultSettings() Settings {
	return Settings{Paper: Carta, Margins: DefaultMargins}
}

// SettingsStore is where a community's letter settings are kept (data.Store).
type SettingsStore interface {
	Settings(ctx context.Context, community int64) (map[string]string, error)
	InTx(ctx context.Context, fn func(tx data.Tx) error) error
}

// LoadSettings reads a community's letter settings; unset ones keep their defaults.
func LoadSettings(ctx context.Context, st SettingsStore, community int64) (Settings, error) {
	m, err := st.Settings(ctx, community)
	if err != nil {
		return Settings{}, fmt.Errorf("leer la configuración de la carta: %w", err)
	}
	s := DefaultSettings()
	s.CommunityName = m[KeyCommunityName]
	s.CommunityAddress = m[KeyCommunityAddress]
	s.AdminName = m[KeyAdminName]
	s.AdminEmail = m[KeyAdminEmail]
	s.AdminPhone = m[KeyAdminPhone]
	s.SignatureLine = m[KeySignature]
	s.PortalURL = m[KeyPortal]
	if v := m[KeyLogo]; v != "" {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			s.Logo = b
		}
	}
	for _, p := range Papers {
		if string(p) == m[KeyPaper] {
			s.Paper = p
		}
	}
	for key, dst := range map[string]*float64{KeyMarginTop: &s.Margins.Top, KeyMarginRight: &s.Margins.Right,
		KeyMarginBottom: &s.Margins.Bottom, KeyMarginLeft: &s.Margins.Left} {
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
		errs = append(errs, fmt.Errorf("tamaño de papel desconocido %q: use carta, oficio o a4", s.Paper))
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
func SaveSettings(ctx context.Context, st SettingsStore, community int64, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	logo := ""
	if len(s.Logo) > 0 {
		logo = base64.StdEncoding.EncodeToString(s.Logo)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	kv := [][2]string{
		{KeyCommunityName, strings.TrimSpace(s.CommunityName)},
		{KeyCommunityAddress, strings.TrimSpace(s.CommunityAddress)},
		{KeyAdminName, strings.TrimSpace(s.AdminName)},
		{KeyAdminEmail, strings.TrimSpace(s.AdminEmail)},
		{KeyAdminPhone, strings.TrimSpace(s.AdminPhone)},
		{KeySignature, strings.TrimSpace(s.SignatureLine)},
		{KeyLogo, logo},
		{KeyPortal, strings.TrimSpace(s.PortalURL)},
		{KeyPaper, string(s.Paper)},
		{KeyMarginTop, f(s.Margins.Top)},
		{KeyMarginRight, f(s.Margins.Right)},
		{KeyMarginBottom, f(s.Margins.Bottom)},
		{KeyMarginLeft, f(s.Margins.Left)},
	}
	return st.InTx(ctx, func(tx data.Tx) error {
		for _, p := range kv {
			if err := tx.SetSetting(ctx, community, p[0], p[1]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SettingKeys are the letter settings «comunidad config get/set» reaches,
// in the order Configuración → Carta de bienvenida shows them.
var SettingKeys = []string{KeyCommunityName, KeyCommunityAddress, KeyAdminName, KeyAdminEmail, KeyAdminPhone,
	KeySignature, KeyPortal, KeyLogo, KeyPaper, KeyMarginTop, KeyMarginRight, KeyMarginBottom, KeyMarginLeft}

// Get is one setting as «comunidad config get» prints it (the logo
// described, not dumped); ok is false for a key that is not a letter setting.
func (s Settings) Get(key string) (v string, ok bool) {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch key {
	case KeyCommunityName:
		return s.CommunityName, true
	case KeyCommunityAddress:
		return s.CommunityAddress, true
	case KeyAdminName:
		return s.AdminName, true
	case KeyAdminEmail:
		return s.AdminEmail, true
	case KeyAdminPhone:
		return s.AdminPhone, true
	case KeySignature:
		return s.SignatureLine, true
	case KeyPortal:
		return s.PortalURL, true
	case KeyLogo:
		if len(s.Logo) == 0 {
			return "", true
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(s.Logo))
		if err != nil {
			return fmt.Sprintf("imagen de %d KB", max(1, len(s.Logo)>>10)), true
		}
		return fmt.Sprintf("imagen %s de %d × %d píxeles (%d KB)", strings.ToUpper(format), cfg.Width, cfg.Height, max(1, len(s.Logo)>>10)), true
	case KeyPaper:
		return string(s.Paper), true
	case KeyMarginTop:
		return f(s.Margins.Top), true
	case KeyMarginRight:
		return f(s.Margins.Right), true
	case KeyMarginBottom:
		return f(s.Margins.Bottom), true
	case KeyMarginLeft:
		return f(s.Margins.Left), true
	}
	return "", false
}

// Set parses one setting's value into s: the logo's value is the path of a
// PNG or JPEG file ("" takes the logo off), the paper carta, oficio or a4,
// a margin a number of millimetres.
func (s *Settings) Set(key, value string) error {
	value = strings.TrimSpace(value)
	margin := func(dst *float64) error {
		v, err := strconv.ParseFloat(strings.ReplaceAll(value, ",", "."), 64)
		if err != nil {
			return fmt.Errorf("el margen debe ser un número de milímetros, no %q", value)
		}
		*dst = v
		return nil
	}
	switch key {
	case KeyCommunityName:
		s.CommunityName = value
	case KeyCommunityAddress:
		s.CommunityAddress = value
	case KeyAdminName:
		s.AdminName = value
	case KeyAdminEmail:
		s.AdminEmail = value
	case KeyAdminPhone:
		s.AdminPhone = value
	case KeySignature:
		s.SignatureLine = value
	case KeyPortal:
		s.PortalURL = value
	case KeyLogo:
		if value == "" {
			s.Logo = nil
			return nil
		}
		b, err := os.ReadFile(value)
		if err != nil {
			return fmt.Errorf("no se pudo leer el logo %s: %w", value, err)
		}
		s.Logo = b
	case KeyPaper:
		s.Paper = Paper(strings.ToLower(value))
	case KeyMarginTop:
		return margin(&s.Margins.Top)
	case KeyMarginRight:
		return margin(&s.Margins.Right)
	case KeyMarginBottom:
		return margin(&s.Margins.Bottom)
	case KeyMarginLeft:
		return margin(&s.Margins.Left)
	default:
		return fmt.Errorf("clave desconocida %q", key)
	}
	return nil
}

// SetKey checks and stores one letter setting («comunidad config set»).
func SetKey(ctx context.Context, st SettingsStore, community int64, key, value string) error {
	s, err := LoadSettings(ctx, st, community)
	if err != nil {
		return err
	}
	if err := s.Set(key, value); err != nil {
		return err
	}
	return SaveSettings(ctx, st, community, s)
}
