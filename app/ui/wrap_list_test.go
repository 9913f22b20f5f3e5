package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/kastor"
	"comunidad/data"
	"comunidad/data/datatest"
)

// longObservation is 300 characters of an import observation.
func longObservation() string {
	s := "El correo «maria.jose.fernandez.de.la.fuente@condominio-las-brisas-de-chicureo.cl» de la persona 12.345.678-5 no es válido y se dejó en blanco; además la unidad figura con dos cuentas principales (Propietario y Arrendatario), se tomó la primera. Revise la ficha en Kastor y vuelva a importar."
	for len([]rune(s)) < 300 {
		s += " Gracias."
	}
	return string([]rune(s)[:300])
}

// drawnLines is the text a label draws, one entry per line on screen.
func drawnLines(l *widget.Label) []string {
	var out []string
	walkTree(l, func(o fyne.CanvasObject) bool {
		if tx, ok := o.(*canvas.Text); ok && tx.Visible() && tx.Text != "" {
			out = append(out, tx.Text)
		}
		return true
	})
	return out
}

// readableWhole fails unless the list shows an item with text, whole: its
// lines together are the text (no «…»), and the item is tall enough for them.
func readableWhole(t *testing.T, list *wrapList, text string) {
	t.Helper()
	var found *widget.Label
	walkTree(list, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Text == text && l.Visible() {
			found = l
		}
		return found == nil
	})
	if found == nil {
		t.Fatalf("no item shows %q", text)
	}
	lines := drawnLines(found)
	// Lines break between words, or inside a word too long for one line.
	bare := func(s string) string { return strings.Join(strings.Fields(s), "") }
	joined := strings.Join(lines, "")
	if bare(joined) != bare(text) || strings.Contains(joined, "…") {
		t.Fatalf("drawn as %q, want the whole %q", lines, text)
	}
	if len(lines) < 2 {
		t.Fatalf("a %d-character line drawn on one line at %v: %q", len([]rune(text)), found.Size(), lines)
	}
	if need := found.MinSize().Height; found.Size().Height < need-0.5 {
		t.Fatalf("item %v high, its %d lines need %v", found.Size().Height, len(lines), need)
	}
}

func TestImportReportShowsLongObservationsWhole(t *testing.T) {
	st := datatest.Open(t)
	u, w, _ := kastorTestUI(t, st, false)
	long := longObservation()
	rep := data.SyncReport{Community: "Las Brisas", Problems: []data.SyncProblem{{Row: 7, Message: long}, {Row: 9, Message: "Sin RUT."}}}
	fyne.DoAndWait(func() {
		w.Resize(fyne.NewSize(1024, 768))
		u.showImportReport(rep, &kastor.Result{Rows: 12})
	})
	var list *wrapList
	walkTree(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*wrapList); ok {
			list = l
		}
		return list == nil
	})
	if list == nil {
		t.Fatal("no list of observations")
	}
	readableWhole(t, list, "Fila 7: "+long)
	// The short one stays one line high.
	var short *widget.Label
	walkTree(list, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Text == "Fila 9: Sin RUT." {
			short = l
		}
		return short == nil
	})
	if short == nil || len(drawnLines(short)) != 1 || short.Size().Height > widget.NewLabel("x").MinSize().Height+0.5 {
		t.Fatalf("the short observation: %v", short)
	}
}

func TestImportHistoryShowsLongLinesWhole(t *testing.T) {
	st := datatest.Open(t)
	long := strings.Repeat("exportacion-kastor-condominio-las-brisas-de-chicureo-", 3) + "noviembre.csv"
	path := kastorFile(t, long, kastorCSV)
	if _, _, err := kastor.Import(t.Context(), st, data.SyncTarget{CommunityName: "Las Brisas"}, path, kastor.Options{}); err != nil {
		t.Fatal(err)
	}
	u, w, loaded := kastorTestUI(t, st, false)
	s := kastorSectionOf(t, u)
	fyne.DoAndWait(func() {
		w.SetContent(s.content())
		w.Resize(fyne.NewSize(1024, 768))
	})
	kastorWaitLoaded(t, loaded)
	if len(s.runs) != 1 {
		t.Fatalf("history: %d runs", len(s.runs))
	}
	line := historyLine(s.runs[0])
	if !strings.Contains(line, long) {
		t.Fatalf("the history line does not name the file: %q", line)
	}
	readableWhole(t, s.history, line)
}
