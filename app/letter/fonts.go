package letter

import (
	"fmt"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The letters are set in the Go fonts (BSD licence, see
// golang.org/x/image/font/gofont): they cover Latin-1 and WGL4, so every
// Spanish letter and sign (á ñ ü ¿ ¡ « » – “ ” €) is there.
var fontData = [4][]byte{
	0:             goregular.TTF,
	Bold:          gobold.TTF,
	Italic:        goitalic.TTF,
	Bold | Italic: gobolditalic.TTF,
}

var fontFamilies = [4]string{
	0:             "GoRegular",
	Bold:          "GoBold",
	Italic:        "GoItalic",
	Bold | Italic: "GoBoldItalic",
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
