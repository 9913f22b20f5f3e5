package letter

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"comunidad/data"
)

// Template is a letter as the administrator writes it: a one-line title and
// a body in simple Markdown, both with {campo} merge fields. "{{" and "}}"
// write a literal brace.
type Template struct {
	Title string
	Body  string
}

// Style is a span's emphasis.
type Style uint8

const (
	Bold Style = 1 << iota
	Italic
)

// Span is a run of text with one style.
type Span struct {
	Text  string
	Style Style
}

// BlockKind tells a paragraph from a bullet.
type BlockKind uint8

const (
	Paragraph BlockKind = iota
	Bullet              // one item of a "- " list; consecutive bullets form one list
)

// Block is a paragraph or a list item. Lines are the lines the author broke
// by hand (a single newline); each is a run of spans.
type Block struct {
	Kind  BlockKind
	Lines [][]Span
}

// Doc is a merged letter: what the PDF, the e-mail and the preview render.
type Doc struct {
	Title     string
	Date      string   // "27 de noviembre de 2026", from {fecha}
	Blocks    []Block  // the body
	Signature []string // under the signature rule: administrator, signature line
}

// Problem is a mistake in a template, at a place the editor can show.
type Problem struct {
	Part string // "título" or "cuerpo"
	Line int    // 1-based, within Part
	Col  int    // 1-based, in characters
	Msg  string // Spanish, e.g. "campo desconocido {nombres} (¿quiso decir {nombre}?)"
}

func (p Problem) Error() string {
	if p.Part == PartTitle {
		return fmt.Sprintf("título, columna %d: %s", p.Col, p.Msg)
	}
	return fmt.Sprintf("línea %d, columna %d: %s", p.Line, p.Col, p.Msg)
}

// The parts of a template a Problem can be in.
const (
	PartTitle = "título"
	PartBody  = "cuerpo"
)

// TemplateError is returned by Merge and Compile for a template with problems.
type TemplateError struct{ Problems []Problem }

func (e *TemplateError) Error() string {
	msg := "la plantilla tiene errores: " + e.Problems[0].Error()
	if n := len(e.Problems) - 1; n == 1 {
		msg += " (y 1 error más)"
	} else if n > 1 {
		msg += fmt.Sprintf(" (y %d errores más)", n)
	}
	return msg
}

// piece is a parsed run: literal text or a field, with its style.
type piece struct {
	text  string
	field string
	style Style
}

type pblock struct {
	kind  BlockKind
	lines [][]piece
	cond  Account // 0: every letter; else only letters to that case
}

// Compiled is a checked template, ready to merge many times.
type Compiled struct {
	title  []piece
	blocks []pblock
}

// Check lists the template's problems; none means it can be saved and merged.
func Check(t Template) []Problem {
	_, probs := compile(t)
	return probs
}

// Compile checks and parses t once, for merging it with many recipients.
func Compile(t Template) (*Compiled, error) {
	c, probs := compile(t)
	if len(probs) > 0 {
		return nil, &TemplateError{probs}
	}
	return c, nil
}

// Merge fills t with f. A template with problems gives a *TemplateError and
// no document: a broken field is never printed into a letter.
func Merge(t Template, f Fields) (Doc, error) {
	c, err := Compile(t)
	if err != nil {
		return Doc{}, err
	}
	return c.Merge(f), nil
}

// Merge fills the compiled template with f.
func (c *Compiled) Merge(f Fields) Doc {
	d := Doc{Date: clean(f["fecha"])}
	var b strings.Builder
	for _, p := range c.title {
		b.WriteString(p.value(f))
	}
	d.Title = strings.TrimSpace(b.String())
	d.Blocks = make([]Block, 0, len(c.blocks))
	state := Account(f[accountKey])
	if state == "" {
		state = HasAccount // a letter with no account facts (a sample) reads as an account holder's
	}
	for _, pb := range c.blocks {
		if pb.cond != "" && pb.cond != state {
			continue // a section for another case
		}
		blk := Block{Kind: pb.kind, Lines: make([][]Span, 0, len(pb.lines))}
		for _, line := range pb.lines {
			var spans []Span
			dot := false // the last value written was a field ending in "."
			for _, p := range line {
				v := p.value(f)
				if dot && p.field == "" && strings.HasPrefix(v, ".") {
					v = v[1:] // "a cargo de {administrador}." with "… Ltda." makes one period
				}
				dot = p.field != "" && strings.HasSuffix(v, ".") || (dot && v == "")
				if v == "" {
					continue
				}
				if n := len(spans); n > 0 && spans[n-1].Style == p.style {
					spans[n-1].Text += v
					continue
				}
				spans = append(spans, Span{Text: v, Style: p.style})
			}
			blk.Lines = append(blk.Lines, spans)
		}
		d.Blocks = append(d.Blocks, blk)
	}
	for _, s := range []string{f["administrador"], f[signatureKey]} {
		if s = clean(s); s != "" {
			d.Signature = append(d.Signature, s)
		}
	}
	return d
}

