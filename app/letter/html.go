package letter

import (
	"html"
	"strings"
)

// HTML renders the letter as an HTML fragment (no <html> or <body>) for an
// e-mail body: the title, the date, the body and the signature. Every value
// is escaped, so data can never add markup.
func (d Doc) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="carta">`)
	if d.Date != "" {
		b.WriteString(`<p class="fecha" style="text-align:right">` + html.EscapeString(d.Date) + "</p>\n")
	}
	if d.Title != "" {
		b.WriteString("<h2>" + html.EscapeString(d.Title) + "</h2>\n")
	}
	inList := false
	for _, blk := range d.Blocks {
		if blk.Kind == Bullet && !inList {
			b.WriteString("<ul>\n")
			inList = true
		}
		if blk.Kind != Bullet && inList {
			b.WriteString("</ul>\n")
			inList = false
		}
		if blk.Kind == Bullet {
			b.WriteString("<li>")
		} else {
			b.WriteString(`<p style="text-align:justify">`)
		}
		for i, line := range blk.Lines {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			for _, s := range line {
				writeSpanHTML(&b, s)
			}
		}
		if blk.Kind == Bullet {
			b.WriteString("</li>\n")
		} else {
			b.WriteString("</p>\n")
		}
	}
	if inList {
		b.WriteString("</ul>\n")
	}
	if len(d.Signature) > 0 {
		b.WriteString(`<p class="firma">`)
		for i, s := range d.Signature {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			if i == 0 {
				b.WriteString("<strong>" + html.EscapeString(s) + "</strong>")
			} else {
				b.WriteString(html.EscapeString(s))
			}
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("</div>\n")
	return b.String()
}

func writeSpanHTML(b *strings.Builder, s Span) {
	t := html.EscapeString(s.Text)
	switch s.Style {
	case Bold:
		t = "<strong>" + t + "</strong>"
	case Italic:
		t = "<em>" + t + "</em>"
	case Bold | Italic:
		t = "<strong><em>" + t + "</em></strong>"
	}
	b.WriteString(t)
}

// Text renders the letter as plain text (an e-mail's text part): the date,
// the title, paragraphs separated by a blank line, "- " bullets and the
// signature. Emphasis is dropped; lines are not wrapped.
func (d Doc) Text() string {
	var b strings.Builder
	if d.Date != "" {
		b.WriteString(d.Date + "\n\n")
	}
	if d.Title != "" {
		b.WriteString(d.Title + "\n\n")
	}
	for i, blk := range d.Blocks {
		if i > 0 && !(blk.Kind == Bullet && d.Blocks[i-1].Kind == Bullet) {
			b.WriteString("\n")
		}
		for j, line := range blk.Lines {
			switch {
			case blk.Kind == Bullet && j == 0:
				b.WriteString("- ")
			case blk.Kind == Bullet:
				b.WriteString("  ")
			}
			b.WriteString(LineText(line))
			b.WriteString("\n")
		}
	}
	if len(d.Signature) > 0 {
		b.WriteString("\n")
		for _, s := range d.Signature {
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}

// LineText is a line's text without its styles.
func LineText(line []Span) string {
	if len(line) == 1 {
		return line[0].Text
	}
	var b strings.Builder
	for _, s := range line {
		b.WriteString(s.Text)
	}
	return b.String()
}
