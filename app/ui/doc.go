// Package ui is Comunidad's Fyne interface: the window, its header and status
// line, the "Unidades/Usuarios" and "Configuración" tabs, their dialogs and
// editors. It holds no SQL and no file formats: the workflows (app/workflow)
// own each sequence (import, users file, letters, sending, backups); the
// window adds progress, confirmation and display, runs their long work off
// the UI goroutine and updates widgets through fyne.Do. It sees the database
// through Store (store.go), small interfaces over what it reads and edits,
// never the SQLite store itself; errors.go turns the typed errors of the
// layers below into the user's language.
//
// Texts are Spanish (Chile) first and go through Fyne's lang package:
// lang.X("area.key", "texto en español"), with every key present in
// assets/translations/<area>.es.json and <area>.en.json (a test checks it).
package ui
