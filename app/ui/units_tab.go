package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// unitsTab is "Unidades/Usuarios": every user of every unit of the
// community, searched, filtered and sorted over an in-memory snapshot; the
// units the administrator selects are what the actions at the top act on.
type unitsTab struct {
	u         *UI
	community data.Community
	snap      *unitsSnapshot
	shown     []int32 // indexes into snap.rows, in display order
	filter    unitsFilter
	selected  map[int64]bool // unit ids
	cursor    int            // the shown row Enter opens
	gen       int            // load generation: a stale load is dropped
	loads     int            // snapshots shown so far (tests wait on it)
	// shownCommunity is whose listing the table shows: another one's starts
	// from the top, the same one read again keeps the user's place.
	shownCommunity int64

	search     *searchEntry
	sector     *widget.Select
	userType   *widget.Select
	origin     *widget.Select
	archived   *widget.Check
	noEmail    *widget.Check
	newOnly    *widget.Check // «Nuevos desde la última importación»
	table      *unitsTable
	count      *widget.Label
	selInfo    *widget.Label
	selectAll  *widget.Button
	clearSel   *widget.Button
	letter     *widget.Button
	letterMenu *fyne.Menu
	loading    *widget.ProgressBarInfinite
	empty      *widget.Label
	root       fyne.CanvasObject

	modal *unitModal // the open Herramientas modal, if any
}

// unitColumn is one column of the table; sortKey -1 cannot be sorted.
type unitColumn struct {
	key, title string
	width      float32
	sortKey    int
}

// The first stickyColumns columns (the checkbox, the unit and its tools)
// stay in place while the rest scroll sideways.
const (
	colSelect = iota
	colUnit
	colTools
	colFirst
	colLast
	colEmail
	colType
	colMain
	colOrigin
	colLetter
)

const stickyColumns = colTools + 1

func unitColumns() []unitColumn {
	return []unitColumn{
		{"units.col.select", "", 28, -1},
		// The text columns' widths are minimums: they share the room left.
		{"units.col.unit", "Unidad", 90, sortUnit},
		{"units.col.tools", "Herramientas", 90, -1},
		{"units.col.first", "Nombres", 90, sortFirst},
		{"units.col.last", "Apellidos", 100, sortLast},
		{"units.col.email", "Correo", 150, sortEmail},
		{"units.col.type", "Tipo de usuario", 110, sortType},
		{"units.col.main", "Principal", 70, sortMain},
		{"units.col.origin", "Origen", 70, sortOrigin},
		{"units.col.letter", "Carta / aviso", 82, sortLetter},
	}
}

