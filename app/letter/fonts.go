package letter

import (
	"fmt"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"comunidad/assets"
)

// The letters are set in Carlito (SIL OFL 1.1, assets/fonts/OFL.txt): a
// sans-serif made for office print, with a plain zero (the Go fonts'
// slashed one read "155Ø"), covering Latin-1 and more, so every Spanish
// letter and sign (á ñ ü ¿ ¡ « » – “ ” €) is there.
var fontData = [4][]byte{
	0:             assets.CarlitoRegular,
	Bold:          assets.CarlitoBold,
	Italic:        assets.CarlitoItalic,
	Bold | Italic: assets.CarlitoBoldItalic,
}

// fontFamilies are the fonts' names in the PDF. gopdf embeds a subset of
// each (only the glyphs used) under the name it is given, so the name
// carries the subset tag ISO 32000-1 §9.6.4 asks for: six capital letters
// and "+", different for each font of a file.
var fontFamilies = [4]string{
	0:             "CMNRGA+Carlito",
	Bold:          "CMNBDA+Carlito-Bold",
	Italic:        "CMNITA+Carlito-Italic",
	Bold | Italic: "CMNBIA+Carlito-BoldItalic",
}

// fontSet is the fonts parsed once per process: gopdf's parsed subsets (a
// FontContainer, copied into each PDF) and the advance widths for layout.
type fontSet struct {
	container *gopdf.FontContainer
	metrics   [4]*metrics
}

// metrics answers advance widths (in ems) from one font.
type metrics struct {
	f     *sfnt.Font
	upem  fixed.Int26_6
	latin [0x300]float64 // precomputed: Basic Latin to Latin Extended-B
	mu    sync.Mutex
	more  map[rune]float64
	buf   sfnt.Buffer
}

var (
	sharedOnce  sync.Once
	sharedFonts *fontSet
	sharedErr   error
	parseCount  int // how many times the fonts were parsed (1 unless a benchmark asks for more)
	parseMu     sync.Mutex
)

// fonts returns the process-wide fonts, parsing them the first time.
func fonts() (*fontSet, error) {
	sharedOnce.Do(func() { sharedFonts, sharedErr = parseFonts() })
	return sharedFonts, sharedErr
}

// substitute is what a character the font lacks is printed as.
const substitute = '?'

func ttfOption(style Style) gopdf.TtfOption {
	return gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return substitute }}
}

func parseFonts() (*fontSet, error) {
	parseMu.Lock()
	parseCount++
	parseMu.Unlock()
	fs := &fontSet{container: &gopdf.FontContainer{}}
	for st := range fontData {
		if err := fs.container.AddTTFFontDataWithOption(fontFamilies[st], fontData[st], ttfOption(Style(st))); err != nil {
			return nil, fmt.Errorf("font %s: %w", fontFamilies[st], err)
		}
		f, err := sfnt.Parse(fontData[st])
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", fontFamilies[st], err)
		}
		m := &metrics{f: f, upem: fixed.Int26_6(f.UnitsPerEm()), more: map[rune]float64{}}
		for r := range m.latin {
			m.latin[r] = m.compute(rune(r))
		}
		fs.metrics[st] = m
	}
	return fs, nil
}

// compute is the advance of r in ems; a missing glyph measures as its substitute.
func (m *metrics) compute(r rune) float64 {
	idx, err := m.f.GlyphIndex(&m.buf, r)
	if err != nil || idx == 0 {
		if r == substitute {
			return 0.5
		}
		idx, _ = m.f.GlyphIndex(&m.buf, substitute)
	}
	adv, err := m.f.GlyphAdvance(&m.buf, idx, m.upem, font.HintingNone)
	if err != nil {
		return 0.5
	}
	return float64(adv) / float64(m.upem)
}

// has reports whether the font draws r itself.
func (m *metrics) has(r rune) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	idx, err := m.f.GlyphIndex(&m.buf, r)
	return err == nil && idx != 0
}

// width is the advance of s at size points.
func (m *metrics) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0 && int(r) < len(m.latin) {
			w += m.latin[r]
			continue
		}
		m.mu.Lock()
		v, ok := m.more[r]
		if !ok {
			v = m.compute(r)
			m.more[r] = v
		}
		m.mu.Unlock()
		w += v
	}
	return w * size
}
