package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// minSearchWidth is the least the search box gets beside the filters: room
// for its hint to be read and a name or RUT to be typed.
const minSearchWidth = 420

// reflowRow lays out the search box and the filters on one line when the
// window is wide enough for both, and the filters on a line of their own
// below the search box when it is not (a 1024-pixel screen), so the search
// box is never squeezed. It decides from the window's width, which is known
// before anything is laid out, so its MinSize and its Layout always agree
// (a layout's height cannot depend on the width it is later given).
type reflowRow struct {
	search, filters fyne.CanvasObject
}

func newReflowRow(search, filters fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: &reflowRow{search: search, filters: filters}, Objects: []fyne.CanvasObject{search, filters}}
}

// oneLine reports whether the window is wide enough for both on one line.
func (r *reflowRow) oneLine() bool {
	c := fyne.CurrentApp().Driver().CanvasForObject(r.search)
	if c == nil {
		return true
	}
	// The tab's own margins: a few paddings either side.
	return c.Size().Width >= minSearchWidth+r.filters.MinSize().Width+6*theme.Padding()
}

func (r *reflowRow) MinSize([]fyne.CanvasObject) fyne.Size {
	s, f := r.search.MinSize(), r.filters.MinSize()
	w := fyne.Max(s.Width, f.Width)
	if r.oneLine() {
		return fyne.NewSize(w, fyne.Max(s.Height, f.Height))
	}
	return fyne.NewSize(w, s.Height+theme.Padding()+f.Height)
}

func (r *reflowRow) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	s, f := r.search.MinSize(), r.filters.MinSize()
	if r.oneLine() {
		h := fyne.Max(s.Height, f.Height)
		fw := fyne.Min(f.Width, size.Width)
		r.search.Move(fyne.NewPos(0, (size.Height-h)/2+(h-s.Height)/2))
		r.search.Resize(fyne.NewSize(size.Width-fw-theme.Padding(), s.Height))
		r.filters.Move(fyne.NewPos(size.Width-fw, (size.Height-f.Height)/2))
		r.filters.Resize(fyne.NewSize(fw, f.Height))
		return
	}
	r.search.Move(fyne.NewPos(0, 0))
	r.search.Resize(fyne.NewSize(size.Width, s.Height))
	r.filters.Move(fyne.NewPos(0, s.Height+theme.Padding()))
	r.filters.Resize(fyne.NewSize(fyne.Min(f.Width, size.Width), f.Height))
}
