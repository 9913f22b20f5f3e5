package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// unitsTable is the users table: a widget.Table whose cells are recycled
// (one label, icon and button per visible cell, however many rows), with
// Enter opening the modal of the row under the keyboard cursor.
type unitsTable struct {
	widget.Table
	t       *unitsTab
	cols    []unitColumn
	natural []float32 // per column, measured once per listing
	widths  []float32 // as last fitted to the window
}

func newUnitsTable(t *unitsTab) *unitsTable {
	tb := &unitsTable{t: t, cols: unitColumns()}
	tb.Length = func() (int, int) { return len(t.shown), len(tb.cols) }
	tb.CreateCell = newUnitCell
	tb.UpdateCell = tb.updateCell
	tb.ShowHeaderRow = true
	tb.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	tb.UpdateHeader = tb.updateHeader
	tb.OnSelected = tb.onSelected
	tb.StickyColumnCount = stickyColumns
	tb.ExtendBaseWidget(tb)
	tb.measure()
	return tb
}

// measure works out, once per listing, how wide each column wants to be:
// as wide as its header (with room for the sort arrow, so that sorting does
// not move the columns) and as its longest value in this listing, never
// cut, with a cap on what one long name or email may claim. Filtering and
// searching do not change it.
func (tb *unitsTable) measure() {
	pad := theme.Padding()
	inner := theme.InnerPadding()
	size := theme.TextSize()
	icon := theme.IconInlineSize()
	natural := make([]float32, len(tb.cols))
	for i, c := range tb.cols {
		w := c.width
		if c.title != "" {
			need := fyne.MeasureText(lang.X(c.key, c.title), size, fyne.TextStyle{Bold: true}).Width + inner*2 + pad
			if c.sortKey >= 0 {
				need += icon + pad
			}
			w = max(w, need)
		} else {
			w = max(w, icon+inner*2)
		}
		for _, sample := range tb.samples(i) {
			// A margin over the label's own padding: Fyne's truncation
			// leaves less room than the bare text needs.
			w = max(w, min(fyne.MeasureText(sample, size, fyne.TextStyle{}).Width+inner*2+pad*3, maxSampleWidth[i]))
		}
		natural[i] = float32(int(w + 0.999))
	}
	tb.natural = natural
	tb.fit(tb.Size().Width)
}

// flexWeight is how the text columns share the room left once every
// column has its width: names and email first.
var flexWeight = map[int]float32{colUnit: 0.3, colFirst: 1, colLast: 1.3, colEmail: 1.8}

// fit gives each column its measured width and shares what the window has
// left among the text columns. A window too narrow for them all scrolls
// sideways, the unit and its tools staying in place: no column is cut.
func (tb *unitsTable) fit(width float32) {
	if tb.natural == nil {
		tb.measure()
		return
	}
	pad := theme.Padding()
	widths := append([]float32(nil), tb.natural...)
	var total, weights float32
	for i, w := range widths {
		total += w
		weights += flexWeight[i]
	}
	// The table puts one padding between columns; keep a little for the
	// vertical scroll bar.
	if extra := width - pad*float32(len(tb.cols)) - theme.ScrollBarSize() - total; extra > 0 {
		for i, fw := range flexWeight {
			widths[i] += float32(int(extra * fw / weights))
		}
	}
	for i, w := range widths {
		tb.SetColumnWidth(i, w)
	}
	tb.widths = widths
}

// maxSampleWidth caps what one long value may claim of its column (it is
// cut with "…" beyond, and read whole in the Herramientas modal).
var maxSampleWidth = map[int]float32{colUnit: 230, colFirst: 220, colLast: 240, colEmail: 300,
	colType: 200, colMain: 200, colOrigin: 260, colLetter: 260}

// samples are the longest values a column shows, so that it is never cut:
// for the type and main columns, their fixed texts; for the others, what
// their cells say in this listing (a community that has sent no letter
// leaves that column as narrow as its header, and the room to the names
// and emails).
func (tb *unitsTable) samples(col int) []string {
	s := tb.t.snap
	switch col {
	case colUnit:
		return []string{s.longestUnit}
	case colFirst:
		return s.cellTexts(colFirst, func(r data.UserRow) string { return r.FirstNames })
	case colLast:
		return s.cellTexts(colLast, func(r data.UserRow) string { return r.LastNames })
	case colEmail:
		return s.cellTexts(colEmail, func(r data.UserRow) string { return r.Email })
	case colType:
		return []string{typeLabel(data.Arrendatario), typeLabel(data.Propietario)}
	case colMain:
		return []string{lang.X("common.yes", "Sí")}
	case colOrigin:
		return s.cellTexts(colOrigin, originCell)
	case colLetter:
		return s.cellTexts(colLetter, sentText)
	}
	return nil
}

