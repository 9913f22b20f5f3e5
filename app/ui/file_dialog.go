package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// showFileDialog shows one of Fyne's file or folder dialogs with its places
// in the user's language: Fyne translates its buttons through lang but
// draws the places as it names them ("Home", "Computer", "Documents"…).
func (u *UI) showFileDialog(d interface{ Show() }) {
	d.Show()
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		translatePlaces(top)
	}
}

// placeName is the user's name for one of the places Fyne's file dialog
// lists, or ok false for anything else (a drive, a folder's own name).
func placeName(fyneName string) (string, bool) {
	switch fyneName {
	case "Home":
		return lang.X("file.place.home", "Carpeta personal"), true
	case "Computer":
		return lang.X("file.place.computer", "Equipo"), true
	case "Desktop":
		return lang.X("file.place.desktop", "Escritorio"), true
	case "Documents":
		return lang.X("file.place.documents", "Documentos"), true
	case "Downloads":
		return lang.X("file.place.downloads", "Descargas"), true
	case "Music":
		return lang.X("file.place.music", "Música"), true
	case "Pictures":
		return lang.X("file.place.pictures", "Imágenes"), true
	case "Videos":
		return lang.X("file.place.videos", "Videos"), true
	case "Movies":
		return lang.X("file.place.movies", "Películas"), true
	case "App Files":
		return lang.X("file.place.app", "Archivos de la aplicación"), true
	}
	return "", false
}

// translatePlaces finds the list of places in a file dialog's pop-up (an
// icon and a label per item, left of the files) and names them with
// placeName each time the list draws an item.
func translatePlaces(o fyne.CanvasObject) {
	switch w := o.(type) {
	case *widget.PopUp:
		translatePlaces(w.Content)
	case *fyne.Container:
		for _, ch := range w.Objects {
			translatePlaces(ch)
		}
	case *container.Split:
		translatePlaces(w.Leading)
		translatePlaces(w.Trailing)
	case *widget.List:
		update := w.UpdateItem
		if update == nil {
			return
		}
		w.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
			update(id, item)
			row, ok := item.(*fyne.Container)
			if !ok || len(row.Objects) != 2 {
				return
			}
			if l, ok := row.Objects[1].(*widget.Label); ok {
				if name, ok := placeName(l.Text); ok {
					l.SetText(name)
				}
			}
		}
		w.Refresh()
	}
}
