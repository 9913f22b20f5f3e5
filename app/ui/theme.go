package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme with the colours changed so that every
// text meets WCAG AA contrast (4.5:1) against what it is drawn on, and every
// control's outline (entries, unchecked checkboxes and radios) 3:1, in the
// light and the dark variant alike. Fyne's defaults leave read-only fields
// at 1.3:1, placeholders at 3.5:1, unchecked boxes looking disabled and
// warning text at 2.2:1. Sizes, fonts and icons stay Fyne's own.
type appTheme struct {
	fyne.Theme
	// variant, when set, is used whatever the system asks for (the letter
	// preview is always light, like paper).
	variant *fyne.ThemeVariant
}

// Theme is the application's theme; New sets it on the app.
func Theme() fyne.Theme { return &appTheme{Theme: theme.DefaultTheme()} }

// lightTheme is the light variant whatever the system's: for paper.
func lightTheme() fyne.Theme {
	v := theme.VariantLight
	return &appTheme{Theme: theme.DefaultTheme(), variant: &v}
}

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

func rgba(v uint32, a uint8) color.NRGBA {
	c := rgb(v)
	c.A = a
	return c
}

// palette is one variant's colours; names it lacks are Fyne's.
type palette map[fyne.ThemeColorName]color.Color

var lightPalette = palette{
	theme.ColorNameBackground:          rgb(0xffffff),
	theme.ColorNameForeground:          rgb(0x1f1f1f),
	theme.ColorNameDisabled:            rgb(0x616161), // read-only fields stay readable
	theme.ColorNamePlaceHolder:         rgb(0x6b6b6b),
	theme.ColorNameInputBackground:     rgb(0xf6f6f6),
	theme.ColorNameInputBorder:         rgb(0x858585), // also unchecked boxes and radios
	theme.ColorNameButton:              rgb(0xebebeb),
	theme.ColorNameDisabledButton:      rgb(0xf0f0f0),
	theme.ColorNameMenuBackground:      rgb(0xf5f5f5),
	theme.ColorNameOverlayBackground:   rgb(0xffffff),
	theme.ColorNameHeaderBackground:    rgb(0xf0f0f0),
	theme.ColorNameSeparator:           rgb(0xcfcfcf),
	theme.ColorNamePrimary:             rgb(0x1a5fd8),
	theme.ColorNameHyperlink:           rgb(0x1a5fd8),
	theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
	theme.ColorNameFocus:               rgba(0x1a5fd8, 0x80),
	theme.ColorNameSelection:           rgba(0x1a5fd8, 0x30),
	theme.ColorNameHover:               rgba(0x000000, 0x0f),
	theme.ColorNamePressed:             rgba(0x000000, 0x19),
	theme.ColorNameWarning:             rgb(0x9a5200),
	theme.ColorNameForegroundOnWarning: rgb(0xffffff),
	theme.ColorNameError:               rgb(0xc0262d),
	theme.ColorNameForegroundOnError:   rgb(0xffffff),
	theme.ColorNameSuccess:             rgb(0x1e7a34),
	theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
}

var darkPalette = palette{
	theme.ColorNameBackground:          rgb(0x17171a),
	theme.ColorNameForeground:          rgb(0xf0f0f0),
	theme.ColorNameDisabled:            rgb(0xa3a3a3),
	theme.ColorNamePlaceHolder:         rgb(0xababab),
	theme.ColorNameInputBackground:     rgb(0x232328),
	theme.ColorNameInputBorder:         rgb(0x808088),
	theme.ColorNameButton:              rgb(0x2f3036),
	theme.ColorNameDisabledButton:      rgb(0x26272c),
	theme.ColorNameMenuBackground:      rgb(0x26272c),
	theme.ColorNameOverlayBackground:   rgb(0x1e2027),
	theme.ColorNameHeaderBackground:    rgb(0x222226),
	theme.ColorNameSeparator:           rgb(0x44444a),
	theme.ColorNamePrimary:             rgb(0x6aa5ff),
	theme.ColorNameHyperlink:           rgb(0x7eb1ff),
	theme.ColorNameForegroundOnPrimary: rgb(0x0d1a2e),
	theme.ColorNameFocus:               rgba(0x6aa5ff, 0x80),
	theme.ColorNameSelection:           rgba(0x6aa5ff, 0x40),
	theme.ColorNameHover:               rgba(0xffffff, 0x14),
	theme.ColorNamePressed:             rgba(0xffffff, 0x22),
	theme.ColorNameWarning:             rgb(0xffb74d),
	theme.ColorNameForegroundOnWarning: rgb(0x1f1300),
	theme.ColorNameError:               rgb(0xff7b7b),
	theme.ColorNameForegroundOnError:   rgb(0x2a0000),
	theme.ColorNameSuccess:             rgb(0x6fcf7f),
	theme.ColorNameForegroundOnSuccess: rgb(0x002a0a),
}

func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	p := lightPalette
	if v == theme.VariantDark {
		p = darkPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// paperSheet shows o as on a sheet of paper: white, in the light variant
// whatever the window's, as the letter prints.
func paperSheet(o fyne.CanvasObject) fyne.CanvasObject {
	sheet := canvas.NewRectangle(color.White)
	return container.NewThemeOverride(container.NewStack(sheet, o), lightTheme())
}
