package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// configSection is one pane of the Configuración tab. Each lives in its own
// file (config_<area>.go) and registers itself with registerConfigSection,
// so areas of the product add their settings without touching this file.
type configSection interface {
	title() string
	content() fyne.CanvasObject
	// setCommunity loads the section's values for c (called on the UI goroutine;
	// load from the database in a goroutine and apply with fyne.Do).
	setCommunity(c data.Community)
}

type sectionFactory struct {
	order int
	new   func(u *UI) configSection
}

var sectionFactories []sectionFactory

// registerConfigSection adds a section; lower order comes first.
func registerConfigSection(order int, f func(u *UI) configSection) {
	sectionFactories = append(sectionFactories, sectionFactory{order, f})
	sort.SliceStable(sectionFactories, func(i, j int) bool { return sectionFactories[i].order < sectionFactories[j].order })
}

// configTab lists the sections on the left and shows the chosen one.
type configTab struct {
	u        *UI
	sections []configSection
	list     *widget.List
	pane     *fyne.Container
	split    *container.Split
	current  int // the section shown
}

func newConfigTab(u *UI) *configTab {
	t := &configTab{u: u, pane: container.NewStack()}
	for _, f := range sectionFactories {
		t.sections = append(t.sections, f.new(u))
	}
	t.list = widget.NewList(
		func() int { return len(t.sections) },
		func() fyne.CanvasObject { return widget.NewLabel("Configuración de la carta") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(t.sections[i].title()) },
	)
	t.list.OnSelected = t.show
	t.split = container.NewHSplit(t.list, t.pane)
	t.split.Offset = 0.22
	if len(t.sections) > 0 {
		t.list.Select(0)
	}
	return t
}

func (t *configTab) show(i widget.ListItemID) {
	t.current = i
	t.pane.Objects = []fyne.CanvasObject{t.sections[i].content()}
	t.pane.Refresh()
}

func (t *configTab) content() fyne.CanvasObject { return t.split }

func (t *configTab) setCommunity(c data.Community) {
	for _, s := range t.sections {
		s.setCommunity(c)
	}
}
