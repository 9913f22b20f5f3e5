package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over paints c (maybe translucent) over the opaque bg.
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}

func hexColor(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}

// paintedText is a text as the canvas paints it: its colour and the colour
// of what is painted under it, composed from every rectangle below it.
type paintedText struct {
	text   string
	fg, bg color.Color
}

type paintedRect struct {
	pos  fyne.Position
	size fyne.Size
	fill color.Color
}

// paintedTexts walks what c draws in painting order (content, then the
// overlays; a container's objects and a widget's renderer objects in order,
// each over what came before) and returns every visible text with the
// colour it is drawn on.
func paintedTexts(c fyne.Canvas, windowBg color.Color) []paintedText {
	var rects []paintedRect
	var out []paintedText
	var walk func(o fyne.CanvasObject, origin fyne.Position)
	walk = func(o fyne.CanvasObject, origin fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		pos := origin.Add(o.Position())
		switch x := o.(type) {
		case *canvas.Rectangle:
			if x.FillColor != nil {
				if _, _, _, a := x.FillColor.RGBA(); a > 0 && x.Size().Width > 0 && x.Size().Height > 0 {
					rects = append(rects, paintedRect{pos, x.Size(), x.FillColor})
				}
			}
		case *canvas.Text:
			if strings.TrimSpace(x.Text) == "" || x.Size().Width <= 0 {
				return
			}
			center := pos.Add(fyne.NewPos(x.Size().Width/2, x.Size().Height/2))
			bg := windowBg
			for _, r := range rects {
				if center.X >= r.pos.X && center.X < r.pos.X+r.size.Width && center.Y >= r.pos.Y && center.Y < r.pos.Y+r.size.Height {
					bg = over(r.fill, bg)
				}
			}
			out = append(out, paintedText{x.Text, over(x.Color, bg), bg})
		case *fyne.Container:
			for _, ch := range x.Objects {
				walk(ch, pos)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				walk(ch, pos)
			}
		}
	}
	walk(c.Content(), fyne.Position{})
	for _, o := range c.Overlays().List() {
		walk(o, fyne.Position{})
	}
	return out
}

// TestThemeContrast renders the main views (the units tab with every kind of
// row, the Herramientas modal, every Configuración section, the send and the
// download dialogs) in the light and the dark variant and checks each text
// the canvas paints against what it is painted on: 4.5:1 at least (WCAG
// AA), disabled fields and placeholders included.
func TestThemeContrast(t *testing.T) {
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		t.Run(name, func(t *testing.T) {
			u, w, tab := loadedTab(t)
			variant := v
			th := &appTheme{Theme: theme.DefaultTheme(), variant: &variant}
			u.app.Settings().SetTheme(th)
			u.config = newConfigTab(u)
			u.tabs.Items[1].Content = u.config.content()
			u.config.setCommunity(u.community)
			bg := th.Color(theme.ColorNameBackground, v)
			checked := 0
			check := func(view string) {
				t.Helper()
				// Lay out what changed since the last frame (a real window
				// does before painting): wrapped labels take their lines.
				w.Content().Refresh()
				for _, o := range w.Canvas().Overlays().List() {
					o.Refresh()
				}
				for _, p := range paintedTexts(w.Canvas(), bg) {
					checked++
					if p.text == "(Select one)" {
						t.Errorf("%s: Fyne's English placeholder %q", view, p.text)
					}
					if r := contrast(p.fg, p.bg); r < 4.5 {
						t.Errorf("%s: %q is %s on %s, contrast %.2f:1 (want 4.5:1)", view, p.text, hexColor(p.fg), hexColor(p.bg), r)
					}
				}
			}
			// The tab: a selection (enabled and disabled buttons), a search
			// in the box, an archived row, a row without email.
			tab.archived.SetChecked(true)
			tab.toggleUnit(1)
			check("units tab")
			test.Type(tab.search, "zzz")
			check("units tab, nothing found")
			tab.search.SetText("")

			m := openUnitModal(t, tab, "101")
			check("Herramientas modal")
			m.dlg.Hide()

			u.onLetterSend([]int64{1, 2})
			check("send dialog")
			closeOverlays(w)
			dl := u.newLetterDownload([]int64{1, 2})
			<-dl.loaded // its load runs on a goroutine of its own
			check("download dialog")
			closeOverlays(w)

			u.tabs.SelectIndex(1)
			for i, s := range u.config.sections {
				u.config.list.Select(i)
				check("Configuración → " + s.title())
			}
			if checked < 100 {
				t.Fatalf("only %d texts checked: the walk is broken", checked)
			}
		})
	}
}

func closeOverlays(w fyne.Window) {
	for w.Canvas().Overlays().Top() != nil {
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}
}

// TestThemeControlsContrast: what marks a control (an entry's or unchecked
// box's outline, a checked box, the focus) stands 3:1 against every surface
// controls sit on, and the texts drawn on coloured buttons 4.5:1.
func TestThemeControlsContrast(t *testing.T) {
	th := Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		col := func(n fyne.ThemeColorName) color.Color {
			return over(th.Color(n, v), th.Color(theme.ColorNameBackground, v))
		}
		surfaces := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground}
		for _, mark := range []fyne.ThemeColorName{theme.ColorNameInputBorder, theme.ColorNamePrimary, theme.ColorNameForeground} {
			for _, s := range surfaces {
				if r := contrast(col(mark), col(s)); r < 3 {
					t.Errorf("variant %d: %s on %s is %.2f:1 (want 3:1)", v, mark, s, r)
				}
			}
		}
		for _, pair := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
			{theme.ColorNameForeground, theme.ColorNameButton},
			{theme.ColorNameDisabled, theme.ColorNameDisabledButton},
			{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
			{theme.ColorNameDisabled, theme.ColorNameInputBackground},
			{theme.ColorNameForeground, theme.ColorNameHeaderBackground},
			{theme.ColorNameHyperlink, theme.ColorNameBackground},
			{theme.ColorNameWarning, theme.ColorNameBackground},
			{theme.ColorNameError, theme.ColorNameBackground},
			{theme.ColorNameSuccess, theme.ColorNameBackground},
			{theme.ColorNamePrimary, theme.ColorNameOverlayBackground},
		} {
			if r := contrast(col(pair[0]), col(pair[1])); r < 4.5 {
				t.Errorf("variant %d: %s on %s is %.2f:1 (want 4.5:1)", v, pair[0], pair[1], r)
			}
		}
		// Selected text keeps its contrast.
		sel := over(th.Color(theme.ColorNameSelection, v), col(theme.ColorNameInputBackground))
		if r := contrast(col(theme.ColorNameForeground), sel); r < 4.5 {
			t.Errorf("variant %d: text on the selection is %.2f:1", v, r)
		}
	}
}

// TestLetterPreviewOnPaper: the letter preview is black on white in the
// dark variant too.
func TestLetterPreviewOnPaper(t *testing.T) {
	s := widget.NewLabel("Estimado vecino")
	o := paperSheet(s)
	w := test.NewTempWindow(t, o)
	dark := theme.VariantDark
	fyne.CurrentApp().Settings().SetTheme(&appTheme{Theme: theme.DefaultTheme(), variant: &dark})
	w.Resize(fyne.NewSize(300, 100))
	o.Refresh()
	got := paintedTexts(w.Canvas(), color.Black)
	if len(got) != 1 {
		t.Fatalf("painted %d texts", len(got))
	}
	if hexColor(got[0].bg) != "#ffffff" || contrast(got[0].fg, got[0].bg) < 7 {
		t.Fatalf("preview text %s on %s", hexColor(got[0].fg), hexColor(got[0].bg))
	}
}
