package ui

// The letter preview's renderer: a letter document as Fyne rich text.

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
)

// docSegments lays a letter out as rich text: the header, the date on the
// right, the title, the body with its emphasis and bullets, the signature.
func letterSegments(d letter.Doc, header [2]string) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	if header[0] != "" {
		segs = append(segs, &widget.TextSegment{Text: header[0], Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}})
	}
	if header[1] != "" {
		segs = append(segs, &widget.TextSegment{Text: header[1], Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}})
	}
	if header[0] != "" || header[1] != "" {
		segs = append(segs, &widget.SeparatorSegment{})
	}
	if d.Date != "" {
		segs = append(segs, &widget.TextSegment{Text: d.Date, Style: widget.RichTextStyle{Alignment: fyne.TextAlignTrailing}})
	}
	if d.Title != "" {
		segs = append(segs, &widget.TextSegment{Text: d.Title, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}})
	}
	// Bullets are written out as top-level segments, not a ListSegment:
	// Fyne gives the theme of the RichText (the paper's, light) only to its
	// top-level text segments, and a list's items took the window's (white
	// text on the white paper in the dark variant).
	for _, b := range d.Blocks {
		if b.Kind == letter.Bullet {
			segs = append(segs, &widget.TextSegment{Text: "•  ", Style: widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}}})
		}
		for _, line := range b.Lines {
			segs = append(segs, letterLineSegments(line)...)
		}
	}
	if len(d.Signature) > 0 {
		segs = append(segs, &widget.TextSegment{Text: "______________________________", Style: widget.RichTextStyleParagraph})
		for i, sg := range d.Signature {
			segs = append(segs, &widget.TextSegment{Text: sg, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: i == 0}}})
		}
	}
	return segs
}

// lineSegments is one line: its spans inline, the last one closing the line.
func letterLineSegments(line []letter.Span) []widget.RichTextSegment {
	if len(line) == 0 {
		return []widget.RichTextSegment{&widget.TextSegment{Text: " ", Style: widget.RichTextStyleParagraph}}
	}
	segs := make([]widget.RichTextSegment, len(line))
	for i, sp := range line {
		segs[i] = &widget.TextSegment{Text: sp.Text, Style: widget.RichTextStyle{
			Inline:    i < len(line)-1,
			TextStyle: fyne.TextStyle{Bold: sp.Style&letter.Bold != 0, Italic: sp.Style&letter.Italic != 0},
		}}
	}
	return segs
}
