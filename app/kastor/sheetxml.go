package kastor

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is a small XML tokenizer for the parts of an .xlsx package the
// import reads (workbook, relationships, shared strings, worksheets). It
// works on the part's bytes in memory and hands out slices of them instead
// of allocating a token per element: encoding/xml, which excelize's row
// iterator runs on, spends about 6 µs a cell, most of an import's time.
// It knows XML's syntax (prefixed names, either quote, empty elements,
// comments, processing instructions, CDATA, character and predefined entity
// references, line-end normalisation); it does not validate, and a part with
// a document type declaration is refused (Excel never writes one).

// errXMLSyntax is a part that is not well-formed enough to read.
var errXMLSyntax = errors.New("XML mal formado")

// maxXMLDepth is how deep elements may nest in a part. Excel's deepest
// (worksheet, sheetData, row, c, is, r, t) is 7; a part nesting thousands
// of levels is an attack on the reader, not an export.
const maxXMLDepth = 64

// errXMLDeep is a part whose elements nest deeper than maxXMLDepth.
var errXMLDeep = errors.New("XML anidado demasiado hondo")

type xmlKind uint8

const (
	xmlStart xmlKind = iota + 1 // <name attrs> or <name attrs/>
	xmlEnd                      // </name>
	xmlText                     // character data or CDATA
)

// xmlTok is one token; its slices point into the part's bytes and are valid
// until the part is dropped.
type xmlTok struct {
	kind  xmlKind
	name  []byte // local name, without its prefix (start and end)
	attrs []byte // the start tag's raw attributes
	empty bool   // a start tag written <name/>: no end token follows
	text  []byte // raw character data: entities not yet decoded
	cdata bool   // text came from a CDATA section (taken literally)
}

// xmlScan walks a part's tokens.
type xmlScan struct {
	b     []byte
	i     int
	depth int // elements open at this point: bounded by maxXMLDepth
}

func (s *xmlScan) pos() int { return s.i }

// next reads the next token into t; false at the end of the part.
func (s *xmlScan) next(t *xmlTok) (bool, error) {
	b := s.b
	for {
		if s.i >= len(b) {
			return false, nil
		}
		if b[s.i] != '<' {
			j := bytes.IndexByte(b[s.i:], '<')
			if j < 0 {
				j = len(b) - s.i
			}
			t.kind, t.text, t.cdata = xmlText, b[s.i:s.i+j], false
			s.i += j
			return true, nil
		}
		rest := b[s.i+1:]
		if len(rest) == 0 {
			return false, errXMLSyntax
		}
		switch rest[0] {
		case '/':
			j := bytes.IndexByte(rest, '>')
			if j < 0 {
				return false, errXMLSyntax
			}
			t.kind, t.name = xmlEnd, localName(bytes.TrimSpace(rest[1:j]))
			s.i += j + 2
			s.depth--
			return true, nil
		case '?':
			j := bytes.Index(rest, []byte("?>"))
			if j < 0 {
				return false, errXMLSyntax
			}
			s.i += j + 3
			continue
		case '!':
			switch {
			case bytes.HasPrefix(rest, []byte("!--")):
				j := bytes.Index(rest[3:], []byte("-->"))
				if j < 0 {
					return false, errXMLSyntax
				}
				s.i += 1 + 3 + j + 3
				continue
			case bytes.HasPrefix(rest, []byte("![CDATA[")):
				j := bytes.Index(rest[8:], []byte("]]>"))
				if j < 0 {
					return false, errXMLSyntax
				}
				t.kind, t.text, t.cdata = xmlText, rest[8:8+j], true
				s.i += 1 + 8 + j + 3
				return true, nil
			}
			return false, errXMLSyntax // <!DOCTYPE ...>
		}
		k := 0
		for k < len(rest) && !isXMLSpace(rest[k]) && rest[k] != '>' && rest[k] != '/' {
			k++
		}
		if k == 0 {
			return false, errXMLSyntax
		}
		name := rest[:k]
		var quote byte
		for ; k < len(rest); k++ {
			c := rest[k]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
		}
		if k >= len(rest) {
			return false, errXMLSyntax
		}
		attrs := rest[len(name):k]
		t.empty = len(attrs) > 0 && attrs[len(attrs)-1] == '/'
		if t.empty {
			attrs = attrs[:len(attrs)-1]
		}
		t.kind, t.name, t.attrs = xmlStart, localName(name), attrs
		s.i += k + 2
		if !t.empty {
			if s.depth++; s.depth > maxXMLDepth {
				return false, errXMLDeep
			}
		}
		return true, nil
	}
}

