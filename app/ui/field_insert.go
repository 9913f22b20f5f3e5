package ui

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
)

// fieldEntry is an Entry that says when it gains the focus, so that
// "Insertar campo" knows which text the administrator was writing.
type fieldEntry struct {
	widget.Entry
	focused func(*fieldEntry)
}

func newFieldEntry(multiLine bool) *fieldEntry {
	e := &fieldEntry{}
	e.MultiLine = multiLine
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *fieldEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.focused != nil {
		e.focused(e)
	}
}

// newFieldInserter is the "Insertar campo" list: the chosen merge field's
// tag goes in at the cursor of whichever of the entries had the focus last
// (the last one, the body, until one has), which gets the focus back.
func newFieldInserter(canvas func() fyne.Canvas, entries ...*fieldEntry) *widget.Select {
	target := entries[len(entries)-1]
	for _, e := range entries {
		e.focused = func(e *fieldEntry) { target = e }
	}
	opts := make([]string, len(letter.AllFields))
	for i, f := range letter.AllFields {
		opts[i] = f.Tag() + " — " + letterFieldLabel(f)
	}
	var sel *widget.Select
	sel = widget.NewSelect(opts, func(opt string) {
		if opt == "" {
			return
		}
		tag, _, _ := strings.Cut(opt, " ")
		insertAtCursor(&target.Entry, tag)
		canvas().Focus(target)
		sel.ClearSelected()
	})
	sel.PlaceHolder = lang.X("letter.insert", "Insertar campo")
	return sel
}

// insertAtCursor puts text at e's cursor and moves the cursor after it.
func insertAtCursor(e *widget.Entry, text string) {
	lines := strings.Split(e.Text, "\n")
	row := min(max(e.CursorRow, 0), len(lines)-1)
	col := min(max(e.CursorColumn, 0), utf8.RuneCountInString(lines[row]))
	rs := []rune(lines[row])
	lines[row] = string(rs[:col]) + text + string(rs[col:])
	e.SetText(strings.Join(lines, "\n"))
	e.CursorRow, e.CursorColumn = row, col+utf8.RuneCountInString(text)
	e.Refresh()
}