// Uses lists the fields the template uses, each once, in order.
func (c *Compiled) Uses() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ps []piece) {
		for _, p := range ps {
			if p.field != "" && !seen[p.field] {
				seen[p.field] = true
				out = append(out, p.field)
			}
		}
	}
	add(c.title)
	for _, b := range c.blocks {
		for _, l := range b.lines {
			add(l)
		}
	}
	return out
}

// settingsFields are the fields the letter settings (or the community) fill.
var settingsFields = map[string]bool{"comunidad": true, "direccion_comunidad": true, "administrador": true,
	"correo_administrador": true, "telefono_administrador": true, "portal": true}

// MissingSettings lists the fields the template uses that the letter
// settings leave empty (the administrator's e-mail, the portal...), so the
// editor and the download can say what to fill in before printing.
func (c *Compiled) MissingSettings(f Fields) []Field {
	var out []Field
	for _, name := range c.Uses() {
		if settingsFields[name] && strings.TrimSpace(f[name]) == "" {
			for _, fl := range AllFields {
				if fl.Name == name {
					out = append(out, fl)
				}
			}
		}
	}
	return out
}

func (p piece) value(f Fields) string {
	if p.field != "" {
		return clean(f[p.field])
	}
	return p.text
}

// clean keeps a data value on one line: a name with a newline or a tab in
// it must not break the letter's layout.
func clean(s string) string {
	if !strings.ContainsAny(s, "\r\n\t\v\f") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

func compile(t Template) (*Compiled, []Problem) {
	var probs []Problem
	c := &Compiled{}

	// The title: fields only, one line.
	title := strings.Join(strings.Fields(strings.ReplaceAll(t.Title, "\r", "")), " ")
	if strings.TrimSpace(t.Title) == "" {
		probs = append(probs, Problem{Part: PartTitle, Line: 1, Col: 1, Msg: "falta el título"})
	}
	toks := scanLine(title, PartTitle, 1, 1, &probs, false)
	for _, tk := range toks {
		c.title = append(c.title, piece{text: tk.text, field: tk.field})
	}

	// The body: blocks of lines.
	body := strings.ReplaceAll(t.Body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	type rawBlock struct {
		kind  BlockKind
		lines [][]token
		cond  Account
	}
	var blocks []rawBlock
	var cur *rawBlock
	var cond Account // the section being read
	condLine := 0
	for i, line := range strings.Split(body, "\n") {
		ln := i + 1
		line = strings.TrimRight(line, " \t")
		trimmed := strings.TrimLeft(line, " \t")
		indent := utf8.RuneCountInString(line) - utf8.RuneCountInString(trimmed)
		if open, isOpen := sectionOpen[trimmed]; isOpen || trimmed == sectionEnd {
			cur = nil // a section marker ends the paragraph or list before it
			switch {
			case isOpen && cond != "":
				probs = append(probs, Problem{Part: PartBody, Line: ln, Col: indent + 1,
					Msg: fmt.Sprintf("la sección %s de la línea %d sigue abierta: ciérrela con %s antes de abrir otra", sectionTag(cond), condLine, sectionEnd)})
			case isOpen:
				cond, condLine = open, ln
			case cond == "":
				probs = append(probs, Problem{Part: PartBody, Line: ln, Col: indent + 1,
					Msg: fmt.Sprintf("%s sin una sección abierta ({si_cuenta}, {si_cuenta_por_crear} o {si_sin_cuenta})", sectionEnd)})
			default:
				cond = ""
			}
			continue
		}
		switch {
		case trimmed == "":
			cur = nil
		case strings.HasPrefix(trimmed, "- ") || trimmed == "-":
			item := strings.TrimLeft(strings.TrimPrefix(trimmed, "-"), " \t")
			col := indent + 1 + utf8.RuneCountInString(trimmed) - utf8.RuneCountInString(item)
			blocks = append(blocks, rawBlock{kind: Bullet, cond: cond})
			cur = &blocks[len(blocks)-1]
			cur.lines = append(cur.lines, scanLine(item, PartBody, ln, col, &probs, true))
		case cur != nil && cur.kind == Bullet && indent > 0:
			cur.lines = append(cur.lines, scanLine(trimmed, PartBody, ln, indent+1, &probs, true))
		default:
			if cur == nil || cur.kind != Paragraph {
				blocks = append(blocks, rawBlock{kind: Paragraph, cond: cond})
				cur = &blocks[len(blocks)-1]
			}
			cur.lines = append(cur.lines, scanLine(trimmed, PartBody, ln, indent+1, &probs, true))
		}
	}
	if cond != "" {
		probs = append(probs, Problem{Part: PartBody, Line: condLine, Col: 1,
			Msg: fmt.Sprintf("la sección %s no se cierra: termínela con %s", sectionTag(cond), sectionEnd)})
	}
	if strings.TrimSpace(body) == "" {
		probs = append(probs, Problem{Part: PartBody, Line: 1, Col: 1, Msg: "la carta no tiene texto"})
	}
	for _, rb := range blocks {
		c.blocks = append(c.blocks, pblock{kind: rb.kind, lines: applyEmphasis(rb.lines), cond: rb.cond})
	}
	return c, probs
}

type tokKind uint8

const (
	tokText tokKind = iota
	tokField
	tokBold   // "**"
	tokItalic // "*"
)

type token struct {
	kind  tokKind
	text  string
	field string
	col   int // a field's column, 1-based, in characters
}

// scanLine splits one line into text, fields and emphasis markers, and
// reports bad braces and unknown fields at their column.
func scanLine(s, part string, line, col0 int, probs *[]Problem, markdown bool) []token {
	rs := []rune(s)
	var toks []token
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			toks = append(toks, token{kind: tokText, text: text.String()})
			text.Reset()
		}
	}
	report := func(i int, msg string) {
		*probs = append(*probs, Problem{Part: part, Line: line, Col: col0 + i, Msg: msg})
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '{' && i+1 < len(rs) && rs[i+1] == '{':
			text.WriteRune('{')
			i++
		case r == '}' && i+1 < len(rs) && rs[i+1] == '}':
			text.WriteRune('}')
			i++
		case r == '{':
			end := -1
			for j := i + 1; j < len(rs); j++ {
				if rs[j] == '}' {
					end = j
					break
				}
				if rs[j] == '{' {
					break
				}
			}
			if end < 0 {
				report(i, "llave «{» sin cerrar: escriba el campo completo, como {nombre}, o «{{» para una llave")
				text.WriteRune('{') // keeps the parse going; the template is refused anyway
				continue
			}
			name := string(rs[i+1 : end])
			if _, ok := sectionOpen["{"+name+"}"]; ok || "{"+name+"}" == sectionEnd {
				report(i, fmt.Sprintf("{%s} va solo en su línea, antes (o después) de los párrafos de la sección", name))
			} else if !IsField(name) {
				msg := fmt.Sprintf("campo desconocido {%s}", name)
				if s := suggest(name); s != "" {
					msg += fmt.Sprintf(" (¿quiso decir {%s}?)", s)
				}
				report(i, msg)
			} else {
				flush()
				toks = append(toks, token{kind: tokField, field: name, col: col0 + i})
			}
			i = end
		case r == '}':
			report(i, "llave «}» sin su «{»: escriba «}}» para una llave")
		case markdown && r == '*' && i+1 < len(rs) && rs[i+1] == '*':
			flush()
			toks = append(toks, token{kind: tokBold, text: "**"})
			i++
		case markdown && r == '*':
			flush()
			toks = append(toks, token{kind: tokItalic, text: "*"})
		default:
			text.WriteRune(r)
		}
	}
	flush()
	return toks
}