// child reads the next token inside an element, where the part ending is
// an error.
func (s *xmlScan) child(t *xmlTok) error {
	ok, err := s.next(t)
	if err == nil && !ok {
		err = errXMLSyntax
	}
	return err
}

// skip passes over the rest of the element whose start tag was just read.
func (s *xmlScan) skip(start *xmlTok) error {
	_, err := s.walk(nil, start, false)
	return err
}

// textUntilEnd appends the decoded character data of the element whose
// start tag was just read (and of any element inside it) to dst.
func (s *xmlScan) textUntilEnd(dst []byte, start *xmlTok) ([]byte, error) {
	return s.walk(dst, start, true)
}

// walk reads to the end of the element whose start tag was just read,
// appending its text to dst when keep.
func (s *xmlScan) walk(dst []byte, start *xmlTok, keep bool) ([]byte, error) {
	if start.empty {
		return dst, nil
	}
	var t xmlTok
	for depth := 1; ; {
		if err := s.child(&t); err != nil {
			return dst, err
		}
		switch t.kind {
		case xmlText:
			if keep {
				var err error
				if dst, err = appendXMLText(dst, &t); err != nil {
					return dst, err
				}
			}
		case xmlStart:
			if !t.empty {
				depth++
			}
		case xmlEnd:
			if depth--; depth == 0 {
				return dst, nil
			}
		}
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// localName drops a name's namespace prefix ("x:row" is "row").
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// xmlAttr returns the raw value of the attribute with this local name.
func xmlAttr(attrs []byte, name string) ([]byte, bool) {
	i := 0
	for {
		for i < len(attrs) && isXMLSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) {
			return nil, false
		}
		eq := bytes.IndexByte(attrs[i:], '=')
		if eq < 0 {
			return nil, false
		}
		n := localName(bytes.TrimSpace(attrs[i : i+eq]))
		i += eq + 1
		for i < len(attrs) && isXMLSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) || attrs[i] != '"' && attrs[i] != '\'' {
			return nil, false
		}
		end := bytes.IndexByte(attrs[i+1:], attrs[i])
		if end < 0 {
			return nil, false
		}
		v := attrs[i+1 : i+1+end]
		i += end + 2
		if string(n) == name {
			return v, true
		}
	}
}

// xmlAttrString is xmlAttr with the value's references decoded.
func xmlAttrString(attrs []byte, name string) string {
	v, ok := xmlAttr(attrs, name)
	if !ok {
		return ""
	}
	out, err := appendXMLText(nil, &xmlTok{text: v})
	if err != nil {
		return string(v)
	}
	return string(out)
}

// appendXMLText appends a text token's characters to dst: entity and
// character references decoded, "\r\n" and a lone "\r" read as "\n".
func appendXMLText(dst []byte, t *xmlTok) ([]byte, error) {
	raw := t.text
	if t.cdata || bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return append(dst, raw...), nil
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case '&':
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 {
				return dst, errXMLSyntax
			}
			ref := raw[i+1 : i+end]
			i += end
			switch string(ref) {
			case "lt":
				dst = append(dst, '<')
			case "gt":
				dst = append(dst, '>')
			case "amp":
				dst = append(dst, '&')
			case "quot":
				dst = append(dst, '"')
			case "apos":
				dst = append(dst, '\'')
			default:
				if len(ref) < 2 || ref[0] != '#' {
					return dst, errXMLSyntax
				}
				var n uint64
				var err error
				if ref[1] == 'x' {
					n, err = strconv.ParseUint(string(ref[2:]), 16, 32)
				} else {
					n, err = strconv.ParseUint(string(ref[1:]), 10, 32)
				}
				if err != nil || !utf8.ValidRune(rune(n)) {
					return dst, errXMLSyntax
				}
				dst = utf8.AppendRune(dst, rune(n))
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// decodeOOXMLEscapes undoes the escapes Office writes for characters XML
// 1.0 cannot hold: "_x000D_" is a carriage return, "_x005F_" a literal
// underscore (so "_x005F_x000D_" is the text "_x000D_"). Like excelize, an
// escape naming half a surrogate pair is dropped.
func decodeOOXMLEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil && isHex4(s[i+2:i+6]) {
				if n == 0x5F {
					out = append(out, '_')
				} else if r := rune(n); utf8.ValidRune(r) {
					out = utf8.AppendRune(out, r)
				}
				i += 7
				continue
			}
		}
		out = append(out, s[i])
		i++
	}
	return string(out)
}

func isHex4(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
