package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
	"comunidad/data/datatest"
)

// seedUnits fills a community the way a Kastor import would (the import is
// another engineer's work, so plain SQL here).
func seedUnits(t *testing.T, st *data.Store) data.Community {
	t.Helper()
	ctx := context.Background()
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	f := datatest.New(t, st)
	f.Units(c,
		data.Unit{ID: 1, Code: "101", Name: "Depto 101", Assigned: "Depto 101, Bod. 12, Est. 34", Sector: "Torre A", Floor: "1", Factor: 0.0123},
		data.Unit{ID: 2, Code: "102", Name: "Depto 102", Sector: "Torre A", Floor: "1", Factor: 0.02},
		data.Unit{ID: 3, Code: "103", Name: "Depto 103", Sector: "Torre B", Floor: "1", Factor: 0.01},
		data.Unit{ID: 4, Code: "104", Name: "Depto 104", Sector: "Torre B", Floor: "1", Factor: 0.01},
		data.Unit{ID: 5, Code: "105", Name: "Depto 105", Sector: "Torre B", Floor: "1", Factor: 0.01, Archived: true})
	f.People(c,
		data.Person{ID: 1, KastorKey: "k1", FirstNames: "José", LastNames: "Núñez Pérez", RUT: "12345678-5", Email: "jose@example.cl", Phone: "+56 9 8765 4321"},
		data.Person{ID: 2, KastorKey: "k2", FirstNames: "Marta", LastNames: "Rojas", Email: "marta@example.cl", Type: data.Arrendatario},
		data.Person{ID: 3, KastorKey: "k3", FirstNames: "Pedro", LastNames: "Soto", RUT: "7654321-6"},
		data.Person{ID: 4, KastorKey: "k4", FirstNames: "Viejo", LastNames: "Archivado", Email: "viejo@example.cl"})
	f.Members(
		data.Membership{UnitID: 1, PersonID: 1, Role: data.RoleMain, Position: 1},
		data.Membership{UnitID: 1, PersonID: 2, Role: data.RoleAdditional, Position: 2},
		data.Membership{UnitID: 2, PersonID: 3, Role: data.RoleMain, Position: 1},
		data.Membership{UnitID: 5, PersonID: 4, Role: data.RoleMain, Position: 1})
	f.SecondaryEmails(data.SecondaryEmail{UnitID: 4, Email: "conserje@example.cl", Label: "Conserjería"})
	return c
}

