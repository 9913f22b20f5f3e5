package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// wrapList is a List of word-wrapped lines, each item as tall as its text
// needs at the list's width, so a long line (an import observation, a line
// of the history) is read whole instead of cut with «…». The heights are
// measured again when the width changes and on Refresh (new data).
type wrapList struct {
	widget.List
	text    func(i int) string
	width   float32
	measure *widget.Label
}

func newWrapList(length func() int, text func(i int) string) *wrapList {
	l := &wrapList{text: text, measure: wrappedLabel("")}
	l.Length = length
	l.CreateItem = func() fyne.CanvasObject { return wrappedLabel("") }
	l.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(text(i)) }
	l.ExtendBaseWidget(l)
	return l
}

func wrappedLabel(s string) *widget.Label {
	lb := widget.NewLabel(s)
	lb.Wrapping = fyne.TextWrapWord
	return lb
}

func (l *wrapList) Resize(s fyne.Size) {
	if s.Width != l.width {
		l.width = s.Width
		l.measureAll()
	}
	l.List.Resize(s)
}

func (l *wrapList) Refresh() {
	l.measureAll()
	l.List.Refresh()
}

func (l *wrapList) measureAll() {
	if l.width <= 0 || l.Length == nil {
		return
	}
	for i, n := 0, l.Length(); i < n; i++ {
		l.SetItemHeight(i, l.heightOf(l.text(i)))
	}
}

// heightOf is the height of s wrapped at the list's width.
func (l *wrapList) heightOf(s string) float32 {
	l.measure.SetText(s)
	l.measure.Resize(fyne.NewSize(l.width, 0))
	return l.measure.MinSize().Height
}