func newUnitsTab(u *UI) *unitsTab {
	t := &unitsTab{u: u, selected: map[int64]bool{}, snap: newUnitsSnapshot(nil)}

	t.search = newSearchEntry(func() { t.search.SetText("") })
	t.search.SetPlaceHolder(lang.X("units.search.hint", "Buscar por unidad, nombre, apellido, RUT o correo (Ctrl+F)"))
	t.search.OnChanged = func(s string) { t.filter.query = s; t.apply() }

	t.sector = widget.NewSelect(nil, func(string) { t.onFilters() })
	t.userType = widget.NewSelect(nil, func(string) { t.onFilters() })
	t.origin = widget.NewSelect(nil, func(string) { t.onFilters() })
	t.userType.Options = []string{lang.X("units.filter.type.all", "Todos los tipos")}
	for _, ut := range data.UserTypes {
		t.userType.Options = append(t.userType.Options, typeLabel(ut))
	}
	t.origin.Options = []string{
		lang.X("units.filter.origin.all", "Todos los orígenes"),
		"Kastor",
		lang.X("units.origin.added", "Agregado"),
		lang.X("units.origin.secondary", "Correo secundario"),
	}
	t.sector.Options = []string{lang.X("units.filter.sector.all", "Todos los sectores")}
	for _, sel := range []*widget.Select{t.sector, t.userType, t.origin} {
		sel.PlaceHolder = longest(sel.Options) // a Select is as wide as its placeholder
	}
	t.sector.SetSelectedIndex(0)
	t.userType.SetSelectedIndex(0)
	t.origin.SetSelectedIndex(0)
	t.archived = widget.NewCheck(lang.X("units.filter.archived", "Archivados"), func(bool) { t.onFilters() })
	t.noEmail = widget.NewCheck(lang.X("units.filter.noemail", "Sin correo"), func(bool) { t.onFilters() })
	t.newOnly = widget.NewCheck(lang.X("units.filter.new", "Nuevos desde la última importación"), func(bool) { t.onFilters() })

	t.letterMenu = fyne.NewMenu("",
		fyne.NewMenuItemWithIcon(lang.X("units.letter.download", "Descargar"), theme.DownloadIcon(), func() { u.newLetterDownloadFor(t.selectedIDs(), t.filter.newOnly) }),
		fyne.NewMenuItemWithIcon(lang.X("units.letter.send", "Enviar"), theme.MailSendIcon(), func() { u.newLetterSendFor(t.selectedIDs(), t.filter.newOnly) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon(lang.X("units.letter.new", "Carta a los nuevos"), theme.AccountIcon(), t.onLetterToNewcomers),
	)
	t.letter = widget.NewButtonWithIcon(lang.X("units.action.letter", "Carta de bienvenida"), theme.MenuDropDownIcon(), nil)
	t.letter.IconPlacement = widget.ButtonIconTrailingText
	t.letter.Importance = widget.HighImportance
	t.letter.OnTapped = func() {
		c := fyne.CurrentApp().Driver().CanvasForObject(t.letter)
		if c == nil {
			return
		}
		widget.ShowPopUpMenuAtRelativePosition(t.letterMenu, c, fyne.NewPos(0, t.letter.Size().Height), t.letter)
	}
	imp := widget.NewButtonWithIcon(lang.X("action.import", "Importar datos"), theme.DownloadIcon(), u.onImportAction)
	gen := widget.NewButtonWithIcon(lang.X("units.action.generate", "Generar usuarios"), theme.DocumentIcon(), func() { u.onGenerateUsers(t.selectedIDs()) })
	sent := widget.NewButtonWithIcon(lang.X("units.action.outbox", "Enviados"), theme.MailComposeIcon(), u.onOutbox)

	t.count = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	t.selInfo = widget.NewLabel("")
	t.selectAll = widget.NewButtonWithIcon(lang.X("units.select.all", "Seleccionar todas"), theme.ConfirmIcon(), t.onSelectAll)
	t.clearSel = widget.NewButtonWithIcon(lang.X("units.select.none", "Quitar selección"), theme.ContentClearIcon(), t.onClearSelection)
	t.loading = widget.NewProgressBarInfinite()
	t.loading.Hide()
	t.empty = widget.NewLabelWithStyle(lang.X("units.empty", "Ningún usuario coincide con la búsqueda y los filtros."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	t.empty.Hide()

	t.table = newUnitsTable(t)

	actions := container.NewHBox(t.letter, imp, gen, sent)
	filters := container.NewHBox(t.sector, t.userType, t.origin, t.archived, t.noEmail, t.newOnly)
	searchRow := newReflowRow(t.search, filters)
	selRow := container.NewBorder(nil, nil, container.NewHBox(t.selectAll, t.clearSel, t.selInfo), t.count)
	top := container.NewVBox(actions, searchRow, selRow, t.loading)
	t.root = container.NewBorder(top, nil, nil, nil, container.NewStack(t.table, container.NewCenter(t.empty)))

	// Ctrl+F (Cmd+F on macOS) goes to the search box from anywhere in the window.
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		t.focusSearch()
	})
	t.updateSelection()
	return t
}

func (t *unitsTab) content() fyne.CanvasObject { return t.root }

func (t *unitsTab) focusSearch() {
	if t.u.tabs != nil && t.u.tabs.SelectedIndex() != 0 {
		t.u.tabs.SelectIndex(0)
	}
	t.u.win.Canvas().Focus(t.search)
}

// setCommunity shows another community: the selection and the search start afresh.
func (t *unitsTab) setCommunity(c data.Community) {
	if c.ID != t.community.ID {
		t.selected = map[int64]bool{}
		t.search.SetText("")
	}
	t.community = c
	t.reload()
}

// reload reads the listing again off the UI goroutine (after an import or
// a change in the modal) and keeps the search, filters and selection.
func (t *unitsTab) reload() {
	t.gen++
	gen, st, cid := t.gen, t.u.st, t.community.ID
	if st == nil || cid == 0 {
		return
	}
	t.loading.Show()
	background(func() {
		rows, err := st.UserRows(context.Background(), cid)
		var snap *unitsSnapshot
		if err == nil {
			snap = newUnitsSnapshot(rows)
			var keys []data.MemberKey
			if keys, err = st.Newcomers(context.Background(), cid); err == nil {
				snap.newcomers = make(map[data.MemberKey]bool, len(keys))
				for _, k := range keys {
					snap.newcomers[k] = true
				}
			}
		}
		fyne.Do(func() {
			if gen != t.gen {
				return
			}
			t.loading.Hide()
			if err != nil {
				t.u.showError(err)
				return
			}
			t.setSnapshot(snap, cid != t.shownCommunity)
			t.shownCommunity = cid
			t.loads++
		})
	})
}

// setSnapshot shows a listing: a community's first (fresh: from the top)
// or the same one read again, keeping the search, filters and selection.
func (t *unitsTab) setSnapshot(s *unitsSnapshot, fresh bool) {
	t.snap = s
	cur := t.sector.Selected
	t.sector.Options = append([]string{lang.X("units.filter.sector.all", "Todos los sectores")}, s.sectors...)
	t.sector.PlaceHolder = longest(t.sector.Options)
	t.sector.Refresh()
	if idx := indexOf(t.sector.Options, cur); idx > 0 {
		t.sector.SetSelectedIndex(idx)
	} else {
		t.sector.SetSelectedIndex(0)
	}
	// Units that no longer exist leave the selection.
	exists := make(map[int64]bool, s.units)
	for i := range s.rows {
		exists[s.rows[i].UnitID] = true
	}
	for id := range t.selected {
		if !exists[id] {
			delete(t.selected, id)
		}
	}
	t.table.measure() // the columns follow this listing's longest values
	t.readFilters()
	t.show()
	if fresh {
		t.table.toTop()
	} else {
		t.table.keepInView()
	}
}

// longest is the widest of the texts, for sizing a Select.
func longest(list []string) string {
	var best string
	var bw float32
	for _, s := range list {
		if w := fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width; w > bw {
			best, bw = s, w
		}
	}
	return best
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// onFilters reads the filter widgets into t.filter and applies it.
func (t *unitsTab) onFilters() {
	if t.table == nil {
		return // still building the widgets
	}
	t.readFilters()
	t.apply()
}

func (t *unitsTab) readFilters() {
	t.filter.sector = ""
	if i := t.sector.SelectedIndex(); i > 0 {
		t.filter.sector = t.sector.Options[i]
	}
	t.filter.userType = ""
	if i := t.userType.SelectedIndex(); i > 0 {
		t.filter.userType = data.UserTypes[i-1]
	}
	t.filter.origin = ""
	switch t.origin.SelectedIndex() {
	case 1:
		t.filter.origin = originKastor
	case 2:
		t.filter.origin = originLocal
	case 3:
		t.filter.origin = originSecondary
	}
	t.filter.archived = t.archived.Checked
	t.filter.noEmail = t.noEmail.Checked
	t.filter.newOnly = t.newOnly.Checked
}

// apply filters and sorts the snapshot after the search, a filter or the
// sort changed, and shows the result from its first row (the selection
// stays).
func (t *unitsTab) apply() {
	if t.table == nil {
		return
	}
	t.show()
	t.table.toTop()
}

// show filters and sorts the snapshot and redraws the table and counts.
func (t *unitsTab) show() {
	t.shown = t.snap.filter(t.filter)
	if t.cursor >= len(t.shown) {
		t.cursor = max(0, len(t.shown)-1)
	}
	users, units := t.snap.counts(t.shown)
	text := lang.X("units.count", "{{.Users}} en {{.Units}}", map[string]any{
		"Users": usersText(users),
		"Units": unitsText(units),
	})
	if t.filter.narrowed() {
		text = lang.X("units.count.filtered", "{{.Shown}} (de {{.Total}})", map[string]any{"Shown": text, "Total": thousands(t.snap.total(t.filter.archived))})
	}
	t.count.SetText(text)
	if len(t.shown) == 0 && len(t.snap.rows) > 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.table.Refresh()
	t.updateSelection()
}

// plural picks the singular or plural template for n, written with
// thousands separators.
func plural(n int, oneKey, one, otherKey, other string) string {
	d := map[string]any{"N": thousands(n)}
	if n == 1 {
		return lang.X(oneKey, one, d)
	}
	return lang.X(otherKey, other, d)
}

func typeLabel(ut data.UserType) string {
	switch ut {
	case data.Propietario:
		return lang.X("units.type.propietario", "Propietario")
	case data.Arrendatario:
		return lang.X("units.type.arrendatario", "Arrendatario")
	case data.Residente:
		return lang.X("units.type.residente", "Residente")
	case data.Otro:
		return lang.X("units.type.otro", "Otro")
	}
	return string(ut)
}

// onLetterToNewcomers shows the people who arrived with the latest import
// («Nuevos desde la última importación») and selects their units, so that
// Descargar and Enviar write to them; it says so when there is nobody new.
func (t *unitsTab) onLetterToNewcomers() {
	if t.snap == nil || len(t.snap.newcomers) == 0 {
		dialog.ShowInformation(lang.X("units.letter.new", "Carta a los nuevos"),
			lang.X("units.letter.new.none", "La última importación no trajo personas nuevas."), t.u.win)
		return
	}
	t.selected = map[int64]bool{}
	for k := range t.snap.newcomers {
		t.selected[k.UnitID] = true
	}
	t.newOnly.SetChecked(true) // applies the filter
	t.table.Refresh()
}

// selectedIDs lists the selected units in the listing's order.
func (t *unitsTab) selectedIDs() []int64 {
	ids := make([]int64, 0, len(t.selected))
	seen := map[int64]bool{}
	for _, r := range t.snap.rows {
		if t.selected[r.UnitID] && !seen[r.UnitID] {
			seen[r.UnitID] = true
			ids = append(ids, r.UnitID)
		}
	}
	return ids
}

func (t *unitsTab) toggleUnit(id int64) {
	if t.selected[id] {
		delete(t.selected, id)
	} else {
		t.selected[id] = true
	}
	t.table.Refresh()
	t.updateSelection()
}

// onSelectAll selects every unit the search and filters show.
func (t *unitsTab) onSelectAll() {
	for _, i := range t.shown {
		t.selected[t.snap.rows[i].UnitID] = true
	}
	t.table.Refresh()
	t.updateSelection()
}

func (t *unitsTab) onClearSelection() {
	t.selected = map[int64]bool{}
	t.table.Refresh()
	t.updateSelection()
}

// allShownSelected reports whether every unit on screen is selected.
func (t *unitsTab) allShownSelected() bool {
	if len(t.shown) == 0 {
		return false
	}
	for _, i := range t.shown {
		if !t.selected[t.snap.rows[i].UnitID] {
			return false
		}
	}
	return true
}

func (t *unitsTab) updateSelection() {
	n := len(t.selected)
	switch n {
	case 0:
		t.selInfo.SetText(lang.X("units.select.nothing", "Ninguna unidad seleccionada"))
		t.clearSel.Disable()
	case 1:
		t.selInfo.SetText(lang.X("units.select.one", "1 unidad seleccionada"))
		t.clearSel.Enable()
	default:
		t.selInfo.SetText(lang.X("units.select.many", "{{.N}} unidades seleccionadas", map[string]any{"N": thousands(n)}))
		t.clearSel.Enable()
	}
	if len(t.shown) == 0 || t.allShownSelected() {
		t.selectAll.Disable()
	} else {
		t.selectAll.Enable()
	}
}

// onSort sorts by a column; the same column again flips the direction.
func (t *unitsTab) onSort(key int) {
	if t.filter.sortKey == key {
		t.filter.desc = !t.filter.desc
	} else {
		t.filter.sortKey, t.filter.desc = key, false
	}
	t.apply()
}

// openRow opens the Herramientas modal of a shown row's unit.
func (t *unitsTab) openRow(row int) {
	if row < 0 || row >= len(t.shown) {
		return
	}
	r := t.snap.rows[t.shown[row]]
	t.openModal(r.UnitID)
}

// searchEntry is the search box: Escape clears it.
type searchEntry struct {
	widget.Entry
	onEscape func()
}

func newSearchEntry(onEscape func()) *searchEntry {
	e := &searchEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}
