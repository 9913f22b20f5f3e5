package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
	"comunidad/data/datatest"
)

// seedTower is a community of n units "A-101", "A-102"... with one Kastor
// owner each; unit A-105 also has a tenant, Noemí, as in the issue.
func seedTower(t *testing.T, st *data.Store, name string, n int) data.Community {
	t.Helper()
	ctx := context.Background()
	c, err := st.CreateCommunity(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	f := datatest.New(t, st)
	base := c.ID * 10000
	for i := 1; i <= n; i++ {
		id := base + int64(i)
		f.Units(c, data.Unit{ID: id, Code: fmt.Sprintf("A-%d", 100+i), Sector: "Torre A", Floor: "1", Factor: 0.01})
		f.People(c, data.Person{ID: id, KastorKey: fmt.Sprintf("k%d", id), FirstNames: fmt.Sprintf("Dueño%d", 100+i),
			LastNames: fmt.Sprintf("Apellido%d", 100+i), Email: fmt.Sprintf("d%d@example.cl", id)})
		f.Members(data.Membership{UnitID: id, PersonID: id, Role: data.RoleMain, Position: 1})
	}
	if n >= 5 {
		noemi := base + 9999
		f.People(c, data.Person{ID: noemi, KastorKey: "kn", FirstNames: "Noemí", LastNames: "Fuentes", Email: "noemi@example.cl", Type: data.Arrendatario})
		f.Members(data.Membership{UnitID: base + 5, PersonID: noemi, Role: data.RoleAdditional, Position: 2})
	}
	return c
}

// towerTab shows the units tab on a 120-unit community in a 1024x768 window.
func towerTab(t *testing.T) (*UI, fyne.Window, *unitsTab) {
	t.Helper()
	st := datatest.Open(t)
	c := seedTower(t, st, "Edificio Torre", 120)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	u := &UI{app: a, win: w, opts: Options{Store: st, Secrets: testSecrets(t, st)}, st: st, community: c, sendStatus: newSendStatus()}
	u.units = newUnitsTab(u)
	u.tabs = container.NewAppTabs(container.NewTabItem("Unidades/Usuarios", u.units.content()))
	w.SetContent(u.tabs)
	w.Resize(fyne.NewSize(1024, 768))
	tab := u.units
	tab.setCommunity(c)
	eventually(t, "the listing", func() bool { return tab.loads > 0 })
	return u, w, tab
}

// drawnLabel is a cell's label as the table draws it, in window coordinates.
type drawnLabel struct {
	text string
	pos  fyne.Position
	size fyne.Size
}

// wholeRows is the text of every label the table draws wholly inside its
// data area (below the header row, above its bottom edge), so a row hidden
// under the header or cut in half does not count.
func wholeRows(t *testing.T, tb *unitsTable) []string {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(tb)
	var headerBottom float32
	var out []string
	var labels []drawnLabel
	walkTree(tb, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch w := o.(type) {
		case *widget.Button:
			// Header buttons carry the column titles.
			if w.Text != "" {
				p := d.AbsolutePositionForObject(w)
				headerBottom = max(headerBottom, p.Y+w.Size().Height)
			}
		case *widget.Label:
			if w.Text != "" {
				labels = append(labels, drawnLabel{text: w.Text, pos: d.AbsolutePositionForObject(w), size: w.Size()})
			}
			return false
		}
		return true
	})
	bottom := top.Y + tb.Size().Height
	for _, l := range labels {
		if l.pos.Y >= headerBottom-1 && l.pos.Y+l.size.Height <= bottom+1 && l.pos.X >= top.X-1 && l.pos.X < top.X+tb.Size().Width {
			out = append(out, l.text)
		}
	}
	return out
}

// scrollDown scrolls to the last row the way the mouse wheel does: the
// table's offset and its scroller's both move.
func scrollDown(tb *unitsTable) {
	rows, _ := tb.Length()
	tb.ScrollTo(widget.TableCellID{Row: rows - 1, Col: 0})
}

func has(list []string, want ...string) bool {
	for _, w := range want {
		if !contains(list, w) {
			return false
		}
	}
	return true
}

// TestUnitsSearchShowsResultWhole is: scrolled down, a
// search that finds two users shows both whole, from the first.
func TestUnitsSearchShowsResultWhole(t *testing.T) {
	_, _, tab := towerTab(t)
	tb := tab.table
	if got := wholeRows(t, tb); !has(got, "A-101", "Dueño101") {
		t.Fatalf("at the start the first rows are not drawn: %q", got)
	}
	scrollDown(tb)
	if got := wholeRows(t, tb); has(got, "Dueño101") || !has(got, "Dueño220") {
		t.Fatalf("scrolled to the bottom shows %q", got)
	}
	test.Type(tab.search, "A-105")
	if tab.count.Text != "2 usuarios en 1 unidad (de 121)" {
		t.Fatalf("count = %q", tab.count.Text)
	}
	if got := wholeRows(t, tb); !has(got, "Dueño105", "Noemí") {
		t.Fatalf("after searching A-105 the table draws %q, want both users whole", got)
	}
	// Clearing the search starts again from the top.
	scrollDown(tb)
	tab.search.SetText("")
	if got := wholeRows(t, tb); !has(got, "Dueño101") {
		t.Fatalf("after clearing the search: %q", got)
	}
}