// applyEmphasis pairs the block's markers in order; a marker left without
// a partner is written as it is, so a lone asterisk is just an asterisk.
func applyEmphasis(lines [][]token) [][]piece {
	count := map[tokKind]int{}
	for _, l := range lines {
		for _, t := range l {
			count[t.kind]++
		}
	}
	seen := map[tokKind]int{}
	var style Style
	out := make([][]piece, 0, len(lines))
	for _, l := range lines {
		var ps []piece
		for _, t := range l {
			switch t.kind {
			case tokText:
				ps = append(ps, piece{text: t.text, style: style})
			case tokField:
				ps = append(ps, piece{field: t.field, style: style})
			case tokBold, tokItalic:
				seen[t.kind]++
				if seen[t.kind] == count[t.kind] && count[t.kind]%2 == 1 {
					ps = append(ps, piece{text: t.text, style: style})
					continue
				}
				if t.kind == tokBold {
					style ^= Bold
				} else {
					style ^= Italic
				}
			}
		}
		out = append(out, ps)
	}
	return out
}

// suggest finds the field the author probably meant.
func suggest(name string) string {
	folded := strings.ReplaceAll(data.Fold(strings.TrimSpace(name)), " ", "_")
	best, bestD := "", 3
	for _, f := range AllFields {
		if f.Name == folded {
			return f.Name
		}
		if d := distance(folded, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
