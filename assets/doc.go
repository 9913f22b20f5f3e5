// Package assets embeds the files the application ships: the icon, the
// interface translations, and (in their own files) the demo Kastor export,
// the suggested letter and the fonts.
package assets

import (
	"embed"
	_ "embed"
)

//go:embed icon.png
var Icon []byte

// Translations holds translations/<area>.<lang>.json, one file per area of
// the interface and language, registered with Fyne's lang package.
//
//go:embed translations/*.json
var Translations embed.FS

// Help holds help/guia.<lang>.md, the user guide "Ayuda → Guía de uso"
// shows, in Markdown.
//
//go:embed help/*.md
var Help embed.FS
