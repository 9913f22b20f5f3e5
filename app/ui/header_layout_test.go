package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"comunidad/data/datatest"
)

// Where the search box and the filters (about 1000 pixels of them) do not
// both fit, as at 1024 and 1366, the filters go below the search box, which
// then takes the whole width; on a wide screen (1920) they share one line,
// the search box still at least minSearchWidth. Before, at 1024 the search
// box was squeezed to a few dozen pixels. Nothing is wider than the window.
func TestHeaderReflowsAt1024(t *testing.T) {
	st := datatest.Open(t)
	seedTower(t, st, "Condominio Parque Los Aromos", 3)
	u, w := newTestUI(t, st)
	eventually(t, "the listing", func() bool { return u.units != nil && u.units.loads > 0 })
	tab := u.units
	for _, tc := range []struct {
		width   float32
		oneLine bool
	}{{1024, false}, {1366, false}, {1920, true}, {1024, false}} {
		w.Resize(fyne.NewSize(tc.width, 768))
		var search, filters fyne.Position
		var searchW, filtersW, canvasW float32
		fyne.DoAndWait(func() {
			w.Content().Refresh()
			search, filters = absPos(tab.search), absPos(tab.sector)
			searchW, canvasW = tab.search.Size().Width, w.Canvas().Size().Width
			filtersW = tab.newOnly.Position().X + tab.newOnly.Size().Width
		})
		t.Logf("%.0f: search at %v, %.0f wide; filters at %v, %.0f wide; canvas %.0f", tc.width, search, searchW, filters, filtersW, canvasW)
		if searchW < minSearchWidth {
			t.Fatalf("at %.0f the search box is %.0f wide (< %d)", tc.width, searchW, minSearchWidth)
		}
		if same := search.Y == filters.Y || (filters.Y < search.Y+tab.search.Size().Height); same != tc.oneLine {
			t.Fatalf("at %.0f: one line = %v, want %v (search %v, filters %v)", tc.width, same, tc.oneLine, search, filters)
		}
		if filters.X+filtersW > canvasW+1 {
			t.Fatalf("at %.0f the filters end at %.0f, past the window (%.0f)", tc.width, filters.X+filtersW, canvasW)
		}
	}
}

func absPos(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}
