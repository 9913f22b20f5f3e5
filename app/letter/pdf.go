package letter

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/image/draw"

	"comunidad/app/atomicfile"
)

// Creator is the PDF's "creator" metadata.
const Creator = "Comunidad"

// Renderer turns merged letters into PDF with one community's settings
// (paper, margins, logo, header and signature). It is cheap to make: the
// fonts are parsed once per process and shared. A Renderer may be used by
// one goroutine at a time.
type Renderer struct {
	s     Settings
	fonts *fontSet

	// OnProgress, when set, is called after each letter with how many of
	// the total are done.
	OnProgress func(done, total int)

	pageW, pageH             float64 // points
	top, right, bottom, left float64
	logoW, logoH             float64 // 0 without a logo
	logo                     []byte  // the logo as embedded: 8-bit PNG, at most maxLogoPx
	header                   [2]string

	parsePerDoc bool // benchmarks only: parse the fonts again for every PDF
}

const mmToPt = 72 / 25.4

// Type sizes and spacing, in points.
const (
	bodySize    = 11.0
	bodyLeading = 15.0
	titleSize   = 13.5
	titleLead   = 18.0
	nameSize    = 12.5
	addrSize    = 9.5
	smallSize   = 8.5
	paraGap     = 7.0
	bulletGap   = 3.0
	bulletInd   = 18.0
	maxLogoH    = 48.0
	maxLogoW    = 150.0
)

// NewRenderer prepares a renderer for the settings s.
func NewRenderer(s Settings) (*Renderer, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	if s.Paper == "" {
		s.Paper = Carta
	}
	if s.Margins == (Margins{}) {
		s.Margins = DefaultMargins
	}
	r := &Renderer{s: s, fonts: fs}
	w, h := s.Paper.sizeMM()
	r.pageW, r.pageH = w*mmToPt, h*mmToPt
	r.top, r.right, r.bottom, r.left = s.Margins.Top*mmToPt, s.Margins.Right*mmToPt, s.Margins.Bottom*mmToPt, s.Margins.Left*mmToPt
	if len(s.Logo) > 0 {
		logo, err := normalizeLogo(s.Logo)
		if err != nil {
			return nil, err
		}
		r.logo = logo
		cfg, _, _ := image.DecodeConfig(bytes.NewReader(logo))
		r.logoH = maxLogoH
		r.logoW = float64(cfg.Width) * maxLogoH / float64(cfg.Height)
		if r.logoW > maxLogoW {
			r.logoW = maxLogoW
			r.logoH = float64(cfg.Height) * maxLogoW / float64(cfg.Width)
		}
	}
	r.header = [2]string{clean(s.CommunityName), clean(s.CommunityAddress)}
	return r, nil
}

// SetHeader sets the community name and address printed at the top of
// every page (the settings' own, when set, are already there).
func (r *Renderer) SetHeader(name, address string) {
	if r.header[0] == "" {
		r.header[0] = clean(name)
	}
	if r.header[1] == "" {
		r.header[1] = clean(address)
	}
}

// PDF writes docs as one PDF, each letter starting on a new page. It
// stops with ctx's error when ctx is cancelled, having written nothing.
func (r *Renderer) PDF(ctx context.Context, docs []Doc, w io.Writer) error {
	if len(docs) == 0 {
		return fmt.Errorf("no hay cartas que generar")
	}
	pdf, err := r.start(docs)
	if err != nil {
		return err
	}
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.draw(pdf, d); err != nil {
			return fmt.Errorf("carta %d: %w", i+1, err)
		}
		if r.OnProgress != nil {
			r.OnProgress(i+1, len(docs))
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(docs) > 20 {
		defer relaxGC()()
	}
	// gopdf ignores the errors of its writes (a full disk gave a PDF with
	// no xref table and no error): every write goes through one that keeps
	// the first error, and the PDF fails with it.
	cw := &checkedWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if _, err := pdf.WriteTo(bw); err != nil {
		return &WriteError{Err: err}
	}
	if err := bw.Flush(); err != nil || cw.err != nil {
		return &WriteError{Err: cmp.Or(cw.err, err)}
	}
	return nil
}

// WriteError is a PDF that could not be written out (a full disk, a
// folder that refuses files): not the letter's fault.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "escribir el PDF: " + atomicfile.Reason(e.Err) }

func (e *WriteError) Unwrap() error { return e.Err }

// checkedWriter keeps the first write error and writes nothing after it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

// gopdf compresses each page with a new zlib writer (most of a megabyte,
// at once garbage) while the whole document is still in memory, so for a
// long document the collector keeps scanning the same live pages. Letting
// the heap grow more between collections while a long PDF is written
// halves that cost; the setting comes back when the last writer is done.
var (
	gcMu    sync.Mutex
	gcUsers int
	gcOld   int
)

const relaxedGCPercent = 400

func relaxGC() (restore func()) {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcUsers == 0 {
		gcOld = debug.SetGCPercent(relaxedGCPercent)
		if gcOld < 0 || gcOld >= relaxedGCPercent {
			debug.SetGCPercent(gcOld) // off, or already relaxed: leave it
		}
	}
	gcUsers++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcUsers--; gcUsers == 0 {
			debug.SetGCPercent(gcOld)
		}
	}
}

