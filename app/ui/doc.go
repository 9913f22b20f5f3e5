// Package ui is Comunidad's Fyne interface: the window, its header and status
// line, the "Unidades/Usuarios" and "Configuración" tabs, their dialogs and
// editors. It holds no SQL and no file formats: it calls the data store and
// the app/* services, runs their long work off the UI goroutine and updates
// widgets through fyne.Do.
//
// Texts are Spanish (Chile) first and go through Fyne's lang package:
// lang.X("area.key", "texto en español"), with every key present in
// assets/translations/<area>.es.json and <area>.en.json (a test checks it).
package ui