// toTop shows the first row and the first column. Fyne's scroller puts its
// content back at the top without telling the table when the rows come to
// fit, the table's ScrollToTop moves its offset without moving the
// scroller's content, and its ScrollTo the first row stops a header's height
// short of the top: each leaves the table drawing rows for one offset where
// another is shown (blank, or the first row under the header). ScrollTo
// brings the two in step, ScrollToOffset then to the very top.
func (tb *unitsTable) toTop() {
	if rows, _ := tb.Length(); rows > 0 {
		tb.ScrollTo(widget.TableCellID{Row: 0, Col: 0})
	}
	tb.ScrollToOffset(fyne.Position{})
}

// keepInView redraws after the listing changed under the same search (a
// reload): from the top down to the row under the keyboard cursor, so the
// row the user was working on stays on screen.
func (tb *unitsTable) keepInView() {
	tb.toTop()
	if rows, _ := tb.Length(); tb.t.cursor > 0 && tb.t.cursor < rows {
		tb.ScrollTo(widget.TableCellID{Row: tb.t.cursor, Col: 0})
	}
}

// Resize refits the columns to the new width.
func (tb *unitsTable) Resize(s fyne.Size) {
	if s.Width != tb.Size().Width {
		tb.fit(s.Width)
	}
	tb.Table.Resize(s)
}

func (tb *unitsTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(tb.cols) {
		b.SetText("")
		return
	}
	c := tb.cols[id.Col]
	t := tb.t
	switch {
	case id.Col == colSelect:
		b.SetText("")
		if t.allShownSelected() {
			b.SetIcon(theme.CheckButtonCheckedIcon())
			b.OnTapped = t.onClearSelection
		} else {
			b.SetIcon(theme.CheckButtonIcon())
			b.OnTapped = t.onSelectAll
		}
		return
	case c.sortKey < 0:
		b.SetIcon(nil)
		b.OnTapped = nil
	default:
		switch {
		case t.filter.sortKey != c.sortKey:
			b.SetIcon(nil)
		case t.filter.desc:
			b.SetIcon(theme.MenuDropUpIcon())
		default:
			b.SetIcon(theme.MenuDropDownIcon())
		}
		key := c.sortKey
		b.OnTapped = func() { t.onSort(key) }
	}
	b.SetText(lang.X(c.key, c.title))
}

// unitCell is the recycled content of one cell: a label, and the icon or
// button of the selection and Herramientas columns.
type unitCell struct {
	label  *widget.Label
	icon   *widget.Icon
	button *widget.Button
}

func newUnitCell() fyne.CanvasObject {
	l := widget.NewLabel("Depto 1234")
	l.Truncation = fyne.TextTruncateEllipsis
	icon := widget.NewIcon(theme.CheckButtonIcon())
	b := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
	b.Importance = widget.LowImportance
	return container.NewStack(l, container.NewCenter(icon), b)
}

func cellParts(o fyne.CanvasObject) unitCell {
	c := o.(*fyne.Container)
	return unitCell{
		label:  c.Objects[0].(*widget.Label),
		icon:   c.Objects[1].(*fyne.Container).Objects[0].(*widget.Icon),
		button: c.Objects[2].(*widget.Button),
	}
}

func (tb *unitsTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	t := tb.t
	p := cellParts(o)
	if id.Row < 0 || id.Row >= len(t.shown) {
		return
	}
	r := &t.snap.rows[t.shown[id.Row]]
	p.icon.Hide()
	p.button.Hide()
	p.label.Show()
	style := fyne.TextStyle{}
	imp := widget.MediumImportance
	var s string
	switch id.Col {
	case colSelect:
		p.label.Hide()
		if t.selected[r.UnitID] {
			p.icon.SetResource(theme.CheckButtonCheckedIcon())
		} else {
			p.icon.SetResource(theme.CheckButtonIcon())
		}
		p.icon.Show()
		return
	case colUnit:
		s = unitText(r.UnitCode, r.UnitName)
		if r.UnitArchived {
			s += " " + lang.X("units.archived.unit", "(archivada)")
			imp = widget.LowImportance
		}
	case colFirst:
		switch {
		case r.Empty():
			s, style, imp = lang.X("units.row.nousers", "sin usuarios"), fyne.TextStyle{Italic: true}, widget.LowImportance
		default:
			s = r.FirstNames
		}
	case colLast:
		s = r.LastNames
	case colEmail:
		s = r.Email
		if s == "" && !r.Empty() {
			s, style, imp = lang.X("units.row.noemail", "sin correo"), fyne.TextStyle{Italic: true}, widget.WarningImportance
		}
	case colType:
		if r.PersonID != 0 {
			s = typeLabel(r.Type)
		}
	case colMain:
		if r.IsMain() {
			s, style = lang.X("common.yes", "Sí"), fyne.TextStyle{Bold: true}
		}
	case colOrigin:
		s = originCell(*r)
		if r.Role == data.RoleSecondaryEmail {
			style = fyne.TextStyle{Italic: true}
		}
		if r.Archived {
			imp = widget.LowImportance
		}
	case colLetter:
		s = sentText(*r)
		if r.NoticeState == "failed" {
			imp = widget.DangerImportance
		}
	case colTools:
		p.label.Hide()
		unit, row := r.UnitID, id.Row
		p.button.OnTapped = func() { t.cursor = row; t.openModal(unit) }
		p.button.Show()
		return
	}
	if p.label.TextStyle != style || p.label.Importance != imp {
		p.label.TextStyle = style
		p.label.Importance = imp
		p.label.Text = s
		p.label.Refresh()
		return
	}
	p.label.SetText(s)
}