// TestUnitsSortAndFilterGoToTop: a sort or a filter shows its first rows,
// not the scroll position of the previous listing, and keeps the selection.
func TestUnitsSortAndFilterGoToTop(t *testing.T) {
	_, w, tab := towerTab(t)
	tb := tab.table
	tab.toggleUnit(tab.snap.rows[0].UnitID)
	scrollDown(tb)
	test.Tap(findButton(w.Content(), "Nombres"))
	if got := wholeRows(t, tb); !has(got, "Dueño101") {
		t.Fatalf("after sorting by Nombres: %q", got)
	}
	test.Tap(findButton(w.Content(), "Nombres")) // descending: Noemí first
	if got := wholeRows(t, tb); !has(got, "Noemí") {
		t.Fatalf("after sorting by Nombres descending: %q", got)
	}
	scrollDown(tb)
	tab.userType.SetSelected("Arrendatario")
	if got := wholeRows(t, tb); !has(got, "Noemí") {
		t.Fatalf("after filtering arrendatarios: %q", got)
	}
	if ids := tab.selectedIDs(); len(ids) != 1 || ids[0] != tab.snap.rows[0].UnitID {
		t.Fatalf("the selection changed: %v", ids)
	}
}

// TestUnitsCommunitySwitchGoesToTop: another community's listing starts at
// its first row, however far down the previous one was.
func TestUnitsCommunitySwitchGoesToTop(t *testing.T) {
	u, _, tab := towerTab(t)
	small := seedTower(t, u.st.(*data.Store), "Edificio Chico", 3)
	scrollDown(tab.table)
	tab.setCommunity(small)
	eventually(t, "the other community", func() bool { return tab.loads > 1 })
	if got := wholeRows(t, tab.table); !has(got, "Dueño101", "Dueño102", "Dueño103") {
		t.Fatalf("after switching community the table draws %q", got)
	}
}

// TestUnitsReloadAfterDialogKeepsRowsDrawn is the blank table after
// "Generar usuarios": scrolled down, a dialog over the table closes and the
// listing is read again with a filter that leaves one row; the row is drawn.
// And after the Herramientas modal of a row far down closes, that row is
// still on screen.
func TestUnitsReloadAfterDialogKeepsRowsDrawn(t *testing.T) {
	_, _, tab := towerTab(t)
	tb := tab.table
	scrollDown(tb)
	tab.cursor = len(tab.shown) - 1
	m := openUnitModal(t, tab, "A-220")
	m.dlg.Hide()
	eventually(t, "the table after the modal", func() bool { return has(wholeRows(t, tb), "Dueño220") })

	scrollDown(tb)
	// The search narrows the rows while the table is scrolled (the way a
	// search typed under a dialog does), then a reload follows.
	tab.filter.query = "Dueño219"
	tab.show()
	tab.reload()
	eventually(t, "the reload", func() bool { return tab.loads > 1 })
	if got := wholeRows(t, tb); !has(got, "Dueño219") {
		t.Fatalf("after the reload the table draws %q (blank)", got)
	}
}

// TestUnitsStickyColumns: scrolled sideways to the last column at 1024
// pixels, the unit, its checkbox and the Herramientas button stay drawn at
// the left edge.
func TestUnitsStickyColumns(t *testing.T) {
	_, _, tab := towerTab(t)
	tb := tab.table
	if tb.StickyColumnCount != stickyColumns || colSelect >= stickyColumns || colUnit >= stickyColumns || colTools >= stickyColumns {
		t.Fatalf("sticky columns %d", tb.StickyColumnCount)
	}
	tb.ScrollToTrailing()
	got := wholeRows(t, tb)
	if !has(got, "A-101") {
		t.Fatalf("scrolled sideways, the unit column is gone: %q", got)
	}
	// The Herramientas buttons are still drawn beside the units.
	d := fyne.CurrentApp().Driver()
	left := d.AbsolutePositionForObject(tb).X
	tools := 0
	walkTree(tb, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon == theme.DocumentCreateIcon() {
			if x := d.AbsolutePositionForObject(b).X; x >= left && x < left+tb.widths[colSelect]+tb.widths[colUnit]+tb.widths[colTools]+4*theme.Padding() {
				tools++
			}
		}
		return true
	})
	if tools == 0 {
		t.Fatal("scrolled sideways, no Herramientas button beside the units")
	}
}
