package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// unitsTab is "Unidades/Usuarios": every user of every unit of the community.
type unitsTab struct {
	u     *UI
	rows  []data.UserRow
	table *widget.Table
	count *widget.Label
	root  fyne.CanvasObject
}

var unitColumns = []struct {
	key, title string
	width      float32
}{
	{"units.col.unit", "Unidad", 200},
	{"units.col.first", "Nombres", 170},
	{"units.col.last", "Apellidos", 170},
	{"units.col.email", "Correo", 240},
	{"units.col.type", "Tipo de usuario", 130},
	{"units.col.main", "Principal", 90},
	{"units.col.origin", "Origen", 90},
}

func newUnitsTab(u *UI) *unitsTab {
	t := &unitsTab{u: u, count: widget.NewLabel("")}
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), len(unitColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		t.updateCell,
	)
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(lang.X(unitColumns[id.Col].key, unitColumns[id.Col].title))
		}
	}
	for i, c := range unitColumns {
		t.table.SetColumnWidth(i, c.width)
	}
	imp := widget.NewButtonWithIcon(lang.X("action.import", "Importar datos"), theme.DownloadIcon(), u.onImport)
	t.root = container.NewBorder(container.NewHBox(imp, layoutSpacer(), t.count), nil, nil, nil, t.table)
	return t
}

func (t *unitsTab) content() fyne.CanvasObject { return t.root }

func (t *unitsTab) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.Truncation = fyne.TextTruncateEllipsis
	r := t.rows[id.Row]
	var s string
	switch id.Col {
	case 0:
		s = r.UnitCode + " " + r.UnitName
	case 1:
		s = r.FirstNames
	case 2:
		s = r.LastNames
	case 3:
		s = r.Email
	case 4:
		s = r.Type.Label()
	case 5:
		if r.IsMain() {
			s = lang.X("common.yes", "Sí")
		}
	case 6:
		switch r.Origin {
		case data.OriginKastor:
			s = "Kastor"
		case data.OriginLocal:
			s = lang.X("units.origin.local", "Agregado")
		}
	}
	l.SetText(s)
}

func (t *unitsTab) setCommunity(c data.Community) {
	go func() {
		rows, err := t.u.st.UserRows(context.Background(), c.ID)
		fyne.Do(func() {
			if err != nil {
				t.u.showError(err)
				return
			}
			t.rows = rows
			t.count.SetText(lang.X("units.count.rows", "{{.N}} filas", map[string]any{"N": len(rows)}))
			t.table.Refresh()
		})
	}()
}

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel("") }