// unitText is "101 · Oficina norte", the name alone when it already holds
// the code ("Depto 101"), the code alone when there is no name.
func unitText(code, name string) string {
	switch {
	case name == "":
		return code
	case containsWord(data.Fold(name), data.Fold(code)):
		return name
	}
	return code + " · " + name
}

// containsWord reports whether word appears in s on its own, not inside
// another run of letters or digits ("depto 101" holds "101", not "10").
func containsWord(s, word string) bool {
	if word == "" {
		return false
	}
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i:i+len(word)] != word {
			continue
		}
		before := i == 0 || !isAlnum(s[i-1])
		after := i+len(word) == len(s) || !isAlnum(s[i+len(word)])
		if before && after {
			return true
		}
	}
	return false
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 0x80
}

func originText(r data.UserRow) string {
	switch {
	case r.Role == data.RoleSecondaryEmail:
		return lang.X("units.origin.secondary", "Correo secundario")
	case r.Origin == data.OriginKastor:
		return "Kastor"
	case r.Origin == data.OriginLocal:
		return lang.X("units.origin.added", "Agregado")
	}
	return ""
}

// originCell is what the Origen column says: the origin, and whether the
// user is archived.
func originCell(r data.UserRow) string {
	if r.Archived {
		return originText(r) + " " + lang.X("units.archived.user", "(archivado)")
	}
	return originText(r)
}

// sentText is what the "Carta / aviso" column says: the date the welcome
// letter was emailed, and the state of a new-user notice when one is owed
// ("aviso pendiente", "aviso falló").
func sentText(r data.UserRow) string {
	var parts []string
	if !r.LetterSentAt.IsZero() {
		parts = append(parts, r.LetterSentAt.Local().Format("02-01-2006"))
	}
	if r.NoticeState != "" {
		parts = append(parts, noticeCell(r.NoticeState))
	}
	return strings.Join(parts, " · ")
}

func noticeCell(state string) string {
	return lang.X("units.notice.cell", "aviso {{.State}}", map[string]any{"State": noticeText(state)})
}

// noticeText is the state of a "new user" notification as the user reads it.
func noticeText(state string) string {
	switch state {
	case "pending", "sending":
		return lang.X("units.notice.pending", "pendiente")
	case "sent":
		return lang.X("units.notice.sent", "enviado")
	case "failed":
		return lang.X("units.notice.failed", "falló")
	case "cancelled":
		return lang.X("units.notice.cancelled", "cancelado")
	}
	return ""
}

// onSelected: a click (or Space) on a row selects or unselects its unit; on
// the Herramientas column it opens the modal. The table's own selection is
// cleared at once so the next click on the same cell counts again.
func (tb *unitsTable) onSelected(id widget.TableCellID) {
	t := tb.t
	tb.Unselect(id)
	if id.Row < 0 || id.Row >= len(t.shown) {
		return
	}
	t.cursor = id.Row
	if id.Col == colTools {
		t.openRow(id.Row)
		return
	}
	t.toggleUnit(t.snap.rows[t.shown[id.Row]].UnitID)
}

// TypedKey adds Enter (open the row's modal) to the table's keys, and
// follows the keyboard cursor up and down.
func (tb *unitsTable) TypedKey(k *fyne.KeyEvent) {
	t := tb.t
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		t.openRow(t.cursor)
		return
	case fyne.KeyDown:
		if t.cursor < len(t.shown)-1 {
			t.cursor++
		}
	case fyne.KeyUp:
		if t.cursor > 0 {
			t.cursor--
		}
	}
	tb.Table.TypedKey(k)
}