// shownRows renders every row the table shows through its own cell code, as
// "unit|first|last|email|type|main|origin".
func shownRows(tb *unitsTable) []string {
	var out []string
	rows, _ := tb.Length()
	for r := 0; r < rows; r++ {
		var cells []string
		for c := colUnit; c <= colOrigin; c++ {
			if c == colTools {
				continue
			}
			o := newUnitCell()
			tb.updateCell(widget.TableCellID{Row: r, Col: c}, o)
			cells = append(cells, cellParts(o).label.Text)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

// loadedTab shows the tab alone in a window, on a seeded community. The
// other tabs are left out on purpose: the test driver runs every fyne.Do at
// once on its own goroutine, so their loads would race with this tab's.
func loadedTab(t *testing.T) (*UI, fyne.Window, *unitsTab) {
	t.Helper()
	st := datatest.Open(t)
	c := seedUnits(t, st)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	t.Cleanup(w.Close)
	u := &UI{app: a, win: w, opts: Options{Store: st, Secrets: testSecrets(t, st)}, st: st, community: c, sendStatus: newSendStatus()}
	u.units = newUnitsTab(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Unidades/Usuarios", u.units.content()),
		container.NewTabItem("Configuración", widget.NewLabel("")),
	)
	w.SetContent(u.tabs)
	w.Resize(fyne.NewSize(1280, 800))
	tab := u.units
	tab.setCommunity(c)
	eventually(t, "the listing", func() bool { return tab.loads > 0 })
	return u, w, tab
}

func TestUnitsTabShowsEveryRow(t *testing.T) {
	_, _, tab := loadedTab(t)
	want := []string{
		"Depto 101|José|Núñez Pérez|jose@example.cl|Propietario|Sí|Kastor",
		"Depto 101|Marta|Rojas|marta@example.cl|Arrendatario||Kastor",
		"Depto 102|Pedro|Soto|sin correo|Propietario|Sí|Kastor",
		"Depto 103|sin usuarios|||||",
		"Depto 104|||conserje@example.cl|||Correo secundario",
	}
	if got := shownRows(tab.table); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tab.count.Text != "4 usuarios en 4 unidades" {
		t.Fatalf("count = %q", tab.count.Text)
	}
}

func TestUnitsSearchAsYouType(t *testing.T) {
	_, _, tab := loadedTab(t)
	tests := []struct {
		typed string
		want  []string // first cell of each row
		count string
	}{
		{"nunez", []string{"Depto 101|José"}, "1 usuario en 1 unidad (de 4)"},
		{"NÚÑEZ jos", []string{"Depto 101|José"}, "1 usuario en 1 unidad (de 4)"},
		{"rojas", []string{"Depto 101|Marta"}, "1 usuario en 1 unidad (de 4)"},
		{"12.345.678-5", []string{"Depto 101|José"}, "1 usuario en 1 unidad (de 4)"},
		{"123456785", []string{"Depto 101|José"}, "1 usuario en 1 unidad (de 4)"},
		{"7654321", []string{"Depto 102|Pedro"}, "1 usuario en 1 unidad (de 4)"},
		{"conserje@", []string{"Depto 104|"}, "1 usuario en 1 unidad (de 4)"},
		{"103", []string{"Depto 103|sin usuarios"}, "0 usuarios en 1 unidad (de 4)"},
		{"depto 10", []string{"Depto 101|José", "Depto 101|Marta", "Depto 102|Pedro", "Depto 103|sin usuarios", "Depto 104|"}, "4 usuarios en 4 unidades"},
		{"zzz", nil, "0 usuarios en 0 unidades (de 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			tab.search.SetText("")
			test.Type(tab.search, tt.typed)
			var got []string
			for _, r := range shownRows(tab.table) {
				f := strings.Split(r, "|")
				got = append(got, f[0]+"|"+f[1])
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("typing %q shows %q, want %q", tt.typed, got, tt.want)
			}
			if !strings.HasPrefix(tab.count.Text, strings.TrimSuffix(tt.count, " (de 4)")) {
				t.Fatalf("count = %q, want %q", tab.count.Text, tt.count)
			}
			if tt.want == nil && !tab.empty.Visible() {
				t.Fatal("no rows and no empty-state message")
			}
		})
	}
	// Escape clears the search.
	tab.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if tab.search.Text != "" || len(tab.shown) != 5 {
		t.Fatalf("after Escape: %q, %d rows", tab.search.Text, len(tab.shown))
	}
}

func TestUnitsFilters(t *testing.T) {
	_, _, tab := loadedTab(t)
	firstCells := func() []string {
		var got []string
		for _, r := range shownRows(tab.table) {
			f := strings.Split(r, "|")
			got = append(got, strings.TrimSuffix(f[0], " (archivada)")[6:9]+"/"+f[1])
		}
		return got
	}
	check := func(what string, want ...string) {
		t.Helper()
		if got := firstCells(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: %q, want %q", what, got, want)
		}
	}
	if fmt.Sprint(tab.sector.Options) != "[Todos los sectores Torre A Torre B]" {
		t.Fatalf("sector options %q", tab.sector.Options)
	}
	tab.sector.SetSelected("Torre B")
	check("Torre B", "103/sin usuarios", "104/")
	tab.archived.SetChecked(true)
	check("Torre B with archived", "103/sin usuarios", "104/", "105/Viejo")
	tab.sector.SetSelectedIndex(0)
	tab.archived.SetChecked(false)
	tab.userType.SetSelected("Arrendatario")
	check("arrendatarios", "101/Marta")
	tab.userType.SetSelectedIndex(0)
	tab.origin.SetSelected("Correo secundario")
	check("secondary emails", "104/")
	tab.origin.SetSelected("Agregado")
	check("added", []string{}...)
	tab.origin.SetSelected("Kastor")
	check("kastor", "101/José", "101/Marta", "102/Pedro")
	tab.origin.SetSelectedIndex(0)
	tab.noEmail.SetChecked(true)
	check("sin correo", "102/Pedro")
	tab.noEmail.SetChecked(false)
	check("no filters", "101/José", "101/Marta", "102/Pedro", "103/sin usuarios", "104/")
}

func TestUnitsSortByHeader(t *testing.T) {
	_, w, tab := loadedTab(t)
	header := findButton(w.Content(), "Apellidos")
	if header == nil {
		t.Fatal("no Apellidos header button")
	}
	test.Tap(header)
	var got []string
	for _, r := range shownRows(tab.table) {
		got = append(got, strings.Split(r, "|")[2])
	}
	if want := "[Núñez Pérez Rojas Soto  ]"; fmt.Sprint(got) != want {
		t.Fatalf("by surname: %q, want %s", got, want)
	}
	test.Tap(findButton(w.Content(), "Apellidos"))
	got = nil
	for _, r := range shownRows(tab.table) {
		got = append(got, strings.Split(r, "|")[2])
	}
	if want := "[  Soto Rojas Núñez Pérez]"; fmt.Sprint(got) != want {
		t.Fatalf("by surname, descending: %q, want %s", got, want)
	}
}

func TestUnitsSelection(t *testing.T) {
	_, _, tab := loadedTab(t)
	// A click on a row selects its unit; on another row of the same unit, unselects it.
	tab.table.Select(widget.TableCellID{Row: 0, Col: colFirst})
	if ids := tab.selectedIDs(); fmt.Sprint(ids) != "[1]" || tab.selInfo.Text != "1 unidad seleccionada" {
		t.Fatalf("after one click: %v %q", ids, tab.selInfo.Text)
	}
	tab.table.Select(widget.TableCellID{Row: 2, Col: colSelect})
	if ids := tab.selectedIDs(); fmt.Sprint(ids) != "[1 2]" || tab.selInfo.Text != "2 unidades seleccionadas" {
		t.Fatalf("after two clicks: %v %q", ids, tab.selInfo.Text)
	}
	tab.table.Select(widget.TableCellID{Row: 1, Col: colEmail})
	if ids := tab.selectedIDs(); fmt.Sprint(ids) != "[2]" {
		t.Fatalf("clicking the unit's other row: %v", ids)
	}
	// "Seleccionar todas" selects what the search shows, not everything.
	tab.search.SetText("10")
	tab.sector.SetSelected("Torre B")
	test.Tap(tab.selectAll)
	if ids := tab.selectedIDs(); fmt.Sprint(ids) != "[2 3 4]" {
		t.Fatalf("select all in Torre B (plus 102 from before): %v", ids)
	}
	if !tab.selectAll.Disabled() {
		t.Fatal("Seleccionar todas enabled with everything shown selected")
	}
	test.Tap(tab.clearSel)
	if len(tab.selectedIDs()) != 0 || tab.selInfo.Text != "Ninguna unidad seleccionada" || !tab.clearSel.Disabled() {
		t.Fatalf("after clearing: %v %q", tab.selectedIDs(), tab.selInfo.Text)
	}
}

func TestUnitsKeyboard(t *testing.T) {
	u, w, tab := loadedTab(t)
	// Ctrl+F focuses the search box from the Configuración tab too.
	u.tabs.SelectIndex(1)
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if w.Canvas().Focused() != tab.search || u.tabs.SelectedIndex() != 0 {
		t.Fatalf("Ctrl+F: focused %T, tab %d", w.Canvas().Focused(), u.tabs.SelectedIndex())
	}
	// Down twice, then Enter opens the third row's unit (102).
	tab.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	tab.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	tab.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if tab.modal == nil {
		t.Fatal("Enter opened no modal")
	}
	eventually(t, "the modal of 102", func() bool { return tab.modal.detail.Unit.Code == "102" })
}

func TestUnitsActionsGetSelection(t *testing.T) {
	_, w, tab := loadedTab(t)
	if got := texts(w.Content()); !contains(got, "Carta de bienvenida") || !contains(got, "Importar datos") ||
		!contains(got, "Generar usuarios") || !contains(got, "Enviados") {
		t.Fatalf("action bar: %q", got)
	}
	if len(tab.letterMenu.Items) != 4 || tab.letterMenu.Items[0].Label != "Descargar" || tab.letterMenu.Items[1].Label != "Enviar" ||
		!tab.letterMenu.Items[2].IsSeparator || tab.letterMenu.Items[3].Label != "Carta a los nuevos" {
		t.Fatalf("letter menu: %+v", tab.letterMenu.Items)
	}
	test.Tap(tab.letter)
	if len(w.Canvas().Overlays().List()) == 0 {
		t.Fatal("the letter button shows no menu")
	}
}

// TestUnitsColumnsFitTheWindow: at 1280 pixels every column is on screen and
// no header is cut, with the sort arrow on any column.
func TestUnitsColumnsFitTheWindow(t *testing.T) {
	_, _, tab := loadedTab(t)
	tb := tab.table
	for _, c := range tb.cols {
		if c.sortKey >= 0 {
			tab.onSort(c.sortKey)
		}
		tb.fit(1280 - 2*theme.Padding())
		var total float32
		for i, w := range tb.widths {
			total += w + theme.Padding()
			col := tb.cols[i]
			if col.title == "" {
				continue
			}
			need := fyne.MeasureText(lang.X(col.key, col.title), theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
			if tab.filter.sortKey == col.sortKey && col.sortKey >= 0 {
				need += theme.IconInlineSize()
			}
			if w < need {
				t.Errorf("sorted by %q: column %q is %.0f wide, its header needs %.0f", c.title, col.title, w, need)
			}
		}
		if total > 1280 {
			t.Errorf("sorted by %q: the columns take %.0f pixels of 1280", c.title, total)
		}
	}
}

// TestUnitsColumnsFollowWhatTheyShow: Origen and "Carta / aviso" are as
// wide as what this listing puts in them, never cut, and no wider: with no
// letter sent the room goes to the names and emails.
func TestUnitsColumnsFollowWhatTheyShow(t *testing.T) {
	_, _, tab := loadedTab(t)
	tb := tab.table
	row := func(code string, mod func(*data.UserRow)) data.UserRow {
		r := data.UserRow{UnitID: int64(len(code)), UnitCode: code, Role: data.RoleMain, Origin: data.OriginKastor,
			FirstNames: "Ana", LastNames: "Pérez", Email: code + "@example.cl"}
		if mod != nil {
			mod(&r)
		}
		return r
	}
	width := 1280 - 2*theme.Padding()
	fitTo := func(rows []data.UserRow) []float32 {
		tab.setSnapshot(newUnitsSnapshot(rows), false)
		tb.fit(width)
		return append([]float32(nil), tb.widths...)
	}
	plain := fitTo([]data.UserRow{row("101", nil), row("102", nil)})
	full := fitTo([]data.UserRow{
		row("101", func(r *data.UserRow) {
			r.Role, r.Origin, r.Archived = data.RoleSecondaryEmail, data.OriginLocal, true
		}),
		row("102", func(r *data.UserRow) {
			r.LetterSentAt, r.NoticeState = time.Date(2026, 11, 27, 10, 0, 0, 0, time.Local), "cancelled"
		}),
	})
	fits := func(ws []float32, col int, text string) bool {
		return ws[col] >= fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding()
	}
	longOrigin := "Correo secundario (archivado)"
	longLetter := "27-11-2026 · aviso cancelado"
	if !fits(full, colOrigin, longOrigin) || !fits(full, colLetter, longLetter) {
		t.Errorf("cut: origin %.0f for %q, letter %.0f for %q", full[colOrigin], longOrigin, full[colLetter], longLetter)
	}
	if fits(plain, colOrigin, longOrigin) || fits(plain, colLetter, longLetter) {
		t.Errorf("Kastor only, no letters: origin %.0f, letter %.0f wide", plain[colOrigin], plain[colLetter])
	}
	if plain[colEmail] <= full[colEmail] || plain[colLast] <= full[colLast] {
		t.Errorf("the room left was not given to the text columns: email %.0f vs %.0f, surnames %.0f vs %.0f",
			plain[colEmail], full[colEmail], plain[colLast], full[colLast])
	}
}