// PDFBytes renders one letter as a PDF file's bytes (to attach to an e-mail).
func (r *Renderer) PDFBytes(ctx context.Context, d Doc) ([]byte, error) {
	var b bytes.Buffer
	if err := r.PDF(ctx, []Doc{d}, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// pdfDoc is one PDF being written, with the fonts it has taken in so far:
// a style is added on first use, so a letter without italics carries no
// italic font.
type pdfDoc struct {
	*gopdf.GoPdf
	added   [4]bool
	logo    gopdf.ImageHolder
	curFont Style
	curSize float64
	curGray bool
	fonts   *fontSet
	perDoc  bool
}

func (r *Renderer) start(docs []Doc) (*pdfDoc, error) {
	g := &gopdf.GoPdf{}
	g.Start(gopdf.Config{PageSize: gopdf.Rect{W: r.pageW, H: r.pageH}, Unit: gopdf.UnitPT})
	g.SetCompressLevel(1) // BestSpeed: the content streams are small; the fonts dominate the size
	title := "Cartas de bienvenida"
	if len(docs) == 1 && docs[0].Title != "" {
		title = docs[0].Title
	}
	if r.header[0] != "" && len(docs) > 1 {
		title += " — " + r.header[0]
	}
	g.SetInfo(gopdf.PdfInfo{
		Title:        title,
		Author:       firstNonEmpty(r.s.AdminName, r.header[0], Creator),
		Subject:      "Carta de bienvenida",
		Creator:      Creator,
		Producer:     "Comunidad (gopdf)",
		CreationDate: time.Now(),
	})
	p := &pdfDoc{GoPdf: g, fonts: r.fonts, curFont: 255, perDoc: r.parsePerDoc}
	if len(r.logo) > 0 {
		// A holder per PDF: it is read once, then found again by its hash.
		h, err := gopdf.ImageHolderByBytes(r.logo)
		if err != nil {
			return nil, fmt.Errorf("logo: %w", err)
		}
		p.logo = h
	}
	return p, nil
}

func (p *pdfDoc) setFont(st Style, size float64, gray bool) error {
	if !p.added[st] {
		var err error
		if p.perDoc {
			err = p.AddTTFFontDataWithOption(fontFamilies[st], fontData[st], ttfOption(st))
		} else {
			err = p.AddTTFFontFromFontContainer(fontFamilies[st], p.fonts.container)
		}
		if err != nil {
			return fmt.Errorf("font: %w", err)
		}
		p.added[st] = true
	}
	if st != p.curFont || size != p.curSize {
		if err := p.SetFont(fontFamilies[st], "", size); err != nil {
			return err
		}
		p.curFont, p.curSize = st, size
	}
	if gray != p.curGray {
		// A gray fill is set once in the stream; a text colour would be
		// repeated in every text operation.
		if gray {
			p.SetGrayFill(0.35)
		} else {
			p.SetGrayFill(0)
		}
		p.curGray = gray
	}
	return nil
}

// The layout: a letter is first laid out into pages of drawing operations,
// so the page count ("Página 1 de 2") is known before anything is drawn.

type opKind uint8

const (
	opText opKind = iota
	opRule
)

type op struct {
	kind  opKind
	x, y  float64 // text: the baseline's start; rule: from x to x2 at y
	x2    float64
	text  string
	style Style
	size  float64
	gray  bool
}

type layout struct {
	r     *Renderer
	pages [][]op
	y     float64 // top of the next line, in points from the page's top
}

func (r *Renderer) width(s string, st Style, size float64) float64 {
	return r.fonts.metrics[st].width(s, size)
}

// headerHeight is the space the header takes at the top of every page.
func (r *Renderer) headerHeight() float64 {
	if r.header[0] == "" && r.header[1] == "" && r.logoH == 0 {
		return 0
	}
	return max(r.logoH, 36) + 22
}

func (l *layout) newPage() {
	l.pages = append(l.pages, nil)
	l.y = l.r.top + l.r.headerHeight()
}

func (l *layout) add(o op) {
	n := len(l.pages) - 1
	l.pages[n] = append(l.pages[n], o)
}

// room makes sure h points fit above the bottom margin, else starts a page.
func (l *layout) room(h float64) {
	if l.y+h > l.r.pageH-l.r.bottom-smallSize-6 {
		l.newPage()
	}
}

// word is a run of text without spaces, possibly in several styles.
type word struct {
	parts []Span
	w     float64
}

func (r *Renderer) words(line []Span, size float64) []word {
	var out []word
	var cur word
	for _, s := range line {
		start := -1
		flushPart := func(end int) {
			if start >= 0 {
				t := s.Text[start:end]
				cur.parts = append(cur.parts, Span{Text: t, Style: s.Style})
				cur.w += r.width(t, s.Style, size)
				start = -1
			}
		}
		for i, c := range s.Text {
			if c == ' ' {
				flushPart(i)
				if len(cur.parts) > 0 {
					out = append(out, cur)
					cur = word{}
				}
				continue
			}
			if start < 0 {
				start = i
			}
		}
		flushPart(len(s.Text))
	}
	if len(cur.parts) > 0 {
		out = append(out, cur)
	}
	return out
}

// splitLong cuts a word wider than the line (a long URL) into pieces that fit.
func (r *Renderer) splitLong(w word, maxW, size float64) []word {
	var out []word
	var cur word
	for _, p := range w.parts {
		for _, c := range p.Text {
			cw := r.width(string(c), p.Style, size)
			if cur.w+cw > maxW && cur.w > 0 {
				out = append(out, cur)
				cur = word{}
			}
			n := len(cur.parts)
			if n > 0 && cur.parts[n-1].Style == p.Style {
				cur.parts[n-1].Text += string(c)
			} else {
				cur.parts = append(cur.parts, Span{Text: string(c), Style: p.Style})
			}
			cur.w += cw
		}
	}
	if len(cur.parts) > 0 {
		out = append(out, cur)
	}
	return out
}

// text wraps one hand-made line of spans at x0 within maxW and returns the
// lines, each as its drawing operations with y relative to its baseline;
// when justify, every wrapped line but the last is spread to the full width.
func (l *layout) text(line []Span, x0, maxW, size float64, justify bool, firstPrefix string) [][]op {
	r := l.r
	ws := r.words(line, size)
	space := r.width(" ", 0, size)
	var lines [][]word
	var cur []word
	curW := 0.0
	for _, w := range ws {
		if w.w > maxW {
			if len(cur) > 0 {
				lines = append(lines, cur)
				cur, curW = nil, 0
			}
			parts := r.splitLong(w, maxW, size)
			for _, pw := range parts[:len(parts)-1] {
				lines = append(lines, []word{pw})
			}
			w = parts[len(parts)-1]
		}
		need := w.w
		if len(cur) > 0 {
			need += space
		}
		if len(cur) > 0 && curW+need > maxW+0.01 {
			lines = append(lines, cur)
			cur, curW = nil, 0
			need = w.w
		}
		cur = append(cur, w)
		curW += need
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	out := make([][]op, 0, len(lines))
	for i, ln := range lines {
		var ops []op
		if i == 0 && firstPrefix != "" {
			ops = append(ops, op{kind: opText, x: x0 - bulletInd + 5, text: firstPrefix, size: size})
		}
		gap := space
		if justify && i < len(lines)-1 && len(ln) > 1 {
			total := 0.0
			for _, w := range ln {
				total += w.w
			}
			gap = (maxW - total) / float64(len(ln)-1)
		}
		if gap == space {
			ops = l.runs(ops, ln, x0, size)
		} else {
			// Justified: each word at its place, the gaps spread evenly.
			x := x0
			for _, w := range ln {
				px := x
				for _, p := range w.parts {
					ops = append(ops, op{kind: opText, x: px, text: p.Text, style: p.Style, size: size})
					px += r.width(p.Text, p.Style, size)
				}
				x += w.w + gap
			}
		}
		out = append(out, ops)
	}
	return out
}

// fits is how many lines of leading fit between the current line and the
// foot of the page.
func (l *layout) fits(leading float64) int {
	free := l.r.pageH - l.r.bottom - smallSize - 6 - l.y
	if free < 0 {
		return 0
	}
	return int(free/leading + 1e-9)
}

// paragraph places a paragraph's lines, breaking pages so that no page
// ends with its first line alone (an orphan) or starts with its last line
// alone (a widow): a two-line paragraph stays whole, a longer one leaves
// at least two lines on each side of the break.
func (l *layout) paragraph(lines [][]op, leading float64) {
	for len(lines) > 0 {
		k := l.fits(leading)
		if k < len(lines) {
			if len(lines)-k < 2 {
				k = len(lines) - 2 // no widow: one more line goes over
			}
			if k < 2 {
				k = 0 // no orphan: the paragraph starts on the next page
			}
			if k == 0 {
				if l.y <= l.r.top+l.r.headerHeight() {
					k = max(1, l.fits(leading)) // a page too short for the rule: use it whole
				} else {
					l.newPage()
					continue
				}
			}
		} else {
			k = len(lines)
		}
		for _, ops := range lines[:k] {
			base := l.y + leading*0.78
			for _, o := range ops {
				o.y += base
				l.add(o)
			}
			l.y += leading
		}
		lines = lines[k:]
		if len(lines) > 0 {
			l.newPage()
		}
	}
}

// runs appends a line set with natural spaces as one operation per style
// run: fewer, shorter drawing operations make smaller and faster PDFs.
func (l *layout) runs(ops []op, ln []word, x, size float64) []op {
	var cur strings.Builder
	st, start := Style(0), x
	flush := func() {
		if cur.Len() > 0 {
			t := cur.String()
			ops = append(ops, op{kind: opText, x: start, text: t, style: st, size: size})
			start += l.r.width(t, st, size)
			cur.Reset()
		}
	}
	for i, w := range ln {
		for j, p := range w.parts {
			if p.Style != st {
				flush()
				st = p.Style
			}
			if i > 0 && j == 0 {
				cur.WriteByte(' ')
			}
			cur.WriteString(p.Text)
		}
	}
	flush()
	return ops
}

func (r *Renderer) layout(d Doc) [][]op {
	l := &layout{r: r}
	l.newPage()
	textW := r.pageW - r.left - r.right
	if d.Date != "" {
		w := r.width(d.Date, 0, bodySize)
		l.add(op{kind: opText, x: r.pageW - r.right - w, y: l.y + bodyLeading*0.78, text: d.Date, size: bodySize})
		l.y += bodyLeading * 2
	}
	if d.Title != "" {
		l.paragraph(l.text([]Span{{Text: d.Title, Style: Bold}}, r.left, textW, titleSize, false, ""), titleLead)
		l.y += paraGap * 1.5
	}
	for i, b := range d.Blocks {
		x, w, prefix := r.left, textW, ""
		if b.Kind == Bullet {
			x, w, prefix = r.left+bulletInd, textW-bulletInd, "•"
		}
		var lines [][]op
		for j, line := range b.Lines {
			p := ""
			if j == 0 {
				p = prefix
			}
			lines = append(lines, l.text(line, x, w, bodySize, true, p)...)
		}
		l.paragraph(lines, bodyLeading)
		switch {
		case i+1 < len(d.Blocks) && b.Kind == Bullet && d.Blocks[i+1].Kind == Bullet:
			l.y += bulletGap
		default:
			l.y += paraGap
		}
	}
	if len(d.Signature) > 0 {
		// The signature stays together: room to sign, the rule, the lines.
		h := 38 + float64(len(d.Signature))*bodyLeading
		l.y += paraGap
		l.room(h)
		l.y += 32
		l.add(op{kind: opRule, x: r.left, x2: r.left + 170, y: l.y})
		l.y += 4
		for i, s := range d.Signature {
			st := Style(0)
			if i == 0 {
				st = Bold
			}
			l.add(op{kind: opText, x: r.left, y: l.y + bodyLeading*0.78, text: s, style: st, size: bodySize})
			l.y += bodyLeading
		}
	}
	return l.pages
}

// draw lays out d and draws its pages, each with the header and, when the
// letter takes more than one page, "Página n de m".
func (r *Renderer) draw(p *pdfDoc, d Doc) error {
	pages := r.layout(d)
	for n, ops := range pages {
		p.AddPage()
		if err := r.drawHeader(p); err != nil {
			return err
		}
		for _, o := range ops {
			switch o.kind {
			case opText:
				if err := p.setFont(o.style, o.size, o.gray); err != nil {
					return err
				}
				p.SetXY(o.x, o.y)
				if err := p.Text(o.text); err != nil {
					return err
				}
			case opRule:
				p.SetLineWidth(0.6)
				p.SetStrokeColor(0, 0, 0)
				p.Line(o.x, o.y, o.x2, o.y)
			}
		}
		if len(pages) > 1 {
			s := fmt.Sprintf("Página %d de %d", n+1, len(pages))
			if err := p.setFont(0, smallSize, true); err != nil {
				return err
			}
			w := r.width(s, 0, smallSize)
			p.SetXY((r.pageW-w)/2, r.pageH-r.bottom+smallSize+2)
			if err := p.Text(s); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Renderer) drawHeader(p *pdfDoc) error {
	hh := r.headerHeight()
	if hh == 0 {
		return nil
	}
	x := r.left
	if p.logo != nil {
		if err := p.ImageByHolder(p.logo, r.left, r.top, &gopdf.Rect{W: r.logoW, H: r.logoH}); err != nil {
			return fmt.Errorf("logo: %w", err)
		}
		x += r.logoW + 14
	}
	maxW := r.pageW - r.right - x
	y := r.top + nameSize
	if r.header[0] != "" {
		if err := p.setFont(Bold, nameSize, false); err != nil {
			return err
		}
		p.SetXY(x, y)
		if err := p.Text(fit(r, r.header[0], Bold, nameSize, maxW)); err != nil {
			return err
		}
		y += nameSize + 4
	}
	if r.header[1] != "" {
		if err := p.setFont(0, addrSize, true); err != nil {
			return err
		}
		p.SetXY(x, y)
		if err := p.Text(fit(r, r.header[1], 0, addrSize, maxW)); err != nil {
			return err
		}
	}
	ly := r.top + hh - 10
	p.SetLineWidth(0.5)
	p.SetStrokeColor(150, 150, 150)
	p.Line(r.left, ly, r.pageW-r.right, ly)
	return nil
}

// Logo pixels: enough for the printed size (52 pt high is 217 px at 300 dpi).
const (
	maxLogoPxW = 640
	maxLogoPxH = 240
)

// normalizeLogo makes the logo something every PDF reader and gopdf take,
// and small: an 8-bit PNG (a 16-bit or interlaced one, or a CMYK or
// progressive JPEG, is redrawn), scaled down to what print needs.
func normalizeLogo(b []byte) ([]byte, error) {
	sum := sha256.Sum256(b)
	logoCache.Lock()
	defer logoCache.Unlock()
	if logoCache.sum == sum && logoCache.out != nil {
		return logoCache.out, nil
	}
	out, err := redrawLogo(b)
	if err == nil {
		logoCache.sum, logoCache.out = sum, out
	}
	return out, err
}

// logoCache keeps the last logo redrawn: a community's letters all use the
// same one, and a renderer may be made for each e-mail.
var logoCache struct {
	sync.Mutex
	sum [32]byte
	out []byte
}

func redrawLogo(b []byte) ([]byte, error) {
	if err := CheckLogo(b); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, errors.New("logo: el archivo no es una imagen PNG o JPEG")
	}
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	if w > maxLogoPxW {
		w, h = maxLogoPxW, max(1, h*maxLogoPxW/w)
	}
	if h > maxLogoPxH {
		w, h = max(1, w*maxLogoPxH/h), maxLogoPxH
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == sb.Dx() && h == sb.Dy() {
		draw.Draw(dst, dst.Bounds(), src, sb.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, sb, draw.Src, nil)
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("logo: %w", err)
	}
	return out.Bytes(), nil
}

// fit shortens s with an ellipsis until it fits in w.
func fit(r *Renderer, s string, st Style, size, w float64) string {
	if r.width(s, st, size) <= w {
		return s
	}
	for len(s) > 0 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		if r.width(s+"…", st, size) <= w {
			return strings.TrimSpace(s) + "…"
		}
	}
	return ""
}
